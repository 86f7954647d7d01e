"""Edit one option in place: its name, the line the client reads under it and the pricing inputs it
varies (coverage, lanes, users priced, discount, the discovery-fee credit). The service prices it
again with the same engine; the page shows the new figures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ....domain import locale_text
from ....domain.engagement import PricingInputs, PricingOption
from ....domain.forms import Lane
from ... import app_locale
from ...widgets import checked_buttons, muted

_LANES = ((Lane.RUN, "&Run"), (Lane.CHANGE, "C&hange"), (Lane.GOVERN, "&Govern"))


class OptionDialog(QDialog):
    """The fields of one option; :meth:`values` gives the service's keyword arguments."""

    def __init__(self, option: PricingOption, coverage: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Edit option {option.number}")
        self.setObjectName("optionDialog")
        self.option = option
        p = option.pricing
        intro = muted(QLabel("The option is priced again by the same rules when you save it, and must pass the "
                             "discount and margin rules on its own."))
        intro.setWordWrap(True)
        self.label = QLineEdit(option.label)
        self.label.setObjectName("optionLabel")
        self.note = QLineEdit(option.note)
        self.note.setObjectName("optionNote")
        self.note.setPlaceholderText("One line the client reads under the option")
        self.coverage = QComboBox()
        self.coverage.setObjectName("optionCoverage")
        self.coverage.addItem("As the client answered", None)
        for cid, name in coverage:
            self.coverage.addItem(name, cid)
        self.coverage.setCurrentIndex(max(0, self.coverage.findData(p.coverage)) if p.coverage else 0)
        self.lanes: dict[Lane, QCheckBox] = {}
        lanes_row = QHBoxLayout()
        for lane, text in _LANES:
            box = QCheckBox(text)
            box.setObjectName(f"optionLane_{lane.value}")
            box.setChecked(lane in p.lanes_run_by_provider)
            self.lanes[lane] = box
            lanes_row.addWidget(box)
        lanes_row.addStretch(1)
        loc = app_locale.current()
        self.users = QLineEdit("" if p.user_count_override is None else str(p.user_count_override))
        self.users.setObjectName("optionUsers")
        self.users.setPlaceholderText("As counted")
        self.discount = QLineEdit(locale_text.format_percent(p.discount_percent, loc) if p.discount_percent else "")
        self.discount.setObjectName("optionDiscount")
        self.discount.setPlaceholderText("0")
        self.reason = QLineEdit(p.discount_reason)
        self.reason.setObjectName("optionDiscountReason")
        self.credit = QCheckBox("Credit the discovery fee against the stabilization fee")
        self.credit.setObjectName("optionCredit")
        self.credit.setChecked(p.credit_discovery_fee)
        form = QFormLayout()
        form.addRow("&Name", self.label)
        form.addRow("N&ote", self.note)
        form.addRow("Co&verage", self.coverage)
        form.addRow("Lanes we run", lanes_row)
        form.addRow("&Users priced", self.users)
        form.addRow("&Discount (%)", self.discount)
        form.addRow("Discount r&eason", self.reason)
        form.addRow("", self.credit)
        for field, buddy in ((self.label, "&Name"), (self.note, "N&ote")):
            field.setAccessibleName(buddy.replace("&", ""))
        self.error, buttons = checked_buttons(self, "Save option", self._check, "optionError")
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)  # the note reads whole
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        self._values: dict[str, Any] = {}

    def _read(self) -> dict[str, Any]:
        """The typed values, or raises ValueError naming the field and what is wrong."""
        loc = app_locale.current()
        label = self.label.text().strip()
        if not label:
            raise ValueError("Name the option (the client reads it).")
        lanes = [lane for lane, box in self.lanes.items() if box.isChecked()]
        users: int | None = None
        if self.users.text().strip():
            try:
                users = locale_text.parse_whole(self.users.text(), loc)
            except locale_text.ReadError as exc:
                raise ValueError(f"Users priced: {exc}.") from None
            if users < 0:
                raise ValueError("Users priced: write a number of users, 0 or more (leave it empty: as counted).")
        discount = Decimal(0)
        if self.discount.text().strip():
            try:
                discount = locale_text.parse_percent(self.discount.text(), loc)
            except locale_text.ReadError as exc:
                raise ValueError(f"Discount: {exc}.") from None
        try:
            pricing = PricingInputs.model_validate({
                **self.option.pricing.model_dump(), "coverage": self.coverage.currentData(),
                "lanes_run_by_provider": lanes, "user_count_override": users, "discount_percent": discount,
                "discount_reason": self.reason.text().strip(), "credit_discovery_fee": self.credit.isChecked()})
        except ValueError:
            raise ValueError("Discount: write a percentage from 0 to 100.") from None
        return {"label": label, "note": self.note.text().strip(), "pricing": pricing}

    def _check(self) -> None:
        try:
            self._values = self._read()
        except ValueError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.accept()

    def values(self) -> dict[str, Any]:
        return self._values
