"""Turning rows of an RMM or asset-tool export into inventory items.

Pure functions over already-read text cells: guessing which column holds what, mapping the
tools' device classes onto our kinds, reading the date formats they write, and checking each
row. Reading files (encodings, delimiters, XLSX) is :mod:`discovery_app.inventoryio`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from pydantic import ValidationError

from .engagement import InventoryCategory, InventoryItem


class Target(StrEnum):
    """The inventory fields a source column can be mapped to."""

    NAME = "name"
    KIND = "kind"
    CATEGORY = "category"
    SITE = "site"
    OWNER = "owner"
    OS = "os"
    MODEL = "model"
    SERIAL = "serial"
    PURCHASE_DATE = "purchase_date"
    WARRANTY_END = "warranty_end"
    NOTES = "notes"


TARGET_LABELS = {
    Target.NAME: "Name", Target.KIND: "Kind", Target.CATEGORY: "Category", Target.SITE: "Site",
    Target.OWNER: "Owner", Target.OS: "Operating system", Target.MODEL: "Model",
    Target.SERIAL: "Serial number", Target.PURCHASE_DATE: "Purchase date",
    Target.WARRANTY_END: "Warranty end", Target.NOTES: "Notes",
}

# Header names seen in exports of common RMM and asset tools (NinjaOne, Datto RMM, N-able,
# ConnectWise Automate, Kaseya VSA, Lansweeper, Intune), normalised: lower case, letters and
# digits only. Order matters: the first target whose synonym matches wins.
SYNONYMS: dict[Target, tuple[str, ...]] = {
    Target.NAME: ("name", "devicename", "hostname", "computername", "systemname", "displayname",
                  "device", "computer", "assetname", "machinename", "nodename", "dnsname"),
    Target.KIND: ("deviceclass", "nodeclass", "class", "devicetype", "type", "assettype", "role",
                  "nodetype", "devicecategory", "machinetype", "ostype"),
    Target.CATEGORY: ("inventorycategory", "itemcategory", "recordtype"),
    Target.SITE: ("site", "sitename", "location", "organizationlocation", "office", "branch",
                  "locationname"),
    Target.OWNER: ("owner", "assignedto", "assigneduser", "lastloggedinuser", "lastloggedonuser",
                   "lastuser", "user", "primaryuser", "username", "lastloggeduser"),
    Target.OS: ("os", "operatingsystem", "osname", "osversion", "platform", "osdescription"),
    Target.MODEL: ("model", "systemmodel", "devicemodel", "product", "hardwaremodel", "manufacturermodel"),
    Target.SERIAL: ("serial", "serialnumber", "servicetag", "sn", "biosserialnumber", "serialno"),
    Target.PURCHASE_DATE: ("purchasedate", "purchased", "installdate", "acquired", "acquisitiondate",
                           "firstseen", "dateacquired"),
    Target.WARRANTY_END: ("warrantyend", "warrantyexpiration", "warrantyexpires", "warrantyenddate",
                          "warrantyexpirydate", "warranty", "warrantyexpirationdate", "endofwarranty"),
    Target.NOTES: ("notes", "description", "comments", "comment", "remarks"),
}

# Device classes written by RMM tools -> our device kinds.
DEVICE_CLASSES: dict[str, str] = {
    "WINDOWS_SERVER": "server", "LINUX_SERVER": "server", "MAC_SERVER": "server",
    "WINDOWS_WORKSTATION": "workstation", "LINUX_WORKSTATION": "workstation", "MAC": "workstation",
    "VMWARE_VM_HOST": "server", "HYPERV_VMM_HOST": "server", "VMWARE_VM_GUEST": "virtual_server",
    "HYPERV_VMM_GUEST": "virtual_server", "CLOUD_MONITOR_TARGET": "other",
    "NMS_SWITCH": "network", "NMS_ROUTER": "network", "NMS_WAP": "network", "NMS_OTHER": "network",
    "NMS_FIREWALL": "firewall", "NMS_PRINTER": "printer", "NMS_NAS": "storage", "NMS_SERVER": "server",
    "NMS_VIRTUAL_MACHINE": "virtual_server", "NMS_COMPUTER": "workstation", "NMS_DIAL_MANAGER": "network",
    "ANDROID": "mobile", "APPLE_IOS": "mobile", "APPLE_IPADOS": "mobile",
}

# Words in free-text device types (Datto "Desktop", N-able "Laptop", Lansweeper "Switch" ...),
# checked in order against the normalised value.
KIND_WORDS: tuple[tuple[str, str], ...] = (
    ("virtualmachine", "virtual_server"), ("vmguest", "virtual_server"), ("virtualserver", "virtual_server"),
    ("vm", "virtual_server"), ("esxi", "server"), ("hypervisor", "server"), ("host", "server"),
    ("server", "server"), ("domaincontroller", "server"),
    ("laptop", "laptop"), ("notebook", "laptop"), ("portable", "laptop"),
    ("desktop", "workstation"), ("workstation", "workstation"), ("pc", "workstation"), ("mac", "workstation"),
    ("firewall", "firewall"), ("utm", "firewall"),
    ("switch", "network"), ("router", "network"), ("accesspoint", "network"), ("wap", "network"),
    ("wireless", "network"), ("network", "network"), ("gateway", "network"),
    ("printer", "printer"), ("mfp", "printer"), ("copier", "printer"), ("scanner", "printer"),
    ("phone", "mobile"), ("mobile", "mobile"), ("tablet", "mobile"), ("ipad", "mobile"),
    ("iphone", "mobile"), ("android", "mobile"),
    ("nas", "storage"), ("san", "storage"), ("storage", "storage"),
)

CATEGORY_WORDS = {
    "device": InventoryCategory.DEVICE, "hardware": InventoryCategory.DEVICE,
    "application": InventoryCategory.APPLICATION, "software": InventoryCategory.APPLICATION,
    "app": InventoryCategory.APPLICATION, "cloudservice": InventoryCategory.CLOUD_SERVICE,
    "cloud": InventoryCategory.CLOUD_SERVICE, "saas": InventoryCategory.CLOUD_SERVICE,
    "vendor": InventoryCategory.VENDOR, "supplier": InventoryCategory.VENDOR,
    "licence": InventoryCategory.LICENCE, "license": InventoryCategory.LICENCE,
}

SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")


def norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def guess_mapping(headers: Sequence[str]) -> dict[int, Target]:
    """Column index -> target for every header we recognise; each target used once."""
    mapping: dict[int, Target] = {}
    used: set[Target] = set()
    normalised = [norm(h) for h in headers]
    # Exact synonym matches first, in synonym order, so "Device Name" beats "Device".
    for target, words in SYNONYMS.items():
        for word in words:
            for i, h in enumerate(normalised):
                if i not in mapping and target not in used and h == word:
                    mapping[i] = target
                    used.add(target)
    return dict(sorted(mapping.items()))


def device_kind(value: str, known_kinds: Sequence[str]) -> str | None:
    """Our kind for a tool's device class or type text; None when it says nothing we know."""
    raw = value.strip()
    if not raw:
        return None
    upper = raw.upper().replace(" ", "_").replace("-", "_")
    if upper in DEVICE_CLASSES:
        kind = DEVICE_CLASSES[upper]
        return kind if kind in known_kinds else "other" if "other" in known_kinds else None
    n = norm(raw)
    if n in known_kinds:
        return n
    for kind in known_kinds:
        if norm(kind) == n:
            return kind
    for word, kind in KIND_WORDS:
        if word in n and kind in known_kinds:
            return kind
    return None


# What an operating system's name says about the device, when no column gives its class.
OS_WORDS: tuple[tuple[str, str], ...] = (
    ("windowsserver", "server"), ("esxi", "server"), ("ubuntuserver", "server"), ("rhel", "server"),
    ("ios", "mobile"), ("ipados", "mobile"), ("android", "mobile"),
    ("windows", "workstation"), ("macos", "workstation"), ("osx", "workstation"),
    ("fortios", "firewall"), ("sonicos", "firewall"), ("panos", "firewall"), ("dsm", "storage"),
)


def os_kind(os_text: str, known_kinds: Sequence[str]) -> str | None:
    n = norm(os_text)
    if not n:
        return None
    for word, kind in OS_WORDS:
        if n.startswith(word) and kind in known_kinds:
            return kind
    return None


DATE_FORMATS_MDY = ("%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y")
DATE_FORMATS_DMY = ("%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y")
DATE_FORMATS_ANY = (
    "%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y", "%d.%m.%y", "%Y%m%d", "%d-%b-%Y", "%d %b %Y", "%b %d, %Y",
    "%b %d %Y", "%B %d, %Y", "%d %B %Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M",
    "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M:%S %p",
)


def day_first(values: Sequence[str]) -> bool:
    """Whether slash dates in this column are day/month: true when a first part exceeds 12."""
    for v in values:
        m = re.match(r"^\s*(\d{1,2})[/-](\d{1,2})[/-]\d{2,4}", v)
        if m and int(m.group(1)) > 12:
            return True
    return False


def parse_date(value: object, *, dmy: bool = False) -> date | None:
    """A date from the formats RMM tools write; None for empty; ValueError when unreadable."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    text = re.sub(r"(\.\d+)?(Z|[+-]\d\d:?\d\d)$", "", text) if "T" in text else text
    for fmt in (DATE_FORMATS_DMY if dmy else DATE_FORMATS_MDY) + DATE_FORMATS_ANY:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date in a format we recognise (for example 2026-03-31 or 03/31/2026)")


@dataclass(frozen=True)
class Reject:
    line: int
    reason: str


@dataclass
class ParsedRows:
    items: list[InventoryItem] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


IDENTIFIER_TARGETS = (Target.SERIAL, Target.NAME, Target.MODEL)


def _text(v: object) -> str:
    """A cell as the text the item keeps: a whole float without its ".0", strings stripped."""
    if v is None:
        return ""
    if type(v) is str:
        return v.strip()
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return str(v).strip()


def _digits_lost(v: object) -> bool:
    """A number too long for a spreadsheet to hold exactly (over 15 digits) or with a fraction."""
    return isinstance(v, (int, float)) and not isinstance(v, bool) and (
        abs(v) >= 1e15 or (isinstance(v, float) and not v.is_integer()))


_COLUMNS = tuple(Target)


def rows_to_items(
    rows: Sequence[Sequence[object]],
    line_numbers: Sequence[int],
    mapping: Mapping[int, Target],
    known_kinds: Sequence[str],
    *,
    source: str = "",
    default_category: InventoryCategory = InventoryCategory.DEVICE,
    import_batch: str | None = None,
) -> ParsedRows:
    """Check and convert every row; a row with any problem becomes a :class:`Reject`.

    ``import_batch`` is stamped on every item (the import that brings them in).
    """
    if Target.NAME not in mapping.values():
        raise ValueError("No column is mapped to Name; every inventory item needs a name.")
    by_target = {t: i for i, t in mapping.items()}
    date_cols: list[Target] = [t for t in (Target.PURCHASE_DATE, Target.WARRANTY_END) if t in by_target]
    dmy = {t: day_first([str(r[by_target[t]]) for r in rows if by_target[t] < len(r) and r[by_target[t]] is not None])
           for t in date_cols}
    # Column index per target, in _COLUMNS order (None: not mapped).
    index = [by_target.get(t) for t in _COLUMNS]
    at = {t: n for n, t in enumerate(_COLUMNS)}
    NAME, KIND, CATEGORY, OS = at[Target.NAME], at[Target.KIND], at[Target.CATEGORY], at[Target.OS]
    SITE, OWNER, MODEL, SERIAL, NOTES = at[Target.SITE], at[Target.OWNER], at[Target.MODEL], at[Target.SERIAL], at[Target.NOTES]
    identifiers = [(t, at[t]) for t in IDENTIFIER_TARGETS]
    dated: list[tuple[Target, int, str, dict[str, date | str | None]]] = [(t, at[t], t.value, {}) for t in date_cols]  # the last: text -> date or the error, per column
    kinds_of: dict[tuple[str, str], str] = {}  # (kind text, OS text) -> kind, for device rows
    has_other = "other" in known_kinds
    out = ParsedRows()
    for row, line in zip(rows, line_numbers, strict=True):
        if all(v is None or str(v).strip() == "" for v in row):
            continue  # blank lines are not rows
        n = len(row)
        values = [None if i is None or i >= n else row[i] for i in index]
        texts = [_text(v) for v in values]
        problems: list[str] = []
        name = texts[NAME]
        if not name:
            problems.append("Name is empty")
        for t, k in identifiers:
            shown = texts[k]
            # Text like "1.23457E+11" (a CSV saved by a spreadsheet), or a number too long for a
            # spreadsheet to hold exactly (over 15 digits) or with a fraction: the digits are gone.
            if SCIENTIFIC.match(shown) or _digits_lost(values[k]):
                problems.append(
                    f"{TARGET_LABELS[t]} {shown!r} looks like a number a spreadsheet turned into "
                    "scientific notation; the real value is lost. Export again, or format the column as text"
                )
        category = default_category
        raw_category = texts[CATEGORY]
        if raw_category:
            found = CATEGORY_WORDS.get(norm(raw_category))
            if found is None:
                problems.append(f"Category {raw_category!r} is not one of device, application, cloud service, vendor, licence")
            else:
                category = found
        raw_kind = texts[KIND]
        kind = raw_kind
        if category is InventoryCategory.DEVICE:
            key = (raw_kind, texts[OS])
            known = kinds_of.get(key)
            if known is not None:
                kind = known
            else:
                kind = kinds_of[key] = (
                    (device_kind(raw_kind, known_kinds) if raw_kind else None)
                    or os_kind(texts[OS], known_kinds)
                    or ("other" if has_other else raw_kind)
                )
        dates: dict[str, date | None] = {}
        for t, k, field_name, seen in dated:
            v = values[k]
            if type(v) is str:
                got = seen.get(v)
                if got is None and v not in seen:
                    try:
                        got = parse_date(v, dmy=dmy[t])
                    except ValueError as exc:
                        got = f"{TARGET_LABELS[t]}: {exc}"
                    seen[v] = got
                if isinstance(got, str):
                    problems.append(got)
                else:
                    dates[field_name] = got
                continue
            try:
                dates[field_name] = parse_date(v, dmy=dmy[t])
            except ValueError as exc:
                problems.append(f"{TARGET_LABELS[t]}: {exc}")
        if problems:
            out.rejects.append(Reject(line, "; ".join(problems)))
            continue
        try:
            item = InventoryItem(
                category=category, kind=kind, name=name, site=texts[SITE], owner=texts[OWNER],
                os=texts[OS], model=texts[MODEL], serial=texts[SERIAL],
                notes=texts[NOTES], source=source, import_batch=import_batch,
                purchase_date=dates.get("purchase_date"), warranty_end=dates.get("warranty_end"),
            )
        except ValidationError as exc:
            err = exc.errors()[0]
            out.rejects.append(Reject(line, f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"))
            continue
        out.items.append(item)
        out.lines.append(line)
    return out
