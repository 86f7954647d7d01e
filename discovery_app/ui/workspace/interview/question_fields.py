"""One field per question type: label above, the editor, muted help, an inline message, a note.

A field knows nothing of the service. It emits :attr:`QuestionField.edited` with the value the
consultant wants (typing is debounced, clicks are immediate) and the page saves it; the page then
calls :meth:`set_error` with the service's reason when the value was refused.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ....domain import locale_text
from ....domain.forms import Question, Questionnaire, QuestionType
from ... import app_locale
from ...date_input import DateInput
from ...widgets import error_colour, muted, scaled_font

DEBOUNCE_MS = 300
#: Opens (or goes to) the note of the question being answered.
NOTE_KEY = "Ctrl+Shift+M"


class QuestionField(QWidget):
    #: The consultant changed the answer (debounced while typing).
    edited = Signal(object)
    #: The consultant changed the note.
    note_edited = Signal(str)
    #: The consultant changed who gave the answer.
    said_by_edited = Signal(str)
    #: Enter was pressed: the page moves to the next field.
    advance = Signal()

    def __init__(self, question: Question, questionnaire: Questionnaire, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.question = question
        self.questionnaire = questionnaire
        self.setObjectName(f"field_{question.id}")
        self._stored: Any = None
        self._stored_note = ""
        self._stored_said_by = ""
        self._loading = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._emit_value)
        self._note_timer = QTimer(self)
        self._note_timer.setSingleShot(True)
        self._note_timer.setInterval(DEBOUNCE_MS)
        self._note_timer.timeout.connect(self._emit_note)

        text = question.label + (" *" if question.required else "")
        self.label = QLabel(text, self)
        self.label.setObjectName(f"label_{question.id}")
        self.label.setWordWrap(True)
        self.label.setFont(scaled_font(self, 1.0, bold=True))
        if question.required:
            self.label.setToolTip("Required before a proposal can be exported")
        self.note_button = QToolButton(self)
        self.note_button.setObjectName(f"noteButton_{question.id}")
        self.note_button.setText("Add note")
        self.note_button.setCheckable(True)
        self.note_button.setAutoRaise(True)
        # Not a Tab stop: Tab goes answer to answer (one key per question); Ctrl+Shift+M opens
        # the note from the answer, and Tab from the note goes on to who said it.
        self.note_button.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.note_button.setToolTip(f"A note for this question: what you saw, who said it ({NOTE_KEY})")
        self.note_button.setAccessibleName(f"Note on: {question.label}")
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(self.label, 1)
        head.addWidget(self.note_button, 0, Qt.AlignmentFlag.AlignTop)

        self.editor = self._build_editor()
        self.help_label = muted(QLabel(question.help, self))
        self.help_label.setWordWrap(True)
        self.help_label.setVisible(bool(question.help))
        self.error_label = QLabel(self)
        self.error_label.setObjectName(f"error_{question.id}")
        self.error_label.setWordWrap(True)
        pal = self.error_label.palette()
        pal.setColor(self.error_label.foregroundRole(), error_colour(pal))
        self.error_label.setPalette(pal)
        self.error_label.hide()
        self.note_edit = QLineEdit(self)
        self.note_edit.setObjectName(f"note_{question.id}")
        self.note_edit.setPlaceholderText("Note")
        self.note_edit.setAccessibleName(f"Note on: {question.label}")
        self.note_edit.hide()
        # Who gave the answer: beside the note, shown with it (the delivery team reads both).
        self.said_by_edit = QLineEdit(self)
        self.said_by_edit.setObjectName(f"saidBy_{question.id}")
        self.said_by_edit.setPlaceholderText("Who said it")
        self.said_by_edit.setAccessibleName(f"Who gave the answer to: {question.label}")
        self.said_by_edit.setMaxLength(300)
        self.said_by_edit.hide()
        self.label.setBuddy(self.focus_widget())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 6)
        layout.setSpacing(4)
        layout.addLayout(head)
        layout.addWidget(self.editor)
        layout.addWidget(self.error_label)
        layout.addWidget(self.help_label)
        notes = QHBoxLayout()
        notes.setContentsMargins(0, 0, 0, 0)
        notes.addWidget(self.note_edit, 3)
        notes.addWidget(self.said_by_edit, 1)
        layout.addLayout(notes)

        self.note_button.toggled.connect(self._toggle_note)
        self.note_edit.textEdited.connect(lambda _t: self._note_timer.start())
        self.note_edit.editingFinished.connect(self._flush_note)
        self.said_by_edit.editingFinished.connect(self._emit_said_by)
        for w in self.key_widgets():
            w.installEventFilter(self)
        self.note_edit.installEventFilter(self)
        self.said_by_edit.installEventFilter(self)

    # ---- to be provided per type ------------------------------------------------------------

    def _build_editor(self) -> QWidget:
        raise NotImplementedError

    def _show(self, value: Any) -> None:
        raise NotImplementedError

    def value(self) -> Any:
        raise NotImplementedError

    def focus_widget(self) -> QWidget:
        return self.editor

    def key_widgets(self) -> list[QWidget]:
        """The widgets that take keys (for Enter to advance and Ctrl+Z to reach the workspace)."""
        return [self.focus_widget()]

    # ---- state ------------------------------------------------------------------------------

    def set_value(self, value: Any) -> None:
        """Show a stored value (no signal)."""
        self._timer.stop()
        self._stored = value
        self._loading = True
        try:
            self._show(value)
        finally:
            self._loading = False

    def set_stored(self, value: Any) -> None:
        """The page saved ``value``: it is what the store holds now."""
        self._stored = value

    def set_note(self, note: str) -> None:
        self._note_timer.stop()
        self._stored_note = note
        self.note_edit.setText(note)
        has = bool(note)
        self.note_button.blockSignals(True)
        self.note_button.setChecked(has)
        self.note_button.blockSignals(False)
        self.note_edit.setVisible(has)
        self.said_by_edit.setVisible(has or bool(self._stored_said_by))
        self.note_button.setText("Note" if has else "Add note")

    def set_said_by(self, said_by: str) -> None:
        """Who gave the answer, as stored; shown with the note."""
        self._stored_said_by = said_by
        self.said_by_edit.setText(said_by)
        if said_by:
            self.said_by_edit.setVisible(True)
            self.note_edit.setVisible(True)
            self.note_button.blockSignals(True)
            self.note_button.setChecked(True)
            self.note_button.blockSignals(False)
            self.note_button.setText("Note")

    def set_error(self, message: str | None) -> None:
        self.error_label.setText(message or "")
        self.error_label.setVisible(bool(message))

    @property
    def has_error(self) -> bool:
        return bool(self.error_label.text())

    def focus_editor(self) -> None:
        # A keyboard reason: the style draws the focus ring (it does not for "other" reasons).
        self.focus_widget().setFocus(Qt.FocusReason.TabFocusReason)

    def flush(self) -> None:
        """Emit a change still waiting for the typing pause."""
        if self._timer.isActive():
            self._timer.stop()
            self._emit_value()
        self._flush_note()
        self._emit_said_by()

    # ---- internals --------------------------------------------------------------------------

    def _typed(self) -> None:
        if not self._loading:
            self._timer.start()

    def _clicked(self) -> None:
        if not self._loading:
            self._timer.stop()
            self._emit_value()

    def _emit_value(self) -> None:
        value = self.value()
        if value != self._stored or self.has_error:
            self.edited.emit(value)

    def _flush_note(self) -> None:
        self._note_timer.stop()
        self._emit_note()

    def _emit_note(self) -> None:
        note = self.note_edit.text()
        if note != self._stored_note:
            self._stored_note = note
            self.note_edited.emit(note)

    def _emit_said_by(self) -> None:
        said_by = self.said_by_edit.text().strip()
        if said_by != self._stored_said_by:
            self._stored_said_by = said_by
            self.said_by_edited.emit(said_by)

    def _toggle_note(self, on: bool) -> None:
        self.note_edit.setVisible(on or bool(self.note_edit.text()))
        self.said_by_edit.setVisible(on or bool(self.said_by_edit.text()))
        if on:
            self.note_edit.setFocus(Qt.FocusReason.TabFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            if event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo):
                # Undo belongs to the engagement, not to one text box: let the window's action have it.
                self.flush()
                return True
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if QKeySequence(event.keyCombination()) == QKeySequence(NOTE_KEY):
                self.flush()
                if self.note_button.isChecked():
                    self.note_edit.setFocus(Qt.FocusReason.TabFocusReason)
                else:
                    self.note_button.setChecked(True)
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                multiline = isinstance(watched, QPlainTextEdit)
                ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
                if not multiline or ctrl:
                    self.flush()
                    self.advance.emit()
                    return True
        if kind == QEvent.Type.FocusOut:
            self.flush()
        return False


class TextField(QuestionField):
    def _build_editor(self) -> QWidget:
        edit = QLineEdit()
        edit.setObjectName(f"edit_{self.question.id}")
        edit.setPlaceholderText(self.question.placeholder)
        edit.setMaxLength(500)
        edit.textEdited.connect(lambda _t: self._typed())
        return edit

    def _show(self, value: Any) -> None:
        self.editor.setText("" if value is None else str(value))  # type: ignore[attr-defined]  # the QLineEdit built above

    def value(self) -> Any:
        text = self.editor.text()  # type: ignore[attr-defined]  # the QLineEdit built above
        return text if text.strip() else None


class NumberField(TextField):
    """A number, amount or count typed as the locale writes it; shown back as it was read."""

    def _show(self, value: Any) -> None:
        self.editor.setText(self.display(value))  # type: ignore[attr-defined]

    def display(self, value: Any) -> str:
        """The stored value as the locale writes it: counts and decimals ungrouped (so "1.234"
        never has to be guessed at when read back), amounts grouped with cents."""
        if value is None or value == "":
            return ""
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        loc = app_locale.current()
        if self.question.type is QuestionType.MONEY:
            return locale_text.format_amount(number, loc)
        return locale_text.format_number(number, loc, grouping=False)

    def set_stored(self, value: Any) -> None:
        super().set_stored(value)
        if not self.editor.hasFocus() and value is not None:
            self._show(value)

    def _emit_value(self) -> None:
        text = self.editor.text().strip()  # type: ignore[attr-defined]
        if text and not self.has_error and text == self.display(self._stored):
            return  # what the store holds, as shown: nothing to save
        super()._emit_value()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        handled = super().eventFilter(watched, event)
        if event.type() == QEvent.Type.FocusOut and not self.has_error and self._shows_stored():
            self._show(self._stored)  # "4.500" becomes "4.500,00": how it was read
        return handled

    def _shows_stored(self) -> bool:
        """The text reads as the stored value (a save still on its way is shown when it lands)."""
        if self._stored is None:
            return False
        try:
            kind = {QuestionType.MONEY: locale_text.Kind.MONEY,
                    QuestionType.INTEGER: locale_text.Kind.WHOLE}.get(self.question.type, locale_text.Kind.DECIMAL)
            typed = locale_text.parse_number(self.editor.text(), app_locale.current(), kind)  # type: ignore[attr-defined]
            return typed == Decimal(str(self._stored))
        except (locale_text.ReadError, InvalidOperation):
            return False

    def _build_editor(self) -> QWidget:
        edit = super()._build_editor()
        assert isinstance(edit, QLineEdit)
        edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        edit.setMaxLength(40)
        q = self.question
        hint = {QuestionType.INTEGER: "A whole number", QuestionType.DECIMAL: "A number",
                QuestionType.MONEY: "An amount"}[q.type]
        loc = app_locale.current()

        def num(x: Decimal) -> str:
            return locale_text.format_number(x, loc, grouping=False)

        if q.min is not None and q.max is not None:
            hint += f" from {num(q.min)} to {num(q.max)}"
        elif q.min is not None:
            hint += f", at least {num(q.min)}"
        elif q.max is not None:
            hint += f", at most {num(q.max)}"
        example = {QuestionType.INTEGER: "1234", QuestionType.DECIMAL: locale_text.format_number(Decimal("12.5"), loc),
                   QuestionType.MONEY: locale_text.format_amount(Decimal("1234.5"), loc)}[q.type]
        edit.setToolTip(f"{hint}, written like {example}")
        if not q.placeholder:
            edit.setPlaceholderText(locale_text.format_amount(Decimal(0), loc) if q.type is QuestionType.MONEY else "")
        # Numbers need no more room than this; the column stays readable.
        edit.setMaximumWidth(edit.fontMetrics().horizontalAdvance("0" * 16) + 24)
        return edit


class LongTextField(QuestionField):
    def _build_editor(self) -> QWidget:
        edit = QPlainTextEdit()
        edit.setObjectName(f"edit_{self.question.id}")
        edit.setPlaceholderText(self.question.placeholder)
        edit.setTabChangesFocus(True)
        edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 4 + 14)
        edit.setToolTip("Ctrl+Enter moves to the next question")
        edit.textChanged.connect(self._typed)
        return edit

    def _show(self, value: Any) -> None:
        self.editor.setPlainText("" if value is None else str(value))  # type: ignore[attr-defined]  # the QPlainTextEdit built above

    def value(self) -> Any:
        text = self.editor.toPlainText()  # type: ignore[attr-defined]  # the QPlainTextEdit built above
        return text if text.strip() else None


class DateField(QuestionField):
    """A date typed in the locale's short form or ISO, or picked; empty is "not answered"."""

    def _build_editor(self) -> QWidget:
        self.date_input = DateInput(f"edit_{self.question.id}")
        self.date_edit = self.date_input.edit
        self.date_input.committed.connect(lambda _d: self._clicked())
        self.date_input.refused.connect(lambda _m: self._clicked())
        return self.date_input

    def focus_widget(self) -> QWidget:
        return self.date_edit

    def flush(self) -> None:
        if self.date_edit.isModified():
            self.date_input.commit()
        super().flush()

    def _show(self, value: Any) -> None:
        try:
            self.date_input.set_date(date.fromisoformat(str(value)) if value else None)
        except ValueError:
            self.date_input.set_date(None)

    def value(self) -> Any:
        """The ISO date, None when empty, or the typed text when it is not a date (the page
        reads it again and shows why)."""
        try:
            day = self.date_input.read()
        except locale_text.ReadError:
            return self.date_edit.text()
        return None if day is None else day.isoformat()


#: About how many characters of option labels fit across a question at 1280x800 (a page about
#: 700 px wide between the navigator and the summary).
ROW_CHARS = 64
_STEPS = {Qt.Key.Key_Left: -1, Qt.Key.Key_Up: -1, Qt.Key.Key_Right: 1, Qt.Key.Key_Down: 1}


class _ButtonsField(QuestionField):
    """Radio buttons or check boxes in a row or a grid, operated as one control.

    Tab reaches the group once (on the chosen option, else the first) and leaves it; the arrow
    keys move between the options (choosing as they go for a single answer, as native radio
    groups do); Space ticks a box or chooses an option; Delete or Backspace takes a single answer
    back to "not answered".
    """

    exclusive = True
    columns = 0  # 0: one row

    def options(self) -> list[tuple[Any, str]]:
        raise NotImplementedError

    def _build_editor(self) -> QWidget:
        box = QWidget(self)
        box.setObjectName(f"edit_{self.question.id}")
        box.setAccessibleName(self.question.label)
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(box)
        self.group.setExclusive(self.exclusive)
        self.buttons: list[tuple[Any, QAbstractButton]] = []
        options = self.options()
        columns = self._columns_for([text for _v, text in options])
        for i, (value, text) in enumerate(options):
            b: QAbstractButton = QRadioButton(text, box) if self.exclusive else QCheckBox(text, box)
            b.setObjectName(f"option_{self.question.id}_{value}")
            # A screen reader says which question the option answers, not just "Yes".
            b.setAccessibleName(f"{text}, {self.question.label}")
            b.setAccessibleDescription(self._keys_hint())
            self.group.addButton(b, i)
            self.buttons.append((value, b))
            if columns:
                grid.addWidget(b, i // columns, i % columns)
            else:
                grid.addWidget(b, 0, i)
        grid.setColumnStretch(grid.columnCount(), 1)
        self.group.buttonClicked.connect(self._button_clicked)
        self._tab_stop(self._home())
        return box

    def _columns_for(self, labels: list[str]) -> int:
        """Options whose labels would not fit side by side on a laptop's page (a check box never
        wraps its text) go one under another: no sideways scrolling, no clipped label."""
        if not labels:
            return self.columns
        if self.columns == 0 and sum(len(t) for t in labels) + 6 * len(labels) > ROW_CHARS:
            return 1
        if self.columns > 1 and max(len(t) for t in labels) * self.columns > ROW_CHARS:
            return 1
        return self.columns

    def _keys_hint(self) -> str:
        if self.exclusive:
            return "Arrow keys choose; Delete clears the answer; Tab goes to the next question"
        return "Arrow keys move between options; Space ticks or clears one; Tab goes to the next question"

    def _home(self) -> QAbstractButton | None:
        checked = [b for _v, b in self.buttons if b.isChecked()]
        return checked[0] if checked else (self.buttons[0][1] if self.buttons else None)

    def _tab_stop(self, button: QAbstractButton | None) -> None:
        """Only ``button`` is a Tab stop: Tab enters the group once and leaves it."""
        for _v, b in self.buttons:
            b.setFocusPolicy(Qt.FocusPolicy.StrongFocus if b is button else Qt.FocusPolicy.ClickFocus)

    def focus_widget(self) -> QWidget:
        home = self._home()
        return home if home is not None else self.editor

    def key_widgets(self) -> list[QWidget]:
        return [b for _v, b in self.buttons]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if super().eventFilter(watched, event):
            return True
        if not isinstance(watched, QAbstractButton) or all(b is not watched for _v, b in self.buttons):
            return False
        kind = event.type()
        if kind == QEvent.Type.FocusIn:
            self._tab_stop(watched)
        elif kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
                return False
            key = event.key()
            step = _STEPS.get(Qt.Key(key))
            if step is not None:
                self._move(watched, step)
                return True
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.exclusive:
                self._clear()
                return True
        return False

    def _move(self, current: QAbstractButton, step: int) -> None:
        buttons = [b for _v, b in self.buttons]
        i = buttons.index(current)
        target = buttons[max(0, min(len(buttons) - 1, i + step))]
        target.setFocus(Qt.FocusReason.TabFocusReason)
        if self.exclusive and not target.isChecked():
            target.setChecked(True)
            self._button_clicked(target)

    def _clear(self) -> None:
        if not any(b.isChecked() for _v, b in self.buttons):
            return
        self.group.setExclusive(False)  # an exclusive group never lets its last button go
        for _v, b in self.buttons:
            b.setChecked(False)
        self.group.setExclusive(self.exclusive)
        self._clicked()

    def _button_clicked(self, button: QAbstractButton) -> None:
        self._tab_stop(button)
        self._clicked()

    def _show(self, value: Any) -> None:
        chosen = value if isinstance(value, list) else [value]
        self.group.setExclusive(False)
        for v, b in self.buttons:
            b.setChecked(value is not None and v in chosen)
        self.group.setExclusive(self.exclusive)
        focused = next((b for _v, b in self.buttons if b.hasFocus()), None)
        self._tab_stop(focused or self._home())


class YesNoField(_ButtonsField):
    def options(self) -> list[tuple[Any, str]]:
        return [(True, "Yes"), (False, "No")]

    def value(self) -> Any:
        for v, b in self.buttons:
            if b.isChecked():
                return v
        return None

    def _show(self, value: Any) -> None:
        self.group.setExclusive(False)
        for v, b in self.buttons:
            b.setChecked(value is not None and v is value)
        self.group.setExclusive(True)
        focused = next((b for _v, b in self.buttons if b.hasFocus()), None)
        self._tab_stop(focused or self._home())


class RatingField(_ButtonsField):
    def options(self) -> list[tuple[Any, str]]:
        return [(n, str(n)) for n in range(1, 6)]

    def value(self) -> Any:
        return next((v for v, b in self.buttons if b.isChecked()), None)


class MultiChoiceField(_ButtonsField):
    exclusive = False
    columns = 2

    def options(self) -> list[tuple[Any, str]]:
        cl = self.questionnaire.choice_list(self.question.choices or "")
        return [(c.value, c.label) for c in cl.choices] if cl else []

    def value(self) -> Any:
        chosen = [v for v, b in self.buttons if b.isChecked()]
        return chosen or None


class SingleChoiceField(QuestionField):
    def _build_editor(self) -> QWidget:
        combo = QComboBox()
        combo.setObjectName(f"edit_{self.question.id}")
        combo.addItem("Not answered", None)
        cl = self.questionnaire.choice_list(self.question.choices or "")
        for c in cl.choices if cl else []:
            combo.addItem(c.label, c.value)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        # As wide as the longest choice when there is room, but free to give way on a narrow
        # window (125-150 % scaling): an explicit minimum replaces the contents' width as the
        # least a layout may give. The list still opens as wide as its longest choice.
        fm = combo.fontMetrics()
        combo.setMinimumWidth(fm.averageCharWidth() * 18 + fm.height() * 2)
        combo.view().setMinimumWidth(max((fm.horizontalAdvance(combo.itemText(i)) for i in range(combo.count())),
                                         default=0) + fm.averageCharWidth() * 4)
        combo.currentIndexChanged.connect(lambda _i: self._clicked())
        return combo

    def _show(self, value: Any) -> None:
        combo: QComboBox = self.editor  # type: ignore[assignment]  # the QComboBox built above
        combo.setCurrentIndex(max(0, combo.findData(value)) if value is not None else 0)

    def value(self) -> Any:
        return self.editor.currentData()  # type: ignore[attr-defined]  # the QComboBox built above


FIELD_TYPES: dict[QuestionType, type[QuestionField]] = {
    QuestionType.TEXT: TextField,
    QuestionType.LONG_TEXT: LongTextField,
    QuestionType.INTEGER: NumberField,
    QuestionType.DECIMAL: NumberField,
    QuestionType.MONEY: NumberField,
    QuestionType.DATE: DateField,
    QuestionType.YES_NO: YesNoField,
    QuestionType.SINGLE_CHOICE: SingleChoiceField,
    QuestionType.MULTI_CHOICE: MultiChoiceField,
    QuestionType.RATING: RatingField,
}


def make_field(question: Question, questionnaire: Questionnaire, parent: QWidget | None = None) -> QuestionField:
    return FIELD_TYPES[question.type](question, questionnaire, parent)
