"""Turning rows of an RMM or asset-tool export into inventory items.

Pure functions over already-read text cells: guessing which column holds what, mapping the
tools' device classes, models and operating systems onto our kinds, reading the date formats
they write, and checking each row. The header synonyms and kind words are data
(``discovery_app/data/inventory-import.yaml``, read by :mod:`discovery_app.inventoryio` into an
:class:`ImportRules`); reading files (encodings, delimiters, XLSX) is that module's job too.

Only the name is required: a row without a usable name (or, when no column holds names, a
serial number) is rejected. A bad optional field (a warranty column holding "36" months, a
serial a spreadsheet turned into 1.2E+11) is dropped with a warning and the row kept. Messages
name the line and field, never the cell's content: they end up in terminals and logs.
"""

from __future__ import annotations

import difflib
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import ValidationError

from .engagement import InventoryCategory, InventoryItem


class Target(StrEnum):
    """The inventory fields a source column can be mapped to."""

    NAME = "name"
    KIND = "kind"
    CATEGORY = "category"
    SITE = "site"
    DEPARTMENT = "department"
    OWNER = "owner"
    OS = "os"
    MANUFACTURER = "manufacturer"
    MODEL = "model"
    SERIAL = "serial"
    ASSET_TAG = "asset_tag"
    PURCHASE_DATE = "purchase_date"
    WARRANTY_END = "warranty_end"
    LAST_SEEN = "last_seen"
    NOTES = "notes"


TARGET_LABELS = {
    Target.NAME: "Name", Target.KIND: "Kind", Target.CATEGORY: "Category", Target.SITE: "Site",
    Target.DEPARTMENT: "Department", Target.OWNER: "Owner", Target.OS: "Operating system",
    Target.MANUFACTURER: "Manufacturer", Target.MODEL: "Model", Target.SERIAL: "Serial number",
    Target.ASSET_TAG: "Asset tag", Target.PURCHASE_DATE: "Purchase date",
    Target.WARRANTY_END: "Warranty end", Target.LAST_SEEN: "Last seen", Target.NOTES: "Notes",
}
DATE_TARGETS = (Target.PURCHASE_DATE, Target.WARRANTY_END, Target.LAST_SEEN)
TEXT_TARGETS = (Target.SITE, Target.DEPARTMENT, Target.OWNER, Target.OS, Target.MANUFACTURER,
                Target.MODEL, Target.SERIAL, Target.ASSET_TAG, Target.NOTES)
# The fields an import fills (and a re-import compares): every target but the category.
ITEM_FIELDS = ("kind", *(t.value for t in TEXT_TARGETS), *(t.value for t in DATE_TARGETS))


def norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


class RulesError(ValueError):
    """The import rules file is malformed; the message names the key."""


@dataclass(frozen=True)
class ImportRules:
    """Header synonyms per field and what tools' words say about a device's kind (see module doc)."""

    synonyms: Mapping[Target, tuple[str, ...]]
    categories: Mapping[str, InventoryCategory]
    device_classes: Mapping[str, str]
    kind_words: tuple[tuple[str, str], ...]
    os_words: tuple[tuple[str, str], ...]
    model_words: tuple[tuple[str, str], ...]
    help: Mapping[Target, str] = field(default_factory=dict)

    @classmethod
    def from_data(cls, data: object) -> ImportRules:
        if not isinstance(data, dict):
            raise RulesError("the rules must be a mapping")

        def section(key: str, kind: type) -> Any:
            value = data.get(key)
            if not isinstance(value, kind):
                raise RulesError(f"'{key}' must be a {'mapping' if kind is dict else 'list'}")
            return value

        fields = section("fields", dict)
        synonyms: dict[Target, tuple[str, ...]] = {}
        helps: dict[Target, str] = {}
        for name, spec in fields.items():
            try:
                target = Target(name)
            except ValueError:
                raise RulesError(f"fields.{name}: not a field Discovery knows") from None
            words = spec.get("synonyms") if isinstance(spec, dict) else None
            if not isinstance(words, list) or not all(isinstance(w, str) and w == norm(w) for w in words):
                raise RulesError(f"fields.{name}.synonyms must be a list of lower-case letters and digits")
            synonyms[target] = tuple(words)
            if isinstance(spec.get("help"), str):
                helps[target] = spec["help"]
        categories: dict[str, InventoryCategory] = {}
        for name, words in section("categories", dict).items():
            try:
                category = InventoryCategory(name)
            except ValueError:
                raise RulesError(f"categories.{name}: not a category Discovery knows") from None
            categories.update({norm(str(w)): category for w in words})
        classes: dict[str, str] = {}
        for tool, table in section("device_classes", dict).items():
            if not isinstance(table, dict):
                raise RulesError(f"device_classes.{tool} must be a mapping")
            classes.update({str(k).upper(): str(v) for k, v in table.items()})

        def pairs(key: str) -> tuple[tuple[str, str], ...]:
            out = []
            for i, pair in enumerate(section(key, list)):
                if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)):
                    raise RulesError(f"{key}[{i}] must be [word, kind]")
                out.append((norm(pair[0]), pair[1]))
            return tuple(out)

        return cls(synonyms, categories, classes, pairs("kind_words"), pairs("os_words"),
                   pairs("model_words"), helps)


# ---- columns -----------------------------------------------------------------------------------


def guess_mapping(headers: Sequence[str], rules: ImportRules) -> dict[int, Target]:
    """Column index -> target for every header we recognise; each target used once.

    Headers compare case-, space- and punctuation-insensitively ("item Name" is "itemname"),
    exact synonym matches only, in synonym order, so "Device Name" beats "Device".
    """
    mapping: dict[int, Target] = {}
    columns: dict[str, list[int]] = {}  # normalised header -> its columns, left to right
    for i, h in enumerate(headers):
        columns.setdefault(norm(h), []).append(i)
    for target, words in rules.synonyms.items():
        for word in words:
            free = next((c for c in columns.get(word, ()) if c not in mapping), None)
            if free is not None:
                mapping[free] = target
                break
    return dict(sorted(mapping.items()))


def closest_fields(header: str, rules: ImportRules, n: int = 2) -> list[Target]:
    """The fields whose synonyms look most like ``header`` (for suggestions), best first."""
    h = norm(header)
    if not h:
        return []
    scored: list[tuple[float, Target]] = []
    for target, words in rules.synonyms.items():
        best = max((difflib.SequenceMatcher(None, h, w).ratio() for w in words), default=0.0)
        if any(len(w) >= 4 and (w in h or h in w) for w in words):
            best = max(best, 0.8)
        if best >= 0.6:
            scored.append((best, target))
    return [t for _s, t in sorted(scored, key=lambda p: -p[0])[:n]]


class MappingError(ValueError):
    """No column can give the items their names; the message lists headers and suggestions."""


def check_mapping(headers: Sequence[str], mapping: Mapping[int, Target], rules: ImportRules) -> None:
    """Raise :class:`MappingError` unless a column is mapped to Name or Serial number."""
    if Target.NAME in mapping.values() or Target.SERIAL in mapping.values():
        return
    found = ", ".join(repr(h) for h in headers if h.strip()) or "none"
    hints = []
    for h in headers:
        near = closest_fields(h, rules)
        if near and (near[0] in (Target.NAME, Target.SERIAL) or Target.NAME in near or Target.SERIAL in near):
            hints.append(f'--map "{h}=name"' if Target.NAME in near else f'--map "{h}=serial"')
    suggestion = (f" Closest: {', '.join(hints[:3])}." if hints else
                  " Map the column that names each device to 'name', e.g. --map \"HEADER=name\".")
    raise MappingError(f"No column is mapped to Name (or Serial number, used as the name when there is "
                       f"no name column). Headers found: {found}.{suggestion}")


# ---- kinds -------------------------------------------------------------------------------------


def device_kind(value: str, known_kinds: Sequence[str], rules: ImportRules) -> str | None:
    """Our kind for a tool's device class or type text; None when it says nothing we know."""
    raw = value.strip()
    if not raw:
        return None
    upper = raw.upper().replace(" ", "_").replace("-", "_")
    if upper in rules.device_classes:
        kind = rules.device_classes[upper]
        return kind if kind in known_kinds else "other" if "other" in known_kinds else None
    n = norm(raw)
    if n in known_kinds:
        return n
    for kind in known_kinds:
        if norm(kind) == n:
            return kind
    return _word_kind(n, rules.kind_words, known_kinds)


def _word_kind(n: str, words: Iterable[tuple[str, str]], known_kinds: Sequence[str]) -> str | None:
    if not n:
        return None
    for word, kind in words:
        if word in n and kind in known_kinds:
            return kind
    return None


def os_kind(os_text: str, known_kinds: Sequence[str], rules: ImportRules) -> str | None:
    """What an operating system's name says ("Microsoft Windows Server 2019" -> server)."""
    return _word_kind(norm(os_text), rules.os_words, known_kinds)


def model_kind(model_text: str, known_kinds: Sequence[str], rules: ImportRules) -> str | None:
    """What a model name says ("Latitude 7420" -> laptop, "PowerEdge R740" -> server)."""
    return _word_kind(norm(model_text), rules.model_words, known_kinds)


# Kinds an operating system names for certain (a server OS on laptop hardware is still a server).
_STRONG_OS_KINDS = frozenset({"server", "virtual_server", "mobile", "firewall", "storage"})


class KindFrom(StrEnum):
    """Where an item's kind came from, as the import preview shows it."""

    COLUMN = "kind column"
    MODEL = "model"
    OS = "operating system"
    NOTHING = "nothing recognised"


def infer_kind(raw_kind: str, model: str, os_text: str, known_kinds: Sequence[str],
               rules: ImportRules) -> tuple[str | None, KindFrom]:
    """A device's kind from its class/type text, else its OS (when it is certain), model, OS."""
    kind = device_kind(raw_kind, known_kinds, rules) if raw_kind else None
    if kind:
        return kind, KindFrom.COLUMN
    by_os = os_kind(os_text, known_kinds, rules) if os_text else None
    if by_os in _STRONG_OS_KINDS:
        return by_os, KindFrom.OS
    by_model = model_kind(model, known_kinds, rules) if model else None
    if by_model:
        return by_model, KindFrom.MODEL
    if by_os:
        return by_os, KindFrom.OS
    return None, KindFrom.NOTHING


# ---- dates -------------------------------------------------------------------------------------


class DateOrder(StrEnum):
    MDY = "mdy"
    DMY = "dmy"
    YMD = "ymd"


_ORDER_FORMATS = {
    DateOrder.MDY: ("%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M %p",
                    "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M:%S %p"),
    DateOrder.DMY: ("%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %I:%M %p",
                    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %I:%M:%S %p"),
    DateOrder.YMD: ("%y/%m/%d", "%y-%m-%d"),
}
DATE_FORMATS_ANY = (
    "%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y", "%d.%m.%y", "%Y%m%d", "%d-%b-%Y", "%d %b %Y", "%b %d, %Y",
    "%b %d %Y", "%B %d, %Y", "%d %B %Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S.%f", "%Y/%m/%d %H:%M:%S", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M",
)
_SLASHED = re.compile(r"^\s*(\d{1,2})[/-](\d{1,2})[/-](\d{2,4})\b")
_ISO = re.compile(r"^\d{4}-\d\d-\d\d(?:$|[ T])")


@dataclass
class DateShape:
    """What the slash dates of one column say about their order, fed one value at a time."""

    slashed: int = 0
    first_over_12: int = 0
    second_over_12: int = 0

    def feed(self, value: str) -> None:
        m = _SLASHED.match(value)
        if m:
            self.slashed += 1
            if int(m.group(1)) > 12:
                self.first_over_12 += 1
            if int(m.group(2)) > 12:
                self.second_over_12 += 1

    def order(self, default: DateOrder = DateOrder.MDY) -> DateOrder:
        if self.first_over_12 and not self.second_over_12:
            return DateOrder.DMY
        if self.second_over_12 and not self.first_over_12:
            return DateOrder.MDY
        return default

    @property
    def ambiguous(self) -> bool:
        """Slash dates where no day is above 12 (05/04/2027): the order is a guess."""
        return bool(self.slashed) and not (self.first_over_12 or self.second_over_12)

    @property
    def mixed(self) -> bool:
        """Both orders appear in one column: some dates cannot be read either way."""
        return bool(self.first_over_12 and self.second_over_12)


def day_first(values: Sequence[str]) -> bool:
    """Whether slash dates in this column are day/month: true when a first part exceeds 12."""
    shape = DateShape()
    for v in values:
        shape.feed(v)
    return shape.order() is DateOrder.DMY


def parse_date(value: object, *, dmy: bool = False, order: DateOrder | str | None = None,
               memo: list[str] | None = None) -> date | None:
    """A date from the formats RMM tools write; None for empty; ValueError when unreadable.

    ``memo`` (a list, empty at first) remembers the format that read the last value and is tried
    first next time: a column's dates share one format.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    if _ISO.match(text):  # the common case, and the fastest to read
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            pass
    text = re.sub(r"(\.\d+)?(Z|[+-]\d\d:?\d\d)$", "", text) if "T" in text else text
    chosen = DateOrder(order) if order else (DateOrder.DMY if dmy else DateOrder.MDY)
    formats = _ORDER_FORMATS[chosen] + DATE_FORMATS_ANY if _SLASHED.match(text) else DATE_FORMATS_ANY
    if memo:
        try:
            return datetime.strptime(text, memo[0]).date()
        except ValueError:
            pass
    for fmt in formats:
        try:
            found = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if memo is not None:
            memo[:] = [fmt]
        return found
    if re.fullmatch(r"\d{1,3}", text):
        raise ValueError("holds a number, not a date (months of warranty?); the field was left empty")
    raise ValueError("is not a date in a format we recognise (for example 2026-03-31 or 03/31/2026)")


# ---- rows --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reject:
    line: int
    reason: str


@dataclass(frozen=True)
class FieldWarning:
    """An optional field dropped from a row that was kept."""

    line: int
    target: Target
    reason: str

    def describe(self) -> str:
        return f"{TARGET_LABELS[self.target]} {self.reason}"


@dataclass
class ParsedRows:
    items: list[InventoryItem] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    warnings: list[FieldWarning] = field(default_factory=list)
    kinds: Counter[tuple[str, KindFrom]] = field(default_factory=Counter)


MAX_WARNINGS = 1000
SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")
_MAX_NAME = 300
_MAX_TEXT = 20000
SCIENTIFIC_REASON = ("looks like a number a spreadsheet turned into scientific notation; the real value "
                     "is lost. Export again, or format the column as text")


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


def _lost(shown: str, value: object) -> bool:
    return (("e" in shown or "E" in shown) and bool(SCIENTIFIC.match(shown))) or (
        type(value) is not str and _digits_lost(value))


# ---- items without a second validation ----------------------------------------------------------
#
# Profiled on a 20,000-row export, a third of the converter's time went to pydantic checking
# again what the converter had just checked (every text length, the name, the dates, the
# category) and to ``uuid.uuid4()``. The converter therefore builds its items directly, with the
# same field values, field order and set fields as ``InventoryItem(...)`` would give, after
# checking for itself every constraint the model has: ``_MAX_NAME``/``_MAX_TEXT`` are the model's
# ``Name``/``Text`` lengths, the name is not empty, dates are ``date``s, the category is an
# :class:`InventoryCategory`; ``source`` and ``import_batch`` are checked once per import; text
# that is not valid Unicode (a lone surrogate, which pydantic and SQLite refuse) sends the row
# through the model's own validation, so it is rejected with the model's message as before.
# tests/domain/test_inventory_items_fast.py holds the two paths to the same results.

_ITEM_FIELDS = InventoryItem.model_fields
_ITEM_TEMPLATE: dict[str, Any] = {
    name: (None if f.is_required() or f.default_factory is not None else f.default) for name, f in _ITEM_FIELDS.items()
}
_set_attr = object.__setattr__
_VARIANT = {d: "89ab"[int(d, 16) & 3] for d in "0123456789abcdef"}


def random_uids(batch: int = 512) -> Iterator[str]:
    """Version-4 UUID strings as ``str(uuid.uuid4())`` writes them (122 random bits from
    ``os.urandom``), made ``batch`` at a time: a third of the cost of ``uuid4()`` each."""
    while True:
        h = os.urandom(16 * batch).hex()
        for k in range(0, 32 * batch, 32):
            yield (f"{h[k:k + 8]}-{h[k + 8:k + 12]}-4{h[k + 13:k + 16]}-{_VARIANT[h[k + 16]]}{h[k + 17:k + 20]}-"
                   f"{h[k + 20:k + 32]}")


def _checked_item(uid: str, values: dict[str, Any]) -> InventoryItem:
    """An :class:`InventoryItem` of values the converter has already checked against every
    constraint of the model (see above); ``values`` are the fields given, as keyword arguments."""
    data = _ITEM_TEMPLATE.copy()
    data.update(values)
    data["uid"] = uid
    item = InventoryItem.__new__(InventoryItem)
    _set_attr(item, "__dict__", data)
    _set_attr(item, "__pydantic_fields_set__", set(values))
    _set_attr(item, "__pydantic_extra__", None)
    _set_attr(item, "__pydantic_private__", None)
    return item


def _valid_unicode(texts: Iterable[str]) -> bool:
    try:
        for t in texts:
            if not t.isascii():
                t.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class RowConverter:
    """Checks and converts rows one at a time (so a file can be streamed), collecting warnings.

    ``date_orders`` gives each date column's order (see :class:`DateShape`); missing ones are
    month-first. ``import_batch`` is stamped on every item.
    """

    def __init__(self, mapping: Mapping[int, Target], known_kinds: Sequence[str], rules: ImportRules, *,
                 date_orders: Mapping[Target, DateOrder] | None = None, source: str = "",
                 default_category: InventoryCategory = InventoryCategory.DEVICE,
                 import_batch: str | None = None) -> None:
        if Target.NAME not in mapping.values() and Target.SERIAL not in mapping.values():
            raise MappingError("No column is mapped to Name; every inventory item needs a name.")
        self.rules = rules
        self.known_kinds = list(known_kinds)
        self.has_other = "other" in self.known_kinds
        self.source, self.import_batch = source, import_batch
        self.default_category = InventoryCategory(default_category)
        by_target = {t: i for i, t in mapping.items()}
        self.col = by_target
        self.i_name, self.i_kind, self.i_category = (by_target.get(t) for t in (Target.NAME, Target.KIND, Target.CATEGORY))
        # (target, column, field name, whether digits can be lost, longest text kept)
        self.texts = [(t, by_target[t], t.value, t in (Target.SERIAL, Target.ASSET_TAG),
                       _MAX_TEXT if t is Target.NOTES else _MAX_NAME) for t in TEXT_TARGETS if t in by_target]
        # (target, column, order, text -> date or why not, last format used, field name)
        self.dates: list[tuple[Target, int, DateOrder, dict[str, Any], list[Any], str]] = [
                      (t, by_target[t], (date_orders or {}).get(t, DateOrder.MDY), {}, [], t.value)
                      for t in DATE_TARGETS if t in by_target]
        self.iso_days: dict[str, date] = {}  # "2026-10-11" -> its date, for time stamps that start so
        self.kinds_seen: dict[tuple[str, str, str], tuple[str, KindFrom]] = {}
        self.categories_seen: dict[str, InventoryCategory | None] = {}  # a category or kind text -> its category
        self.warnings: list[FieldWarning] = []  # the first MAX_WARNINGS; the rest are counted
        self.warning_count = 0
        self.warning_fields: Counter[Target] = Counter()
        self.kinds: Counter[tuple[str, KindFrom]] = Counter()
        self.last_kind_from = KindFrom.NOTHING  # where the last converted row's kind came from
        # What every item carries is checked once here (see _checked_item); when the model
        # refuses it, every row goes through the model and is rejected with its message.
        try:
            InventoryItem(name="x", source=source, import_batch=import_batch, category=self.default_category)
            self.trusted = True
        except ValidationError:
            self.trusted = False
        self.uids = random_uids()

    def _warn(self, w: FieldWarning) -> None:
        self.warning_count += 1
        self.warning_fields[w.target] += 1
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(w)

    def _cell(self, row: Sequence[object], target: Target) -> object:
        i = self.col.get(target)
        return None if i is None or i >= len(row) else row[i]

    def _category_of(self, text: str) -> InventoryCategory | None:
        seen = self.categories_seen
        if text in seen:
            return seen[text]
        found = self.rules.categories.get(norm(text))
        if len(seen) < 10_000:
            seen[text] = found
        return found

    def convert(self, row: Sequence[object], line: int) -> InventoryItem | Reject | None:
        """The row's item, or why it is rejected; None for a blank row."""
        n = len(row)
        first = row[0] if n else None
        if (first is None or (type(first) is str and not first.strip())) and all(
                v is None or (type(v) is str and not v.strip()) for v in row):
            return None
        warn = self._warn
        values: dict[str, Any] = {}
        wide: list[str] = []  # texts that are not ASCII: checked for valid Unicode below
        for t, i, name_of, identifier, longest in self.texts:
            if i >= n:
                continue
            v = row[i]
            text = v.strip() if type(v) is str else _text(v)
            if not text:
                continue
            if identifier and _lost(text, v):
                warn(FieldWarning(line, t, SCIENTIFIC_REASON))
                continue
            if len(text) > longest:
                warn(FieldWarning(line, t, f"is longer than {longest} characters; the field was left empty"))
                continue
            values[name_of] = text
            if not text.isascii():
                wide.append(text)
        col = self.i_name
        raw_name = row[col] if col is not None and col < n else None
        name = _text(raw_name)
        if name and _lost(name, raw_name):
            return Reject(line, f"Name {SCIENTIFIC_REASON}")
        if not name:
            name = values.get("serial", "")
        if not name:
            return Reject(line, "Name is empty" if col is not None else "Name is empty (no name and no serial number)")
        if len(name) > _MAX_NAME:
            return Reject(line, f"Name is longer than {_MAX_NAME} characters")
        category = self.default_category
        col = self.i_category
        raw_category = _text(row[col]) if col is not None and col < n else ""
        if raw_category:
            found = self._category_of(raw_category)
            if found is None:
                warn(FieldWarning(line, Target.CATEGORY, "is not one of device, application, cloud service, "
                                  "vendor, licence; the item was imported as a device"))
            else:
                category = found
        col = self.i_kind
        raw_kind = _text(row[col]) if col is not None and col < n else ""
        kind = raw_kind
        self.last_kind_from = KindFrom.COLUMN if raw_kind else KindFrom.NOTHING
        if not raw_category and raw_kind and self.i_category is None:
            # A "Category" column mapped to kind that says "Software" or "Licence".
            as_category = self._category_of(raw_kind)
            if as_category is not None and as_category is not InventoryCategory.DEVICE:
                category = as_category
        if category is InventoryCategory.DEVICE:
            key = (raw_kind, values.get("model", ""), values.get("os", ""))
            got = self.kinds_seen.get(key)
            if got is None:
                found_kind, source = infer_kind(raw_kind, key[1], key[2], self.known_kinds, self.rules)
                got = self.kinds_seen[key] = (found_kind or ("other" if self.has_other else raw_kind[:_MAX_NAME]), source)
            kind, self.last_kind_from = got
            self.kinds[got] += 1
        elif len(kind) > _MAX_NAME:
            kind = ""
        for t, i, order, seen, memo, field_name in self.dates:
            v = row[i] if i < n else None
            if v is None or v == "":
                continue
            got_date: date | str | None = None
            if type(v) is str:
                if _ISO.match(v):  # the common case: a day, or a time stamp that starts with one
                    got_date = self.iso_days.get(v[:10])
                    if got_date is None:
                        try:
                            got_date = date.fromisoformat(v[:10])
                        except ValueError:
                            pass
                        else:
                            if len(self.iso_days) < 20_000:
                                self.iso_days[v[:10]] = got_date
                if got_date is None:
                    got_date = seen.get(v)
                if got_date is None and v not in seen:
                    try:
                        got_date = parse_date(v, order=order, memo=memo)
                    except ValueError as exc:
                        got_date = str(exc)
                    if len(seen) < 20_000:  # a column of unique time stamps must not grow without end
                        seen[v] = got_date
            else:
                try:
                    got_date = parse_date(v, order=order)
                except ValueError as exc:
                    got_date = str(exc)
            if type(got_date) is str:
                warn(FieldWarning(line, t, got_date))
            elif got_date is not None:
                values[field_name] = got_date
        values["category"], values["kind"], values["name"] = category, kind, name
        values["source"], values["import_batch"] = self.source, self.import_batch
        if self.trusted and len(kind) <= _MAX_NAME and (
                (not wide and name.isascii() and kind.isascii()) or _valid_unicode([*wide, name, kind])):
            return _checked_item(next(self.uids), values)
        try:
            return InventoryItem(**values)
        except ValidationError as exc:
            err = exc.errors()[0]
            return Reject(line, f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}")


def date_orders_of(rows: Iterable[Sequence[object]], mapping: Mapping[int, Target]) -> dict[Target, DateShape]:
    """The shape of each mapped date column's slash dates, over every row."""
    cols = {t: i for i, t in mapping.items() if t in DATE_TARGETS}
    shapes = {t: DateShape() for t in cols}
    for row in rows:
        for t, i in cols.items():
            if i < len(row) and type(row[i]) is str:
                shapes[t].feed(row[i])  # type: ignore[arg-type]
    return shapes


def rows_to_items(
    rows: Sequence[Sequence[object]],
    line_numbers: Sequence[int],
    mapping: Mapping[int, Target],
    known_kinds: Sequence[str],
    rules: ImportRules,
    *,
    source: str = "",
    default_category: InventoryCategory = InventoryCategory.DEVICE,
    import_batch: str | None = None,
    date_orders: Mapping[Target, DateOrder] | None = None,
) -> ParsedRows:
    """Check and convert every row in memory (see :class:`RowConverter` for streaming)."""
    orders = dict(date_orders or {})
    for t, shape in date_orders_of(rows, mapping).items():
        orders.setdefault(t, shape.order())
    conv = RowConverter(mapping, known_kinds, rules, date_orders=orders, source=source,
                        default_category=default_category, import_batch=import_batch)
    out = ParsedRows()
    for row, line in zip(rows, line_numbers, strict=True):
        got = conv.convert(row, line)
        if got is None:
            continue
        if isinstance(got, Reject):
            out.rejects.append(got)
        else:
            out.items.append(got)
            out.lines.append(line)
    out.warnings = conv.warnings
    out.kinds = conv.kinds
    return out
