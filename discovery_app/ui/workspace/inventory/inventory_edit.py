"""Editing pieces of the inventory page: the cell editors, the bulk-edit dialog and the undo
commands. Every command saves through the service in ``redo``/``undo`` and then updates the
table model in place (no reload of 20,000 rows).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from ....domain import locale_text
from ....domain.engagement import InventoryCategory, InventoryItem
from ... import app_locale
from ...widgets import muted
from ..standards.standards_model import PickCombo, commit_on_pick
from .inventory_model import CATEGORY_LABELS, Col, InventoryTableModel, kind_label

if TYPE_CHECKING:
    from ....services.inventory import RemovedInventory
    from .inventory_page import InventoryPage

AnyIndex = QModelIndex | QPersistentModelIndex
BULK_FIELDS = ("site", "owner", "kind")


def kind_combo(kinds: Sequence[str], current: str = "") -> PickCombo:
    combo = PickCombo()
    for k in kinds:
        combo.addItem(kind_label(k), k)
    if current and combo.findData(current) < 0:
        combo.addItem(f"{kind_label(current)} (not in the form)", current)
    if current:
        combo.setCurrentIndex(combo.findData(current))
    return combo


class InventoryDelegate(QStyledItemDelegate):
    """Combos for category and (for devices) kind; a plain line for text and dates."""

    def __init__(self, kinds: Sequence[str], parent: Any = None) -> None:
        super().__init__(parent)
        self.kinds = list(kinds)

    def _item(self, index: AnyIndex) -> InventoryItem | None:
        model = index.model()
        while hasattr(model, "mapToSource") and not isinstance(model, InventoryTableModel):
            index = model.mapToSource(index)
            model = index.model()
        return model.item(index.row()) if isinstance(model, InventoryTableModel) else None

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex) -> QWidget:
        col = index.column()
        item = self._item(index)
        if col == Col.CATEGORY:
            combo = PickCombo(parent)
            for value, label in CATEGORY_LABELS.items():
                combo.addItem(label, value.value)
            commit_on_pick(self, combo)
            return combo
        if col == Col.KIND and item is not None and item.category is InventoryCategory.DEVICE:
            combo = kind_combo(self.kinds, item.kind)
            combo.setParent(parent)
            commit_on_pick(self, combo)
            return combo
        editor = QLineEdit(parent)
        editor.setFrame(False)
        if col in Col.DATES:
            editor.setPlaceholderText(f"{locale_text.date_pattern(app_locale.current())} or YYYY-MM-DD, empty for none")
        return editor

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        value = index.data(Qt.ItemDataRole.EditRole) or ""
        if isinstance(editor, QComboBox):
            i = editor.findData(value)
            editor.setCurrentIndex(max(i, 0))
        elif isinstance(editor, QLineEdit):
            editor.setText(value)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QLineEdit):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)


class BulkEditDialog(QDialog):
    """Set site, owner and/or kind on the selected items; only ticked fields change."""

    def __init__(self, count: int, kinds: Sequence[str], sites: Sequence[str], owners: Sequence[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit selected items")
        intro = QLabel(f"Change {count:,} selected item{'s' if count != 1 else ''}. Only the ticked fields change.")
        intro.setWordWrap(True)
        self.site_check = QCheckBox("Site")
        self.site_edit = QLineEdit()
        self.site_edit.setObjectName("bulkSite")
        self.site_edit.setCompleter(QCompleter(sorted(s for s in sites if s)))
        self.owner_check = QCheckBox("Owner")
        self.owner_edit = QLineEdit()
        self.owner_edit.setObjectName("bulkOwner")
        self.owner_edit.setCompleter(QCompleter(sorted(o for o in owners if o)[:2000]))
        self.kind_check = QCheckBox("Kind")
        self.kind_combo = kind_combo(kinds)
        self.kind_combo.setObjectName("bulkKind")
        help_kind = muted(QLabel("Setting a kind makes the items devices."))
        grid = QGridLayout()
        for row, (check, field) in enumerate(((self.site_check, self.site_edit), (self.owner_check, self.owner_edit),
                                              (self.kind_check, self.kind_combo))):
            grid.addWidget(check, row, 0)
            grid.addWidget(field, row, 1)
        # Typing into a field or picking a kind ticks its box: what you enter is what you mean to set.
        self.site_edit.textEdited.connect(lambda _t: self.site_check.setChecked(True))
        self.owner_edit.textEdited.connect(lambda _t: self.owner_check.setChecked(True))
        self.kind_combo.activated.connect(lambda _i: self.kind_check.setChecked(True))
        grid.addWidget(help_kind, 3, 1)
        grid.setColumnStretch(1, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Apply")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(grid)
        layout.addWidget(buttons)
        self.resize(460, self.sizeHint().height())

    def changes(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.site_check.isChecked():
            out["site"] = self.site_edit.text().strip()
        if self.owner_check.isChecked():
            out["owner"] = self.owner_edit.text().strip()
        if self.kind_check.isChecked():
            out["kind"] = self.kind_combo.currentData()
            out["category"] = InventoryCategory.DEVICE.value
        return out


# ---- undo commands --------------------------------------------------------------------------


class _Command(QUndoCommand):
    def __init__(self, page: InventoryPage, text: str) -> None:
        super().__init__(text)
        self.page = page
        self._first = True  # the page already saved it; the first redo only records it

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self.page.run_command(self._redo, structural=self.structural)

    def undo(self) -> None:
        self.page.run_command(self._undo, structural=self.structural)

    structural = False

    def _redo(self) -> None:
        raise NotImplementedError

    def _undo(self) -> None:
        raise NotImplementedError


class EditItemCommand(_Command):
    """One cell of one item."""

    def __init__(self, page: InventoryPage, before: InventoryItem, after: InventoryItem, text: str) -> None:
        super().__init__(page, text)
        self.before, self.after = before, after
        self.structural = before.kind != after.kind or before.category != after.category

    def _redo(self) -> None:
        self.page.service.inventory.update_item(self.page.engagement_id, self.after)
        self.page.model.replace_items([self.after])

    def _undo(self) -> None:
        self.page.service.inventory.update_item(self.page.engagement_id, self.before)
        self.page.model.replace_items([self.before])


class BulkEditCommand(_Command):
    """The same field values set on many items; undo puts each item's old values back."""

    structural = True

    def __init__(self, page: InventoryPage, before: Sequence[InventoryItem], fields: dict[str, Any]) -> None:
        n = len(before)
        names = " and ".join(f for f in fields if f != "category")
        super().__init__(page, f"Set {names} on {n:,} item{'s' if n != 1 else ''}")
        self.before = list(before)
        self.fields = dict(fields)
        self.after = [i.model_copy(update=self.fields_typed()) for i in self.before]

    def fields_typed(self) -> dict[str, Any]:
        out = dict(self.fields)
        if "category" in out:
            out["category"] = InventoryCategory(out["category"])
        return out

    def apply(self) -> None:
        self.page.service.inventory.update_fields(self.page.engagement_id, [([i.uid for i in self.before], self.fields)])
        self.page.model.replace_items(self.after)

    _redo = apply

    def _undo(self) -> None:
        groups: dict[tuple[Any, ...], list[str]] = defaultdict(list)
        for item in self.before:
            groups[tuple(getattr(item, f) for f in self.fields)].append(item.uid)
        changes = [(uids, {f: (v.value if isinstance(v, InventoryCategory) else v)
                           for f, v in zip(self.fields, values, strict=True)})
                   for values, uids in groups.items()]
        self.page.service.inventory.update_fields(self.page.engagement_id, changes)
        self.page.model.replace_items(self.before)


class AddItemsCommand(_Command):
    structural = True

    def __init__(self, page: InventoryPage, items: Sequence[InventoryItem], text: str, *, saved: bool = True) -> None:
        super().__init__(page, text)
        self.items = list(items)
        self._first = saved

    def _redo(self) -> None:
        self.page.service.inventory.add_items(self.page.engagement_id, self.items)
        self.page.model.append_items(self.items)

    def _undo(self) -> None:
        self.page.service.inventory.delete_items(self.page.engagement_id, [i.uid for i in self.items])
        self.page.model.remove_uids(i.uid for i in self.items)


class DeleteItemsCommand(_Command):
    structural = True

    def __init__(self, page: InventoryPage, uids: Sequence[str]) -> None:
        n = len(uids)
        super().__init__(page, f"Delete {n:,} item{'s' if n != 1 else ''}")
        self.uids = list(uids)
        self._first = False  # deleting happens in redo
        self.stored: RemovedInventory | None = None
        self.rows: list[tuple[int, InventoryItem]] = []

    def _redo(self) -> None:
        self.stored = self.page.service.inventory.delete_items(self.page.engagement_id, self.uids)
        self.rows = self.page.model.remove_uids(self.uids)

    def _undo(self) -> None:
        if self.stored is not None:
            self.page.service.inventory.restore_items(self.page.engagement_id, self.stored)
        self.page.model.insert_items(self.rows)


class ImportCommand(_Command):
    """A whole import: undo removes every item it brought in, redo puts them back."""

    structural = True

    def __init__(self, page: InventoryPage, file_name: str, batch: str, items: Sequence[InventoryItem]) -> None:
        n = len(items)
        super().__init__(page, f"Import {n:,} item{'s' if n != 1 else ''} from {file_name}")
        self.batch = batch
        self.items = list(items)

    def _redo(self) -> None:
        self.page.service.inventory.add_items(self.page.engagement_id, self.items)
        self.page.model.append_items(self.items)

    def _undo(self) -> None:
        self.page.service.inventory.undo_import(self.page.engagement_id, self.batch)
        self.page.model.remove_uids(i.uid for i in self.items)
