"""Readable colours: WCAG 2 contrast ratios, and a palette whose muted text and selection reach 4.5:1.

The app keeps the platform's palette (light or dark) and only moves the few roles the platform
draws too faint for body-size text: placeholder text (our muted help text uses it) and the
selection colours. Each is pushed toward the text colour until it reads at 4.5:1 or better
against every background it is drawn on.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

#: WCAG 2.x AA for normal-size text.
MINIMUM = 4.5

Role = QPalette.ColorRole
Group = QPalette.ColorGroup

#: (foreground, background) role pairs the app draws text with: every one must read at 4.5:1.
TEXT_PAIRS: tuple[tuple[QPalette.ColorRole, QPalette.ColorRole], ...] = (
    (Role.WindowText, Role.Window),
    (Role.Text, Role.Base),
    (Role.Text, Role.AlternateBase),
    (Role.ButtonText, Role.Button),
    (Role.PlaceholderText, Role.Base),
    (Role.PlaceholderText, Role.Window),
    (Role.PlaceholderText, Role.AlternateBase),
    (Role.HighlightedText, Role.Highlight),
    (Role.ToolTipText, Role.ToolTipBase),
)
GROUPS = (Group.Active, Group.Inactive)


def _channel(c: float) -> float:
    c /= 255.0
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: QColor) -> float:
    """WCAG relative luminance of an opaque colour."""
    return 0.2126 * _channel(colour.red()) + 0.7152 * _channel(colour.green()) + 0.0722 * _channel(colour.blue())


def ratio(a: QColor, b: QColor) -> float:
    """The WCAG contrast ratio of two colours, 1 to 21."""
    la, lb = luminance(a), luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def _blend(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` moved ``t`` (0..1) of the way to ``b``."""
    return QColor(round(a.red() + (b.red() - a.red()) * t), round(a.green() + (b.green() - a.green()) * t),
                  round(a.blue() + (b.blue() - a.blue()) * t))


def readable(fg: QColor, backgrounds: list[QColor], toward: QColor) -> QColor:
    """``fg``, moved toward ``toward`` (the full-strength text colour) just far enough to read at
    :data:`MINIMUM` on every background; the hue is kept as far as it can be."""
    fg = QColor(fg.red(), fg.green(), fg.blue())  # placeholder colours carry alpha; draw opaque
    for step in range(0, 101, 2):
        c = _blend(fg, toward, step / 100)
        if all(ratio(c, bg) >= MINIMUM + 0.05 for bg in backgrounds):
            return c
    return QColor(toward)


def worst(palette: QPalette) -> tuple[float, str]:
    """The lowest ratio over :data:`TEXT_PAIRS` in the active and inactive groups, and where."""
    low, where = 21.0, ""
    for group in GROUPS:
        for fg, bg in TEXT_PAIRS:
            r = ratio(palette.color(group, fg), palette.color(group, bg))
            if r < low:
                low, where = r, f"{group.name} {fg.name} on {bg.name}"
    return low, where


def accessible(palette: QPalette) -> QPalette:
    """A copy of ``palette`` whose muted text and selection read at 4.5:1 or better."""
    pal = QPalette(palette)
    for group in GROUPS:
        text = pal.color(group, Role.Text)
        window_text = pal.color(group, Role.WindowText)
        backgrounds = [pal.color(group, r) for r in (Role.Base, Role.Window, Role.AlternateBase)]
        pal.setColor(group, Role.PlaceholderText, readable(pal.color(group, Role.PlaceholderText), backgrounds, text))
        for fg, bg in TEXT_PAIRS:
            if fg in (Role.PlaceholderText, Role.HighlightedText):
                continue
            colour = pal.color(group, fg)
            if ratio(colour, pal.color(group, bg)) < MINIMUM:
                pal.setColor(group, fg, readable(colour, [pal.color(group, bg)], window_text))
        # The selection: darken (light palette) or deepen the highlight until its text reads on it.
        highlighted = pal.color(group, Role.HighlightedText)
        highlight = pal.color(group, Role.Highlight)
        if ratio(highlighted, highlight) < MINIMUM:
            away = QColor("black") if luminance(highlighted) > 0.5 else QColor("white")
            pal.setColor(group, Role.Highlight, readable(highlight, [highlighted], away))
    return pal
