"""The 5x5 risk heat map: likelihood up, impact across, the number of risks in each cell.

Cells take their band's colour from a green -> amber -> red ramp whose lightness also falls
step by step, so the bands stay apart for colour-blind readers and in greyscale print; the band
is also named in each cell's tooltip and in the legend, never carried by colour alone.
Clicking a cell (or Space/Enter on the focused cell) selects it; selecting it again clears it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from ....domain import risks as rk
from ....domain.risks import Band

BAND_COLOURS = {
    Band.LOW: QColor("#a6d96a"),
    Band.MEDIUM: QColor("#fee08b"),
    Band.HIGH: QColor("#f46d43"),
    Band.CRITICAL: QColor("#a50026"),
}
BAND_TEXT = {Band.LOW: QColor("#1a1a1a"), Band.MEDIUM: QColor("#1a1a1a"), Band.HIGH: QColor("#1a1a1a"),
             Band.CRITICAL: QColor("#ffffff")}


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor(round(a.red() * (1 - t) + b.red() * t), round(a.green() * (1 - t) + b.green() * t),
                  round(a.blue() * (1 - t) + b.blue() * t))


class RiskHeatMap(QWidget):
    #: (likelihood, impact) of the selected cell, or None when the selection was cleared.
    cell_selected = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._map = rk.heat_map([])
        self._selected: tuple[int, int] | None = None
        self._focus: tuple[int, int] = (3, 3)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Risk heat map")
        self.setToolTip("")

    # ---- data ------------------------------------------------------------------------------

    def set_counts(self, heat: rk.HeatMap) -> None:
        self._map = heat
        self.update()

    def count(self, likelihood: int, impact: int) -> int:
        return self._map.count(likelihood, impact)

    @property
    def selected(self) -> tuple[int, int] | None:
        return self._selected

    def select(self, cell: tuple[int, int] | None) -> None:
        if cell == self._selected:
            return
        self._selected = cell
        if cell is not None:
            self._focus = cell
        self.update()
        self.cell_selected.emit(cell)

    def toggle(self, cell: tuple[int, int]) -> None:
        self.select(None if cell == self._selected else cell)

    # ---- geometry --------------------------------------------------------------------------

    def _label_font(self) -> QFont:
        f = QFont(self.font())
        if f.pointSizeF() > 0:
            f.setPointSizeF(f.pointSizeF() * 0.85)
        return f

    def _legend_items(self) -> list[tuple[Band, str]]:
        cuts = self._map.cuts  # the engagement form's cut-offs, as the register and proposal read them
        return [(b, f"{rk.BAND_LABELS[b]} {cuts.range_text(b)}") for b in Band]

    def _legend_rows(self) -> list[list[tuple[Band, str]]]:
        """The legend wrapped to the widget's width: as many entries on a line as fit whole."""
        fm = QFontMetrics(self._label_font())
        room = self.width() - 8
        rows: list[list[tuple[Band, str]]] = [[]]
        used = 0
        for band, label in self._legend_items():
            width = fm.height() + fm.horizontalAdvance(label) + 12
            if rows[-1] and used + width > room:
                rows.append([])
                used = 0
            rows[-1].append((band, label))
            used += width
        return rows

    def _layout(self) -> tuple[QRectF, bool]:
        """The grid's rectangle, and whether the impact words alternate over two lines."""
        fm = QFontMetrics(self._label_font())
        left = max(fm.horizontalAdvance(w) for w in rk.LIKELIHOOD_WORDS) + fm.height() + 14
        legend = (fm.height() + 4) * len(self._legend_rows()) + 8
        w = self.width() - left - 6
        widest = max(fm.horizontalAdvance(w) for w in rk.IMPACT_WORDS) + 6
        stagger = w / 5 < widest
        bottom = fm.height() * (3 if stagger else 2) + 12
        h = self.height() - bottom - legend - 6
        cell_w = max(8.0, w / 5)
        cell_h = max(8.0, min(h / 5, cell_w))
        return QRectF(left, 4, cell_w * 5, cell_h * 5), stagger

    def grid_rect(self) -> QRectF:
        return self._layout()[0]

    def cell_rect(self, likelihood: int, impact: int) -> QRectF:
        g = self.grid_rect()
        cw, ch = g.width() / 5, g.height() / 5
        return QRectF(g.left() + (impact - 1) * cw, g.top() + (5 - likelihood) * ch, cw, ch)

    def cell_at(self, pos: QPointF) -> tuple[int, int] | None:
        g = self.grid_rect()
        if not g.contains(pos):
            return None
        impact = int((pos.x() - g.left()) / (g.width() / 5)) + 1
        likelihood = 5 - int((pos.y() - g.top()) / (g.height() / 5))
        return (min(5, max(1, likelihood)), min(5, max(1, impact)))

    def sizeHint(self) -> QSize:
        return QSize(380, 300)

    def minimumSizeHint(self) -> QSize:
        # The cells shrink with the widget (see _layout); below this the words crowd them out.
        fm = QFontMetrics(self._label_font())
        left = max(fm.horizontalAdvance(w) for w in rk.LIKELIHOOD_WORDS) + fm.height() + 14
        # Height: five rows a line and a half each, the impact words on two staggered lines, the
        # axis title, and room for the vertical "Likelihood ↑" (at 12 lines it read "kelihood"
        # on a short window, and the numbers crowded the cells).
        return QSize(left + 5 * fm.height() * 2, 15 * fm.height())

    def event(self, event: QEvent) -> bool:
        # Escape clears a selected cell here rather than triggering a window shortcut (Back).
        if (event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
                and event.key() == Qt.Key.Key_Escape and self._selected is not None):
            event.accept()
            return True
        return super().event(event)

    # ---- painting --------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        base = pal.color(QPalette.ColorRole.Base)
        text = pal.color(QPalette.ColorRole.WindowText)
        small = self._label_font()
        bold = QFont(self.font())
        bold.setBold(True)
        fm = QFontMetrics(small)
        for lk in rk.LEVELS:
            for im in rk.LEVELS:
                r = self.cell_rect(lk, im).adjusted(1, 1, -1, -1)
                band = self._map.cuts.of(lk, im)
                n = self._map.count(lk, im)
                colour = BAND_COLOURS[band] if n else _mix(BAND_COLOURS[band], base, 0.6)
                p.fillRect(r, colour)
                if n:
                    p.setFont(bold)
                    p.setPen(BAND_TEXT[band])
                    p.drawText(r, Qt.AlignmentFlag.AlignCenter, str(n))
        if self._selected is not None:
            pen = QPen(pal.color(QPalette.ColorRole.Highlight), 3)
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(self.cell_rect(*self._selected).adjusted(1.5, 1.5, -1.5, -1.5))
        if self.hasFocus():
            p.setPen(QPen(text, 1, Qt.PenStyle.DashLine))
            p.drawRect(self.cell_rect(*self._focus).adjusted(4, 4, -4, -4))
        # Axis words: likelihood up the left, impact along the bottom.
        g, stagger = self._layout()
        p.setFont(small)
        p.setPen(text)
        for lk in rk.LEVELS:
            r = self.cell_rect(lk, 1)
            p.drawText(QRectF(fm.height() + 4, r.top(), g.left() - fm.height() - 10, r.height()),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, rk.likelihood_word(lk))
        for im in rk.LEVELS:
            r = self.cell_rect(1, im)
            y = g.bottom() + 3 + (fm.height() if stagger and im % 2 == 0 else 0)
            p.drawText(QRectF(r.center().x() - 60, y, 120, fm.height()),
                       Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, rk.impact_word(im))
        words_h = fm.height() * (2 if stagger else 1)
        axis = QFont(small)
        axis.setBold(True)
        p.setFont(axis)
        p.drawText(QRectF(g.left(), g.bottom() + words_h + 6, g.width(), fm.height()),
                   Qt.AlignmentFlag.AlignHCenter, "Impact →")
        p.save()
        p.translate(2, g.center().y())
        p.rotate(-90)
        p.drawText(QRectF(-g.height() / 2, 0, g.height(), fm.height()), Qt.AlignmentFlag.AlignHCenter, "Likelihood →")
        p.restore()
        # Legend: swatch and band name with its score range.
        p.setFont(small)
        y = g.bottom() + words_h + fm.height() + 14
        for row in self._legend_rows():
            x = 4.0
            for band, label in row:
                p.fillRect(QRectF(x, y + 2, fm.height() - 4, fm.height() - 4), BAND_COLOURS[band])
                p.setPen(text)
                x += fm.height()
                p.drawText(QPointF(x, y + fm.ascent()), label)
                x += fm.horizontalAdvance(label) + 12
            y += fm.height() + 4
        p.end()

    # ---- input -----------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        cell = self.cell_at(event.position())
        if cell is not None and event.button() == Qt.MouseButton.LeftButton:
            self._focus = cell
            self.toggle(cell)
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        cell = self.cell_at(event.position())
        if cell is None:
            QToolTip.hideText()
        else:
            QToolTip.showText(event.globalPosition().toPoint(), self.describe(cell), self)
        super().mouseMoveEvent(event)

    def describe(self, cell: tuple[int, int]) -> str:
        lk, im = cell
        n = self._map.count(lk, im)
        band = rk.BAND_LABELS[self._map.cuts.of(lk, im)]
        risks = "no risks" if n == 0 else "1 risk" if n == 1 else f"{n} risks"
        return (f"{rk.likelihood_word(lk)} × {rk.impact_word(im)}: score {lk * im}, {band}; {risks}. "
                "Click to show only these risks, click again to show all.")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        lk, im = self._focus
        key = event.key()
        moves: dict[int, tuple[int, int]] = {Qt.Key.Key_Up: (1, 0), Qt.Key.Key_Down: (-1, 0), Qt.Key.Key_Left: (0, -1), Qt.Key.Key_Right: (0, 1)}
        if key in moves:
            dl, di = moves[key]
            self._focus = (min(5, max(1, lk + dl)), min(5, max(1, im + di)))
            self.setAccessibleDescription(self.describe(self._focus))
            self.update()
            return
        if key in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.toggle(self._focus)
            return
        if key == Qt.Key.Key_Escape and self._selected is not None:
            self.select(None)
            return
        super().keyPressEvent(event)
