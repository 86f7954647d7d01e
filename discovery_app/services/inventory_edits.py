"""Inventory edits that touch only the items concerned: one cell, a bulk field change, a delete.

The whole-list :meth:`InventoryMixin.set_inventory` rewrites every row; with 20,000 items a
single-cell edit must not, so these go to the store by uid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..domain.engagement import InventoryItem
from ..storage import repository as repo
from .base import ServiceBase, ServiceError

BULK_FIELDS = frozenset({"site", "owner", "kind", "category"})


@dataclass(frozen=True)
class RemovedInventory:
    """Deleted items with their positions, and the inventory links each affected risk had."""

    items: list[tuple[int, InventoryItem]]
    risk_links: dict[str, list[str]] = field(default_factory=dict)

    @property
    def unlinked_risks(self) -> int:
        return len(self.risk_links)


class InventoryEditsMixin(ServiceBase):
    def device_kinds(self, eid: int) -> list[str]:
        """The device kinds of the engagement's form, in the form's order."""
        return list(self.form_of(self._header(eid)).device_kinds)

    def update_inventory_item(self, eid: int, item: InventoryItem) -> None:
        try:
            repo.update_inventory_item(self.store, eid, InventoryItem.model_validate(item.model_dump()))
        except repo.NotFound as exc:
            raise ServiceError(f"That inventory item is gone (engagement {eid}); reload the page.") from exc

    def update_inventory_fields(self, eid: int, changes: Sequence[tuple[Sequence[str], dict[str, Any]]]) -> int:
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
        self._header(eid)
        return repo.update_inventory_fields(self.store, eid, checked)

    def add_inventory_items(self, eid: int, items: Sequence[InventoryItem]) -> None:
        """Append items typed by the consultant (or re-add the items of an undone import)."""
        self._header(eid)
        repo.add_inventory(self.store, eid, list(items))

    def delete_inventory_items(self, eid: int, uids: Sequence[str]) -> RemovedInventory:
        """Delete items and every risk's link to them in one transaction; returns what
        :meth:`restore_inventory_items` needs to undo the whole (items, positions and links)."""
        self._header(eid)
        removed = [(pos, InventoryItem.model_validate(values)) for pos, values in repo.inventory_items_at(self.store, eid, uids)]
        links = repo.delete_inventory_items(self.store, eid, uids)
        return RemovedInventory(removed, links)

    def restore_inventory_items(self, eid: int, removed: RemovedInventory | Sequence[tuple[int, InventoryItem]]) -> None:
        """Put deleted items back where they were, with the risks' links to them."""
        self._header(eid)
        if isinstance(removed, RemovedInventory):
            repo.insert_inventory_at(self.store, eid, list(removed.items))
            if removed.risk_links:
                repo.set_risk_links(self.store, eid, removed.risk_links)
        else:
            repo.insert_inventory_at(self.store, eid, list(removed))

    def remove_inventory(self, eid: int, uids: Sequence[str]) -> RemovedInventory:
        """Remove items by uid, refusing uids the engagement does not have (nothing is removed)."""
        known = {pos_values[1]["uid"] for pos_values in repo.inventory_items_at(self.store, eid, list(uids))}
        missing = [u for u in uids if u not in known]
        if missing:
            raise ServiceError(f"Engagement {eid} has no inventory item {', '.join(missing)}; nothing was removed.")
        return self.delete_inventory_items(eid, uids)
