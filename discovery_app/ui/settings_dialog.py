"""Settings: the provider profile the proposals are branded with, the default form, the currency.

Stored in the database through the service (not in QSettings), so they travel with the data and
survive upgrades of the app.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..domain import locale_text
from ..domain.forms import CommercialTerms
from ..domain.provider import DEFAULT_BRAND
from .approvers_tab import ApproversTab
from .library_tab import LibraryTab
from .widgets import error_colour, muted

if TYPE_CHECKING:
    from ..services import Discovery

CURRENCIES = ("USD", "CAD", "EUR", "GBP", "AUD", "NZD", "CHF")


def _buddy(text: str, widget: QWidget) -> QLabel:
    """A form label whose &-mnemonic focuses ``widget`` (for rows whose field is a layout)."""
    label = QLabel(text)
    label.setBuddy(widget)
    return label


class SettingsDialog(QDialog):
    saved = Signal()

    def __init__(self, service: Discovery, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.service = service
        current = service.settings.current()
        p = current.profile

        def line(name: str, value: str, placeholder: str = "") -> QLineEdit:
            e = QLineEdit(value)
            e.setObjectName(f"settings_{name}")
            e.setPlaceholderText(placeholder)
            return e

        # ---- provider profile ----
        self.name_edit = line("name", p.name, "Your company, as on the proposal")
        self.logo_edit = line("logo_path", p.logo_path, "A PNG or JPEG file")
        browse = QPushButton("Browse…")
        browse.setObjectName("settings_browseLogo")
        browse.clicked.connect(self._browse_logo)
        self.logo_preview = QLabel()
        self.logo_preview.setObjectName("settings_logoPreview")
        self.logo_preview.setFixedHeight(48)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_edit, 1)
        logo_row.addWidget(browse)
        self.colour_edit = line("brand_colour", p.brand_colour, DEFAULT_BRAND)
        self.colour_edit.setMaxLength(7)
        self.colour_edit.setMaximumWidth(self.colour_edit.fontMetrics().horizontalAdvance("#0000000") + 24)
        self.colour_button = QPushButton("Choose…")
        self.colour_button.setObjectName("settings_chooseColour")
        self.colour_button.clicked.connect(self._choose_colour)
        self.swatch = QLabel()
        self.swatch.setFixedSize(28, 20)
        self.swatch.setAutoFillBackground(True)
        colour_row = QHBoxLayout()
        colour_row.addWidget(self.colour_edit)
        colour_row.addWidget(self.swatch)
        colour_row.addWidget(self.colour_button)
        colour_row.addStretch(1)
        self.contact_edit = line("contact_name", p.contact_name, "Who the client calls")
        self.email_edit = line("contact_email", p.contact_email, "name@example.com")
        self.phone_edit = line("contact_phone", p.contact_phone)
        self.website_edit = line("website", p.website, "https://")
        self.address_edit = QPlainTextEdit(p.address)
        self.address_edit.setObjectName("settings_address")
        self.address_edit.setTabChangesFocus(True)
        self.address_edit.setFixedHeight(self.address_edit.fontMetrics().lineSpacing() * 3 + 14)

        profile = QWidget()
        pf = QFormLayout()
        profile_box = QVBoxLayout(profile)
        profile_box.addLayout(pf)
        profile_box.addStretch(1)
        pf.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        pf.addRow("&Provider name:", self.name_edit)
        pf.addRow(_buddy("&Logo:", self.logo_edit), logo_row)
        pf.addRow("", self.logo_preview)
        pf.addRow(_buddy("Brand &colour:", self.colour_edit), colour_row)
        pf.addRow("", muted(QLabel("The one accent colour of the proposal: headings, cover band, table headers.")))
        pf.addRow("Con&tact:", self.contact_edit)
        pf.addRow("&Email:", self.email_edit)
        pf.addRow("P&hone:", self.phone_edit)
        pf.addRow("&Website:", self.website_edit)
        pf.addRow("&Address:", self.address_edit)

        # ---- proposals ----
        self.validity_spin = QSpinBox()
        self.validity_spin.setObjectName("settings_validity")
        self.validity_spin.setRange(1, 365)
        self.validity_spin.setSuffix(" days")
        self.validity_spin.setValue(p.proposal_validity_days)
        self.page_combo = QComboBox()
        self.page_combo.setObjectName("settings_pageSize")
        self.page_combo.addItem("Letter (8.5 × 11 in)", "Letter")
        self.page_combo.addItem("A4 (210 × 297 mm)", "A4")
        self.page_combo.setCurrentIndex(max(0, self.page_combo.findData(p.page_size)))
        self.terms_edit = QPlainTextEdit(p.terms)
        self.terms_edit.setObjectName("settings_terms")
        self.terms_edit.setTabChangesFocus(True)
        self.terms_edit.setPlaceholderText("Payment terms, change-order rule, what the fee covers…")
        # Commercial terms: the form ships defaults; a value here is the provider's own.
        try:
            form_terms = service.forms.get().pricing.terms or CommercialTerms()
        except Exception:
            form_terms = CommercialTerms()
        own = service.settings.commercial_terms()
        self.payment_edit = QLineEdit(str(own.get("payment_schedule", "")))
        self.payment_edit.setObjectName("settings_paymentSchedule")
        self.payment_edit.setPlaceholderText(form_terms.payment_schedule or "For example: half on signing, half on completion")
        self.payment_edit.setToolTip(form_terms.payment_schedule)
        self.term_spin = self._terms_spin("settings_minimumTerm", 0, 120, " months", own.get("minimum_term_months"),
                                          form_terms.minimum_term_months)
        self.notice_spin = self._terms_spin("settings_notice", 0, 730, " days", own.get("notice_days"),
                                            form_terms.notice_days)
        self.payment_days_spin = self._terms_spin("settings_paymentDays", 0, 180, " days", own.get("payment_days"),
                                                  form_terms.payment_days)
        proposals = QWidget()
        prf = QFormLayout()
        QVBoxLayout(proposals).addLayout(prf)
        prf.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        prf.addRow("Proposals are &valid for:", self.validity_spin)
        prf.addRow("Page si&ze:", self.page_combo)
        prf.addRow("Other &terms:", self.terms_edit)
        prf.addRow("Pa&yment schedule:", self.payment_edit)
        prf.addRow("Invoices &due within:", self.payment_days_spin)
        prf.addRow("&Minimum term:", self.term_spin)
        prf.addRow("&Notice period:", self.notice_spin)
        prf.addRow("", muted(QLabel("Printed in every proposal. Left empty, the form's default applies;\n"
                                    "a proposal without a payment schedule, term and notice period is blocked.")))

        # ---- defaults ----
        self.form_combo = QComboBox()
        self.form_combo.setObjectName("settings_defaultForm")
        self._fill_forms(current.default_form)
        self.currency_combo = QComboBox()
        self.currency_combo.setObjectName("settings_currency")
        self.currency_combo.setEditable(True)
        self.currency_combo.addItems(list(CURRENCIES))
        self.currency_combo.setCurrentText(current.currency)
        self.locale_combo = QComboBox()
        self.locale_combo.setObjectName("settings_locale")
        self.locale_combo.addItem(f"This computer's ({locale_text.locale_name(locale_text.system_locale())})", "")
        for code in locale_text.SUPPORTED_LOCALES:
            self.locale_combo.addItem(f"{locale_text.locale_name(code)}  {code}", code)
        if p.locale and self.locale_combo.findData(p.locale) < 0:  # set another way: kept, never reset
            self.locale_combo.addItem(f"{locale_text.locale_name(p.locale)}  {p.locale}", p.locale)
        self.locale_combo.setCurrentIndex(max(0, self.locale_combo.findData(p.locale)))
        self.locale_sample = muted(QLabel())
        self.locale_sample.setObjectName("settings_localeSample")
        self.locale_combo.currentIndexChanged.connect(self._show_locale_sample)
        self.currency_combo.currentTextChanged.connect(self._show_locale_sample)
        defaults = QWidget()
        df = QFormLayout()
        defaults_box = QVBoxLayout(defaults)
        defaults_box.addLayout(df)
        defaults_box.addStretch(1)
        df.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        df.addRow("Default &form:", self.form_combo)
        df.addRow("", muted(QLabel("What New engagement starts with; you can still choose another.")))
        df.addRow("C&urrency:", self.currency_combo)
        df.addRow("&Numbers and dates:", self.locale_combo)
        df.addRow("", self.locale_sample)
        df.addRow("", muted(QLabel("How numbers, amounts, percents and dates are typed and shown here and\n"
                                   "written in the proposal, plan and workbook.")))

        self.tabs = QTabWidget()
        self.tabs.addTab(profile, "Provider profile")
        self.tabs.addTab(proposals, "Proposals")
        self.tabs.addTab(defaults, "Defaults")
        self.approvers = ApproversTab(service)
        self.tabs.addTab(self.approvers, "Approvers")
        self.library = LibraryTab(service)
        self.library.changed.connect(lambda: self._fill_forms(self.form_combo.currentData()))
        self.tabs.addTab(self.library, "Library")
        self.error_label = QLabel()
        self.error_label.setObjectName("settings_error")
        self.error_label.setWordWrap(True)
        pal = self.error_label.palette()
        pal.setColor(self.error_label.foregroundRole(), error_colour(pal))
        self.error_label.setPalette(pal)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(self.error_label)
        lay.addWidget(self.buttons)

        self.colour_edit.textChanged.connect(self._show_swatch)
        self.logo_edit.textChanged.connect(self._show_logo)
        self._show_swatch(self.colour_edit.text())
        self._show_logo(self.logo_edit.text())
        self._show_locale_sample()
        self.resize(620, 560)

    # ---- helpers ----------------------------------------------------------------------------

    def _fill_forms(self, chosen: str | None) -> None:
        """The Defaults tab's forms (installed and from the practice library), ``chosen`` selected."""
        combo = self.form_combo
        combo.clear()
        combo.addItem("The newest form", None)
        for pkg in self.service.forms.available():
            combo.addItem(f"{pkg.title} (version {pkg.version}){self.service.forms.mark(pkg)}", pkg.key)
        index = combo.findData(chosen) if chosen else 0
        if index < 0:  # stored as a bare id, or a version no longer offered: that form's newest version
            index = next((i for i in range(1, combo.count())
                          if str(combo.itemData(i)).split("@")[0] == str(chosen).split("@")[0]), 0)
        combo.setCurrentIndex(index)

    def _show_swatch(self, text: str) -> None:
        colour = QColor(text)
        pal = self.swatch.palette()
        pal.setColor(self.swatch.backgroundRole(), colour if colour.isValid() else QColor(Qt.GlobalColor.transparent))
        self.swatch.setPalette(pal)

    def _show_logo(self, path: str) -> None:
        pix = QPixmap(path) if path else QPixmap()
        if pix.isNull():
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText("No logo yet" if not path else "This file is not an image Discovery can read")
        else:
            self.logo_preview.setPixmap(pix.scaledToHeight(44, Qt.TransformationMode.SmoothTransformation))

    def _show_locale_sample(self, *_args: object) -> None:
        loc = locale_text.resolve(self.locale_combo.currentData())
        currency = self.currency_combo.currentText().strip().upper()
        if not (len(currency) == 3 and currency.isalpha()):
            currency = "USD"
        self.locale_sample.setText(
            f"For example {locale_text.format_money(Decimal('24376.5'), loc, currency)}, "
            f"{locale_text.format_percent(Decimal('12.5'), loc)}, "
            f"{locale_text.format_date_short(date(2026, 1, 15), loc)}; "
            f"type dates as {locale_text.date_pattern(loc)} or YYYY-MM-DD")

    def _browse_logo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose the logo", self.logo_edit.text(),
                                              "Images (*.png *.jpg *.jpeg *.svg)")
        if path:
            self.logo_edit.setText(path)

    def _choose_colour(self) -> None:
        colour = QColorDialog.getColor(QColor(self.colour_edit.text()), self, "Brand colour")
        if colour.isValid():
            self.colour_edit.setText(colour.name())

    @staticmethod
    def _terms_spin(name: str, low: int, high: int, suffix: str, value: object, default: int | None) -> QSpinBox:
        spin = QSpinBox()
        spin.setObjectName(name)
        spin.setRange(low, high)
        spin.setSuffix(suffix)
        # The lowest value reads as "the form's default" (and is stored as nothing).
        spin.setSpecialValueText(f"Form's default ({default}{suffix})" if default is not None else "Not set")
        spin.setValue(value if isinstance(value, int) else low)
        return spin

    def terms_values(self) -> dict[str, object]:
        return {
            "payment_schedule": self.payment_edit.text().strip(),
            "payment_days": self.payment_days_spin.value() or None,
            "minimum_term_months": self.term_spin.value() or None,
            "notice_days": self.notice_spin.value() or None,
        }

    def profile_values(self) -> dict[str, object]:
        return {
            "name": self.name_edit.text().strip(),
            "logo_path": self.logo_edit.text().strip(),
            "brand_colour": self.colour_edit.text().strip(),
            "contact_name": self.contact_edit.text().strip(),
            "contact_email": self.email_edit.text().strip(),
            "contact_phone": self.phone_edit.text().strip(),
            "website": self.website_edit.text().strip(),
            "address": self.address_edit.toPlainText().strip(),
            "proposal_validity_days": self.validity_spin.value(),
            "terms": self.terms_edit.toPlainText().strip(),
            "page_size": self.page_combo.currentData(),
            "locale": self.locale_combo.currentData() or "",
        }

    def accept(self) -> None:
        from ..services import ServiceError

        try:
            self.service.settings.save(self.profile_values(), self.form_combo.currentData(),
                                           self.currency_combo.currentText())
            self.service.settings.set_commercial_terms(self.terms_values())  # in range by construction
        except ServiceError as exc:
            self.error_label.setText(str(exc))
            self.error_label.show()
            return
        self.saved.emit()
        super().accept()
