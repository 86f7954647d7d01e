"""Re-importing an inventory: which existing item an imported row is, and what changed.

A row is the same device as an existing item when their serial numbers match (ignoring case and
spaces); failing that, when their names match (ignoring case). A match updates the fields the
file provides and that differ; an empty cell never clears a value (the consultant may have typed
it). A device the file lists twice is imported once.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from .engagement import InventoryItem


def serial_key(serial: str) -> str:
    return "".join(serial.split()).casefold()


def name_key(name: str) -> str:
    return name.strip().casefold()


class Matcher:
    """Existing items (as column dicts with at least uid, name and serial), found by serial, then
    name. Items added during the import are remembered by uid only (a file of 400,000 devices
    must not keep 400,000 records in memory); a second row for one of them updates it."""

    def __init__(self, existing: Iterable[Mapping[str, Any]]) -> None:
        self.by_serial: dict[str, Mapping[str, Any] | str] = {}
        self.by_name: dict[str, Mapping[str, Any] | str] = {}
        for rec in existing:
            self._add(rec, str(rec.get("serial") or ""), str(rec.get("name") or ""))

    def _add(self, rec: Mapping[str, Any] | str, serial: str, name: str) -> None:
        s = serial_key(serial)
        if s:
            self.by_serial.setdefault(s, rec)
        n = name_key(name)
        if n:
            self.by_name.setdefault(n, rec)

    def add_new(self, item: InventoryItem) -> None:
        self._add(item.uid, item.serial, item.name)

    def find(self, item: InventoryItem) -> Mapping[str, Any] | str | None:
        """The existing record (a dict), the uid of an item this import added (a str), or None."""
        if item.serial:
            found = self.by_serial.get(serial_key(item.serial))
            if found is not None:
                return found
        found = self.by_name.get(name_key(item.name))
        if isinstance(found, str):
            return None if item.serial else found
        if found is not None and item.serial and found.get("serial") and \
                serial_key(str(found["serial"])) != serial_key(item.serial):
            return None  # same name, another serial: a different device that reuses the name
        return found


def changes(existing: Mapping[str, Any], item: InventoryItem, fields: Collection[str]) -> dict[str, Any]:
    """The fields of ``item`` (among ``fields``) that have a value and differ from ``existing``."""
    out: dict[str, Any] = {}
    for f in fields:
        new = getattr(item, f)
        if new is None or new == "":
            continue
        old = existing.get(f)
        if f == "name" and isinstance(old, str) and name_key(old) == name_key(new):
            continue  # the same name in other letter case: the match, not a change
        if old != new:
            out[f] = new
    return out
