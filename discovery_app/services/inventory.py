"""Inventory use cases: preview and import RMM/asset exports, undo an import, edit items, counts."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from .. import collector
from ..domain import inventory as inv
from ..domain.engagement import InventoryItem, new_uid
from ..inventoryio import RawTable, ReadError, read_table
from ..storage import repository as repo
from .base import ServiceBase, ServiceError


@dataclass
class InventoryPreview:
    """What a file holds and how its columns would be mapped, before anything is written."""

    table: RawTable
    mapping: dict[int, inv.Target]
    remembered: bool  # the mapping came from an earlier import of a file with these headers

    @property
    def headers(self) -> list[str]:
        return self.table.headers


@dataclass
class ImportReport:
    file: str
    imported: int = 0
    rejects: list[inv.Reject] = field(default_factory=list)
    batch: str | None = None
    total_rows: int = 0

    @property
    def rejected(self) -> int:
        return len(self.rejects)

    def reject_lines(self) -> list[str]:
        return [f"{self.file}, line {r.line}: {r.reason}" for r in self.rejects]


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


class InventoryMixin(ServiceBase):
    def preview_inventory_file(self, path: Path) -> InventoryPreview:
        """Read a CSV or XLSX export and guess (or recall) its column mapping."""
        try:
            with collector.paused():  # tens of thousands of cells, no garbage cycles
                table = read_table(Path(path))
        except ReadError as exc:
            raise ServiceError(str(exc)) from exc
        saved = self.setting(f"inventory_mapping:{_signature(table.headers)}")
        if isinstance(saved, dict):
            mapping = {int(i): inv.Target(t) for i, t in saved.items() if int(i) < len(table.headers)}
            return InventoryPreview(table, mapping, remembered=True)
        return InventoryPreview(table, inv.guess_mapping(table.headers), remembered=False)

    def import_inventory(
        self,
        eid: int,
        path: Path,
        *,
        mapping: dict[int, inv.Target] | None = None,
        skip_bad: bool = False,
        preview: InventoryPreview | None = None,
    ) -> ImportReport:
        """Import a file's rows as one transaction, all or nothing unless ``skip_bad``.

        Raises :class:`ImportRejected` (nothing written) when any row is bad and ``skip_bad`` is
        false. The mapping used is remembered for the next file with the same headers.
        """
        path = Path(path)
        header = self._header(eid)
        pkg = self.form_of(header)
        preview = preview or self.preview_inventory_file(path)
        mapping = dict(mapping if mapping is not None else preview.mapping)
        table = preview.table
        batch = new_uid()
        try:
            with collector.paused():
                parsed = inv.rows_to_items(
                    table.rows, table.line_numbers, mapping, pkg.device_kinds, source=path.name, import_batch=batch
                )
        except ValueError as exc:
            raise ServiceError(f"{path.name}: {exc}") from exc
        report = ImportReport(file=path.name, rejects=parsed.rejects, total_rows=len(parsed.items) + len(parsed.rejects))
        if parsed.rejects and not skip_bad:
            raise ImportRejected(report)
        if parsed.items:
            with collector.paused():
                repo.add_inventory(self.store, eid, parsed.items)
            report.batch = batch
            report.imported = len(parsed.items)
        self.set_setting(
            f"inventory_mapping:{_signature(table.headers)}", {str(i): t.value for i, t in mapping.items()}
        )
        return report

    def undo_inventory_import(self, eid: int, batch: str) -> int:
        """Remove every item one import brought in; returns how many were removed."""
        self._header(eid)
        return repo.delete_inventory_batch(self.store, eid, batch)

    def inventory(self, eid: int) -> list[InventoryItem]:
        return self.get(eid).inventory

    def set_inventory(self, eid: int, items: list[InventoryItem]) -> None:
        """Replace the inventory (edits, deletions, bulk changes) in one transaction."""
        self._header(eid)
        repo.replace_children(self.store, eid, "inventory", items)
