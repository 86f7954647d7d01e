"""Find text the consultant cannot read in full: a measure a test (or the screenshot tour) can take.

For every widget shown under ``root``: a one-line label, a button, a check box or radio button, a
line edit's placeholder, a combo box's choice, a tab, or a table's header section whose text is
wider than the room it has; a combo box squeezed below its height; a word-wrapped label taller than its height; and a page (a QScrollArea) that scrolls sideways.
Text deliberately elided (the full text in a tooltip and a detail pane) is marked with the dynamic
property ``elideOk`` and left out.
"""

from __future__ import annotations

from PySide6.QtGui import QFontMetrics, QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QRadioButton,
    QScrollArea,
    QStyle,
    QStyleOptionComboBox,
    QTabBar,
    QToolButton,
    QWidget,
)

SLACK = 1  # pixels of rounding


def _shown(w: QWidget) -> bool:
    if not w.isVisible() or w.width() <= 0 or w.height() <= 0 or w.property("elideOk"):
        return False
    return not w.visibleRegion().isEmpty()


def _plain(text: str) -> str:
    if "<" in text and ">" in text:
        doc = QTextDocument()
        doc.setHtml(text)
        return doc.toPlainText()
    return text


def _label(label: QLabel) -> str | None:
    text = label.text()
    if not text or label.pixmap() is not None and not label.pixmap().isNull():
        return None
    room = label.contentsRect().width() - 2 * label.margin() - 2 * label.indent() if label.indent() > 0 \
        else label.contentsRect().width() - 2 * label.margin()
    if label.wordWrap():
        needed = label.heightForWidth(label.width())
        if needed > label.height() + SLACK and needed > label.sizeHint().height():
            return f"label “{_plain(text)[:40]}” needs {needed}px of height, has {label.height()}"
        return None
    fm = QFontMetrics(label.font())
    widest = max(fm.horizontalAdvance(line) for line in _plain(text).splitlines() or [""])
    if widest > room + SLACK:
        return f"label “{_plain(text)[:40]}” needs {widest}px, has {room}"
    return None


def _button(b: QAbstractButton) -> str | None:
    if not b.text() or isinstance(b, QToolButton) and b.toolButtonStyle().name == "ToolButtonIconOnly":
        return None
    need = b.minimumSizeHint().width() if isinstance(b, (QCheckBox, QRadioButton)) else b.sizeHint().width()
    if isinstance(b, (QCheckBox, QRadioButton)):
        need = b.sizeHint().width()
    if need > b.width() + SLACK:
        return f"button “{b.text().replace('&', '')[:40]}” needs {need}px, has {b.width()}"
    return None


def _placeholder(e: QLineEdit) -> str | None:
    text = e.placeholderText()
    if not text or e.text():
        return None
    fm = QFontMetrics(e.font())
    room = e.width() - 2 * e.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth) - 8
    if e.isClearButtonEnabled():
        room -= 0  # the clear button shows only with text
    if fm.horizontalAdvance(text) > room + SLACK:
        return f"placeholder “{text[:40]}” needs {fm.horizontalAdvance(text)}px, has {room}"
    return None


def _header(h: QHeaderView) -> list[str]:
    model = h.model()
    if model is None or not _shown(h):
        return []
    view = h.parentWidget()
    if isinstance(view, QAbstractItemView) and not _shown(view):
        return []
    fm = QFontMetrics(h.font())
    margin = 2 * h.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, h) + 2
    out = []
    horizontal = h.orientation().name == "Horizontal"
    for section in range(h.count()):
        if h.isSectionHidden(section) or h.sectionSize(section) <= 0:
            continue
        text = model.headerData(section, h.orientation())
        if not isinstance(text, str) or not text:
            continue
        room = h.sectionSize(section) - margin
        if not horizontal:
            continue
        if h.sectionViewportPosition(section) >= h.viewport().width():
            continue  # scrolled out of sight, to the right: not cut, just further along
        if fm.horizontalAdvance(text) > room + SLACK:
            out.append(f"header “{text}” needs {fm.horizontalAdvance(text)}px, has {room}")
    return out


def _combo(c: QComboBox) -> str | None:
    """A combo squeezed below its height (its text cut top and bottom), or whose shown choice is
    wider than the room beside its arrow."""
    name = c.accessibleName() or c.objectName() or "combo"
    if c.height() + SLACK < c.minimumSizeHint().height():
        return f"combo “{name}” is squashed: {c.height()}px high, needs {c.minimumSizeHint().height()}"
    if c.isEditable() or not c.currentText():
        return None
    opt = QStyleOptionComboBox()
    c.initStyleOption(opt)
    room = c.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, opt, QStyle.SubControl.SC_ComboBoxEditField, c).width()
    need = QFontMetrics(c.font()).horizontalAdvance(c.currentText())
    if not c.itemIcon(c.currentIndex()).isNull():
        need += c.iconSize().width() + 4
    if need > room + SLACK + 2:
        return f"combo “{name}” shows “{c.currentText()[:40]}” in {room}px, needs {need}"
    return None


def _tabs(t: QTabBar) -> list[str]:
    out = []
    for i in range(t.count()):
        if t.elideMode().name != "ElideNone" and QFontMetrics(t.font()).horizontalAdvance(t.tabText(i).replace("&", "")) \
                > t.tabRect(i).width() - 12:
            out.append(f"tab “{t.tabText(i)}” is cut")
    return out


def elided_texts(root: QWidget) -> list[str]:
    """What is cut or scrolls sideways under ``root`` (as shown now), in words a failing test can print."""
    out: list[str] = []
    for w in root.findChildren(QWidget):
        if not _shown(w):
            continue
        if isinstance(w, QLabel):
            problem = _label(w)
        elif isinstance(w, QAbstractButton):
            problem = _button(w)
        elif isinstance(w, QLineEdit):
            problem = _placeholder(w)
        elif isinstance(w, QComboBox):
            problem = _combo(w)
        elif isinstance(w, QHeaderView):
            out.extend(_header(w))
            continue
        elif isinstance(w, QTabBar):
            out.extend(_tabs(w))
            continue
        elif isinstance(w, QScrollArea) and w.horizontalScrollBar().isVisible():
            problem = f"page area {w.objectName() or type(w.parentWidget()).__name__} scrolls sideways"
        else:
            continue
        if problem:
            out.append(problem)
    return out
