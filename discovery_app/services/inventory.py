"""Inventory use cases: preview and import RMM/asset exports (re-imports update, not double),
mapping profiles per source tool, undo an import, edit items, counts.

The file is streamed: :func:`..inventoryio.read_table` looks at it once (encoding, structure,
row count, date shapes, a sample for the preview) and the import reads it a second time, row by
row, writing new and changed items in one transaction as it goes. Nothing is written when the
file is refused, or when it has bad rows and the consultant asked for all or nothing.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .. import collector
from ..domain import inventory as inv
from ..domain import inventory_match as match
from ..domain.engagement import InventoryItem, new_uid
from ..inventoryio import RawTable, ReadError, load_rules, read_table
from ..storage import inventory_import as store_import
from ..storage import repository as repo
from .base import Feature, ServiceError

log = logging.getLogger("discovery_app.services.inventory")

MAX_REPORTED = 1000  # rejects and warnings kept with their line; the rest are counted
PROFILES = "inventory_profiles"
BULK_FIELDS = frozenset({"site", "owner", "kind", "category"})


@dataclass(frozen=True)
class RemovedInventory:
    """Deleted items with their positions, and the inventory links each affected risk had."""

    items: list[tuple[int, InventoryItem]]
    risk_links: dict[str, list[str]] = field(default_factory=dict)

    @property
    def unlinked_risks(self) -> int:
        return len(self.risk_links)


class FileRefused(ServiceError):
    """The file cannot be read (damaged, hostile, not a table); nothing was written.
    The command line exits with code 2 for these."""

    exit_code = 2


@dataclass
class DateColumn:
    """How one date column's slash dates are read, and whether that was a guess."""

    target: inv.Target
    header: str
    order: inv.DateOrder
    ambiguous: bool  # no day above 12: the order was chosen, not seen
    mixed: bool  # both orders appear: some dates were dropped
    chosen_by_user: bool = False

    def describe(self) -> str:
        names = {inv.DateOrder.MDY: "month first (MM/DD/YYYY)", inv.DateOrder.DMY: "day first (DD/MM/YYYY)",
                 inv.DateOrder.YMD: "year first (YY/MM/DD)"}
        text = f"{self.header!r} ({inv.TARGET_LABELS[self.target]}): read {names[self.order]}"
        if self.chosen_by_user:
            return text + ", as chosen"
        if self.mixed:
            return text + "; the column mixes both orders, so some dates cannot be read"
        if self.ambiguous:
            return text + "; no day is above 12, so the order is a guess: check it"
        return text


@dataclass
class InventoryPreview:
    """What a file holds and how its columns would be mapped, before anything is written."""

    table: RawTable
    mapping: dict[int, inv.Target]
    remembered: bool  # the mapping came from an earlier import of a file with these headers
    profile: str | None = None

    @property
    def headers(self) -> list[str]:
        return self.table.headers

    def date_columns(self, orders: Mapping[inv.Target, inv.DateOrder | str] | None = None) -> list[DateColumn]:
        out = []
        for i, target in sorted(self.mapping.items()):
            if target not in inv.DATE_TARGETS:
                continue
            shape = self.table.date_shapes.get(i) or inv.DateShape()
            if not shape.slashed:
                continue
            given = (orders or {}).get(target)
            order = inv.DateOrder(given) if given else shape.order()
            out.append(DateColumn(target, self.table.headers[i], order, shape.ambiguous, shape.mixed, bool(given)))
        return out

    def date_orders(self, orders: Mapping[inv.Target, inv.DateOrder | str] | None = None) -> dict[inv.Target, inv.DateOrder]:
        return {c.target: c.order for c in self.date_columns(orders)}


@dataclass
class ImportReport:
    file: str
    imported: int = 0  # new items
    updated: int = 0
    unchanged: int = 0
    rejects: list[inv.Reject] = field(default_factory=list)
    rejected_count: int = 0
    warnings: list[inv.FieldWarning] = field(default_factory=list)
    warning_count: int = 0
    warning_fields: Counter[inv.Target] = field(default_factory=Counter)
    kinds: Counter[tuple[str, inv.KindFrom]] = field(default_factory=Counter)
    batch: str | None = None
    total_rows: int = 0
    dry_run: bool = False

    @property
    def rejected(self) -> int:
        return self.rejected_count

    def reject_lines(self) -> list[str]:
        return [f"{self.file}, line {r.line}: {r.reason}" for r in self.rejects]

    def warning_lines(self) -> list[str]:
        return [f"{self.file}, line {w.line}: {w.describe()}" for w in self.warnings]

    def counts_text(self) -> str:
        return f"{self.imported:,} new, {self.updated:,} updated, {self.unchanged:,} unchanged"

    def kinds_text(self) -> str:
        by_kind: Counter[str] = Counter()
        sources: dict[str, Counter[inv.KindFrom]] = {}
        for (kind, source), n in self.kinds.items():
            by_kind[kind] += n
            sources.setdefault(kind, Counter())[source] += n
        parts = []
        for kind, n in by_kind.most_common():
            how = ", ".join(f"{s.value}" for s, _c in sources[kind].most_common())
            parts.append(f"{n:,} {kind} (from {how})")
        return "; ".join(parts)


class ImportRejected(ServiceError):
    """The file had bad rows and the user asked for all or nothing: nothing was imported."""

    def __init__(self, report: ImportReport):
        self.report = report
        super().__init__(
            f"{report.file}: {report.rejected} of {report.total_rows} rows have problems, so nothing "
            "was imported. Fix them, or import only the good rows."
        )


def _signature(headers: list[str]) -> str:
    key = "\x1f".join(inv.norm(h) for h in headers)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def parse_map_options(options: list[str], headers: list[str]) -> dict[int, inv.Target | None]:
    """``["Header=field", ...]`` -> column -> target (None: ignore the column). Raises ServiceError."""
    by_norm = {inv.norm(h): i for i, h in enumerate(headers)}
    out: dict[int, inv.Target | None] = {}
    for option in options:
        header, sep, name = option.rpartition("=")
        if not sep or not header.strip():
            raise ServiceError(f"--map {option!r}: write it as \"HEADER=FIELD\", e.g. --map \"Asset Name=name\".")
        i = by_norm.get(inv.norm(header))
        if i is None:
            raise ServiceError(f"--map {option!r}: the file has no column {header.strip()!r}; its headers are "
                               + ", ".join(repr(h) for h in headers if h) + ".")
        key = inv.norm(name)
        if key in ("", "ignore", "none", "skip"):
            out[i] = None
            continue
        target = next((t for t in inv.Target if inv.norm(t.value) == key or inv.norm(inv.TARGET_LABELS[t]) == key), None)
        if target is None:
            raise ServiceError(f"--map {option!r}: {name.strip()!r} is not a field; the fields are "
                               + ", ".join(t.value for t in inv.Target) + " (or 'ignore').")
        out[i] = target
    return out


def apply_overrides(mapping: Mapping[int, inv.Target], overrides: Mapping[int, inv.Target | None]) -> dict[int, inv.Target]:
    """``mapping`` with ``overrides`` on top; a target given to a column leaves the column it had."""
    out = dict(mapping)
    for i, target in overrides.items():
        if target is not None:
            out = {j: t for j, t in out.items() if t is not target}
        out.pop(i, None)
        if target is not None:
            out[i] = target
    return dict(sorted(out.items()))


class Inventory(Feature):
    # ---- reading and mapping ---------------------------------------------------------------

    def rules(self) -> inv.ImportRules:
        try:
            return load_rules()
        except ReadError as exc:
            raise ServiceError(str(exc)) from exc

    def preview_file(self, path: Path, *, profile: str | None = None) -> InventoryPreview:
        """Read a CSV or XLSX export and guess (or recall, or take from ``profile``) its mapping."""
        try:
            with collector.paused():  # tens of thousands of cells, no garbage cycles
                table = read_table(Path(path))
        except ReadError as exc:
            raise FileRefused(str(exc)) from exc
        except MemoryError:
            raise FileRefused(f"{Path(path).name} is too large to read in the memory available.") from None
        if profile is not None:
            return InventoryPreview(table, self._profile_mapping(profile, table.headers), False, profile)
        saved = self.core.setting(f"inventory_mapping:{_signature(table.headers)}")
        if isinstance(saved, dict):
            mapping = {int(i): inv.Target(t) for i, t in saved.items()
                       if int(i) < len(table.headers) and t in inv.Target._value2member_map_}
            return InventoryPreview(table, mapping, remembered=True)
        return InventoryPreview(table, inv.guess_mapping(table.headers, self.rules()), remembered=False)

    def check_mapping(self, preview: InventoryPreview, mapping: Mapping[int, inv.Target]) -> None:
        """Raise :class:`ServiceError` naming the headers found when no column gives a name (the
        file was read; a --map or the dialog's mapping fixes it, so this is not a refusal)."""
        try:
            inv.check_mapping(preview.headers, mapping, self.rules())
        except inv.MappingError as exc:
            raise ServiceError(f"{preview.table.path.name}: {exc}") from None

    def fields(self) -> list[tuple[inv.Target, str, str, tuple[str, ...]]]:
        """(field, label, help, header synonyms) for every field a column can be mapped to."""
        rules = self.rules()
        return [(t, inv.TARGET_LABELS[t], rules.help.get(t, ""), tuple(rules.synonyms.get(t, ())))
                for t in inv.Target]

    # ---- profiles --------------------------------------------------------------------------

    def profiles(self) -> dict[str, dict[str, str]]:
        """Saved mapping profiles: name -> {normalised header: field}."""
        saved = self.core.setting(PROFILES)
        return {str(k): dict(v) for k, v in saved.items() if isinstance(v, dict)} if isinstance(saved, dict) else {}

    def save_profile(self, name: str, headers: list[str], mapping: Mapping[int, inv.Target]) -> None:
        name = name.strip()
        if not name or len(name) > 80:
            raise ServiceError("A profile needs a name of 1 to 80 characters, e.g. the tool's name.")
        profiles = self.profiles()
        profiles[name] = {inv.norm(headers[i]): t.value for i, t in mapping.items() if i < len(headers)}
        self.core.set_setting(PROFILES, profiles)

    def _profile_mapping(self, name: str, headers: list[str]) -> dict[int, inv.Target]:
        profiles = self.profiles()
        found = profiles.get(name) or next((v for k, v in profiles.items() if k.casefold() == name.casefold()), None)
        if found is None:
            known = ", ".join(sorted(profiles)) or "none saved yet (use --save-profile NAME)"
            raise ServiceError(f"There is no inventory mapping profile {name!r}; profiles: {known}.")
        out: dict[int, inv.Target] = {}
        for i, h in enumerate(headers):
            t = found.get(inv.norm(h))
            if t is not None and t in inv.Target._value2member_map_ and inv.Target(t) not in out.values():
                out[i] = inv.Target(t)
        return out

    # ---- importing -------------------------------------------------------------------------

    def import_file(
        self,
        eid: int,
        path: Path,
        *,
        mapping: dict[int, inv.Target] | None = None,
        skip_bad: bool = False,
        preview: InventoryPreview | None = None,
        date_orders: Mapping[inv.Target, inv.DateOrder | str] | None = None,
        as_new: bool = False,
        dry_run: bool = False,
    ) -> ImportReport:
        """Import a file's rows as one transaction, all or nothing unless ``skip_bad``.

        Rows matching an existing item (serial, then name) update it; ``as_new`` adds every row
        as a new item instead. ``dry_run`` reads and matches everything and writes nothing (the
        preview's counts). Raises :class:`ImportRejected` (nothing written) when any row is bad
        and ``skip_bad`` is false. The mapping used is remembered for the next file with the
        same headers.
        """
        path = Path(path)
        header = self.core.header(eid)
        pkg = self.core.form_of(header)
        preview = preview or self.preview_file(path)
        mapping = dict(mapping if mapping is not None else preview.mapping)
        self.check_mapping(preview, mapping)
        table = preview.table
        batch = new_uid()
        conv = inv.RowConverter(mapping, pkg.device_kinds, self.rules(),
                                date_orders=replace(preview, mapping=mapping).date_orders(date_orders), source=path.name,
                                import_batch=batch)
        mapped = set(mapping.values())
        fields = [f for f in inv.ITEM_FIELDS if f != "kind" and inv.Target(f) in mapped]
        if inv.Target.NAME in mapped:
            fields.append("name")
        report = ImportReport(file=path.name, dry_run=dry_run)
        matcher = None if as_new else match.Matcher(
            store_import.existing_items(self.store, eid, [*inv.ITEM_FIELDS, "name"]))

        def steps() -> Iterator[tuple[InventoryItem | None, store_import.Change | None]]:
            for line, row in table.iter_rows():
                got = conv.convert(row, line)
                if got is None:
                    continue
                report.total_rows += 1
                if isinstance(got, inv.Reject):
                    report.rejected_count += 1
                    if len(report.rejects) < MAX_REPORTED:
                        report.rejects.append(got)
                    continue
                found = matcher.find(got) if matcher is not None else None
                if found is None:
                    report.imported += 1
                    if matcher is not None:
                        matcher.add_new(got)
                    yield got, None
                    continue
                wanted = fields + (["kind"] if conv.last_kind_from is not inv.KindFrom.NOTHING else [])
                if isinstance(found, str):  # a second row for a device this file already added
                    found = {"uid": found}
                diff = match.changes(found, got, wanted)
                if diff:
                    report.updated += 1
                    if isinstance(found, dict):
                        found.update(diff)
                    yield None, (str(found["uid"]), diff)
                else:
                    report.unchanged += 1

        def keep() -> bool:
            return not dry_run and (skip_bad or not report.rejected_count)

        try:
            with collector.paused():
                if dry_run:
                    for _ in steps():
                        pass
                    written = False
                else:
                    written = store_import.run_import(self.store, eid, steps(), keep)
        except ReadError as exc:
            raise FileRefused(str(exc)) from exc
        except MemoryError:
            raise FileRefused(f"{path.name} is too large to import in the memory available; nothing was "
                              "imported.") from None
        report.warnings = conv.warnings
        report.warning_count = conv.warning_count
        report.warning_fields = conv.warning_fields
        report.kinds = conv.kinds
        if report.rejected_count and not skip_bad and not dry_run:
            raise ImportRejected(report)
        if not written:
            if not dry_run:
                report.imported = report.updated = 0
            return report
        if report.imported:
            report.batch = batch
        self.core.set_setting(
            f"inventory_mapping:{_signature(table.headers)}", {str(i): t.value for i, t in mapping.items()}
        )
        log.info("engagement %s: inventory import: %d new, %d updated, %d unchanged, %d rejected",
                 eid, report.imported, report.updated, report.unchanged, report.rejected_count)
        return report

    def undo_import(self, eid: int, batch: str) -> int:
        """Remove every item one import brought in; returns how many were removed."""
        self.core.header(eid)
        return repo.delete_inventory_batch(self.store, eid, batch)

    def items(self, eid: int) -> list[InventoryItem]:
        return self.core.get(eid).inventory

    def set_items(self, eid: int, items: list[InventoryItem]) -> None:
        """Replace the inventory (edits, deletions, bulk changes) in one transaction."""
        self.core.header(eid)
        repo.replace_children(self.store, eid, "inventory", items)

    # ---- edits that touch only the items concerned (a cell, a bulk change, a delete) ----------

    def device_kinds(self, eid: int) -> list[str]:
        """The device kinds of the engagement's form, in the form's order."""
        return list(self.core.form_of(self.core.header(eid)).device_kinds)

    def update_item(self, eid: int, item: InventoryItem) -> None:
        try:
            repo.update_inventory_item(self.store, eid, InventoryItem.model_validate(item.model_dump()))
        except repo.NotFound as exc:
            raise ServiceError(f"That inventory item is gone (engagement {eid}); reload the page.") from exc

    def update_fields(self, eid: int, changes: Sequence[tuple[Sequence[str], dict[str, Any]]]) -> int:
        """Set fields (site, owner, kind, category) on many items in one transaction; returns how many."""
        checked = []
        for uids, fields in changes:
            unknown = set(fields) - BULK_FIELDS
            if unknown:
                raise ServiceError(f"Cannot bulk-edit {', '.join(sorted(unknown))}.")
            probe = InventoryItem(name="x").model_dump()
            probe.update(fields)
            values = InventoryItem.model_validate(probe).model_dump(mode="json", include=set(fields))
            checked.append((list(uids), values))
        self.core.header(eid)
        return repo.update_inventory_fields(self.store, eid, checked)

    def add_items(self, eid: int, items: Sequence[InventoryItem]) -> None:
        """Append items typed by the consultant (or re-add the items of an undone import)."""
        self.core.header(eid)
        repo.add_inventory(self.store, eid, list(items))

    def delete_items(self, eid: int, uids: Sequence[str]) -> RemovedInventory:
        """Delete items and every risk's link to them in one transaction; returns what
        :meth:`restore_inventory_items` needs to undo the whole (items, positions and links)."""
        self.core.header(eid)
        removed = [(pos, InventoryItem.model_validate(values)) for pos, values in repo.inventory_items_at(self.store, eid, uids)]
        links = repo.delete_inventory_items(self.store, eid, uids)
        return RemovedInventory(removed, links)

    def restore_items(self, eid: int, removed: RemovedInventory | Sequence[tuple[int, InventoryItem]]) -> None:
        """Put deleted items back where they were, with the risks' links to them."""
        self.core.header(eid)
        if isinstance(removed, RemovedInventory):
            repo.insert_inventory_at(self.store, eid, list(removed.items))
            if removed.risk_links:
                repo.set_risk_links(self.store, eid, removed.risk_links)
        else:
            repo.insert_inventory_at(self.store, eid, list(removed))

    def remove(self, eid: int, uids: Sequence[str]) -> RemovedInventory:
        """Remove items by uid, refusing uids the engagement does not have (nothing is removed)."""
        known = {pos_values[1]["uid"] for pos_values in repo.inventory_items_at(self.store, eid, list(uids))}
        missing = [u for u in uids if u not in known]
        if missing:
            raise ServiceError(f"Engagement {eid} has no inventory item {', '.join(missing)}; nothing was removed.")
        return self.delete_items(eid, uids)

    def names(self, eid: int, uids: list[str]) -> dict[str, str]:
        """uid -> name of the given inventory items (those still in the inventory)."""
        return {fields["uid"]: fields["name"] for _, fields in repo.inventory_items_at(self.store, eid, uids)}



def describe_mapping(preview: InventoryPreview, mapping: Mapping[int, inv.Target]) -> str:
    t = preview.table
    return ", ".join(f"{t.headers[i]!r} -> {target.value}" for i, target in sorted(mapping.items())) or "none recognised"


__all__ = ["DateColumn", "FileRefused", "ImportRejected", "ImportReport", "Inventory", "RemovedInventory",
           "InventoryPreview", "apply_overrides", "describe_mapping", "parse_map_options"]
