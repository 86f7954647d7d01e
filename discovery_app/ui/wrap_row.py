"""A row of buttons and fields that wraps onto a second line when the window is too narrow.

Laid out as a QHBoxLayout would while everything fits at its preferred width (the items with a
stretch share the room left on their line); below that, the items flow onto further lines in the
same order, so a page's minimum width is its widest single item, not the whole row. At 150 % on a
1280x800 screen a toolbar beside a filter field made whole table pages scroll sideways.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import (
    QLayout,
    QLayoutItem,
    QSizePolicy,
    QSpacerItem,
    QStyle,
    QWidget,
    QWidgetItem,
)


class WrapRow(QLayout):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._stretch: list[int] = []
        self._fixed_gap: list[bool] = []  # a spacing (addSpacing): dropped at the start of a line

    # ---- building, as on a QHBoxLayout ----------------------------------------------------------

    def addWidget(self, widget: QWidget, stretch: int = 0) -> None:
        self.addChildWidget(widget)
        self._add(QWidgetItem(widget), stretch, False)

    def addSpacing(self, size: int) -> None:
        self._add(QSpacerItem(size, 0, QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Minimum), 0, True)

    def addStretch(self, stretch: int = 1) -> None:
        self._add(QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum), stretch, True)

    def _add(self, item: QLayoutItem, stretch: int, gap: bool) -> None:
        self._items.append(item)
        self._stretch.append(stretch)
        self._fixed_gap.append(gap)
        self.invalidate()

    # ---- the QLayout contract -------------------------------------------------------------------

    def addItem(self, item: QLayoutItem) -> None:
        self._add(item, 0, False)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        if not 0 <= index < len(self._items):
            return None
        del self._stretch[index], self._fixed_gap[index]
        return self._items.pop(index)

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation.Horizontal

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def sizeHint(self) -> QSize:
        """Everything on one line, as a QHBoxLayout would ask."""
        shown = self._shown()
        w = sum(self._items[i].sizeHint().width() + self._before(shown[:k], i) for k, i in enumerate(shown))
        h = max((self._items[i].sizeHint().height() for i in shown), default=0)
        m = self.contentsMargins()
        return QSize(w + m.left() + m.right(), h + m.top() + m.bottom())

    def minimumSize(self) -> QSize:
        """The widest single item: narrower than that, the row would have to scroll."""
        size = QSize()
        for i in self._shown():
            size = size.expandedTo(self._items[i].minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    # ---- the arrangement ------------------------------------------------------------------------

    def _shown(self) -> list[int]:
        return [i for i, item in enumerate(self._items) if not item.isEmpty() or self._fixed_gap[i]]

    def _gap(self, orientation: Qt.Orientation) -> int:
        if self.spacing() >= 0:
            return self.spacing()
        parent = self.parent()
        if isinstance(parent, QLayout):
            return max(0, parent.spacing())
        if isinstance(parent, QWidget):
            metric = QStyle.PixelMetric.PM_LayoutHorizontalSpacing if orientation == Qt.Orientation.Horizontal \
                else QStyle.PixelMetric.PM_LayoutVerticalSpacing
            return max(0, parent.style().pixelMetric(metric, None, parent))
        return 6

    def _lines(self, width: int) -> list[list[int]]:
        """Items per line. As in a QBoxLayout, the spacing goes between two widgets only: a spacer
        (addSpacing, addStretch) between them adds its own width and no spacing of its own."""
        lines: list[list[int]] = [[]]
        used = 0
        for i in self._shown():
            w = self._items[i].sizeHint().width()
            line = lines[-1]
            if line and used + self._before(line, i) + w > width:
                lines.append([])
                line, used = lines[-1], 0
            if not line and self._fixed_gap[i]:
                continue  # no spacing at the start of a line
            used += self._before(line, i) + w
            line.append(i)
        return [line for line in lines if line]

    def _before(self, line: list[int], i: int) -> int:
        """The spacing before item ``i`` on a line holding ``line``."""
        if self._fixed_gap[i] or not any(not self._fixed_gap[k] for k in line):
            return 0
        return self._gap(Qt.Orientation.Horizontal)

    def _arrange(self, rect: QRect, apply: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        vgap = self._gap(Qt.Orientation.Vertical)
        y = area.y()
        for n, line in enumerate(self._lines(area.width())):
            while line and self._fixed_gap[line[-1]] and not self._stretch[line[-1]]:
                line = line[:-1]  # no spacing at the end of a line either
            widths = [max(self._items[i].sizeHint().width(), self._items[i].minimumSize().width()) for i in line]
            gaps = [self._before(line[:k], i) for k, i in enumerate(line)]
            height = max(self._items[i].sizeHint().height() for i in line) if line else 0
            spare = area.width() - sum(widths) - sum(gaps)
            stretches = [self._stretch[i] for i in line]
            total = sum(stretches)
            if spare > 0 and total:
                for k, s in enumerate(stretches):
                    if s:
                        most = self._items[line[k]].maximumSize().width()
                        widths[k] = min(widths[k] + spare * s // total, max(widths[k], most))
            elif spare < 0:  # a single item wider than the room: it gets the room, down to its minimum
                for k in range(len(line)):
                    widths[k] = max(self._items[line[k]].minimumSize().width(), widths[k] + spare)
            if n:
                y += vgap
            if apply:
                x = area.x()
                for k, i in enumerate(line):
                    item = self._items[i]
                    x += gaps[k]
                    h = min(height, max(item.sizeHint().height(), item.minimumSize().height()))
                    item.setGeometry(QRect(x, y + (height - h) // 2, widths[k], h))
                    x += widths[k]
            y += height
        return y - area.y() + m.top() + m.bottom()
