"""Draw Discovery's app icon in every size the installers need.

    .venv/bin/python resources/make_icons.py

Writes resources/icons/discovery-{16..1024}.png (Linux, Briefcase's naming), discovery.ico
(Windows, 16-256 px) and discovery.icns (macOS) when Qt's image plugins can write them. The icon
is drawn, not hand-painted: a teal tile with a checklist under a magnifying glass, for an
assessment that looks closely and writes things down.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QGuiApplication,
    QImage,
    QImageWriter,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
)

OUT = Path(__file__).with_name("icons")
INSTALLER = Path(__file__).with_name("installer")
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
TEAL_TOP = QColor("#127C8A")
TEAL_BOTTOM = QColor("#0B5561")
PAPER = QColor("#FFFFFF")
INK = QColor("#0B5561")
AMBER = QColor("#F2A93B")


def draw(size: int) -> QImage:
    img = QImage(size, size, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(size / 256, size / 256)

    # Tile
    grad = QLinearGradient(0, 0, 0, 256)
    grad.setColorAt(0, TEAL_TOP)
    grad.setColorAt(1, TEAL_BOTTOM)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(grad))
    p.drawRoundedRect(QRectF(8, 8, 240, 240), 52, 52)

    # Sheet with three checklist rows
    p.setBrush(PAPER)
    p.drawRoundedRect(QRectF(52, 40, 120, 156), 14, 14)
    small = size < 48
    for i in range(3):
        y = 76 + i * 38
        p.setPen(QPen(INK, 10 if small else 8, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
        if not small:
            tick = QPainterPath(QPointF(68, y))
            tick.lineTo(76, y + 8)
            tick.lineTo(90, y - 8)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPath(tick)
        p.drawLine(QPointF(102 if not small else 70, y), QPointF(152, y))

    # Magnifying glass
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(QPen(AMBER, 20, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    p.drawLine(QPointF(196, 196), QPointF(222, 222))
    p.setPen(QPen(AMBER, 14))
    p.setBrush(QColor(255, 255, 255, 90))
    p.drawEllipse(QPointF(166, 166), 38, 38)
    p.end()
    return img


def draw_installer(width: int, height: int, *, banner: bool = False) -> QImage:
    """Installer artwork: the teal of the icon on the left, white for the installer's text."""
    img = QImage(width, height, QImage.Format.Format_RGB32)
    img.fill(QColor("#FFFFFF"))
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    if banner:
        # WiX draws its title text on the left of the banner: keep the art to the right.
        icon = draw(height - 12)
        p.drawImage(width - height + 2, 6, icon)
        p.setPen(QPen(TEAL_TOP, 2))
        p.drawLine(0, height - 1, width, height - 1)
    else:
        strip = min(164, width // 3)
        grad = QLinearGradient(0, 0, 0, height)
        grad.setColorAt(0, TEAL_TOP)
        grad.setColorAt(1, TEAL_BOTTOM)
        p.fillRect(0, 0, strip, height, QBrush(grad))
        icon = draw(min(strip - 40, 128))
        p.drawImage((strip - icon.width()) // 2, 40, icon)
    p.end()
    return img


def main() -> int:
    QGuiApplication.instance() or QGuiApplication(sys.argv)
    OUT.mkdir(exist_ok=True)
    for size in PNG_SIZES:
        draw(size).save(str(OUT / f"discovery-{size}.png"))
    formats = {bytes(f).decode() for f in QImageWriter.supportedImageFormats()}
    for ext in ("icns",):
        if ext not in formats:
            print(f"Qt cannot write .{ext} here; skipped")
            continue
        writer = QImageWriter(str(OUT / f"discovery.{ext}"), ext.encode())
        if not writer.write(draw(1024)):
            print(f"writing .{ext} failed: {writer.errorString()}")
    # A Windows .ico holds every size from 16 to 256 px; Qt writes only one, Pillow (which
    # reportlab already brings) writes them all.
    from PIL import Image

    Image.open(OUT / "discovery-256.png").save(OUT / "discovery.ico", sizes=[(s, s) for s in ICO_SIZES])
    # Briefcase's installer images: the DMG window background (PNG) and the MSI dialog
    # background (493x312) and banner (493x58), which WiX wants as BMP.
    INSTALLER.mkdir(exist_ok=True)
    draw_installer(640, 400).save(str(INSTALLER / "dmg-background.png"))
    draw_installer(493, 312).save(str(INSTALLER / "msi-background.bmp"))
    draw_installer(493, 58, banner=True).save(str(INSTALLER / "msi-banner.bmp"))
    print(f"icons written to {OUT}, installer images to {INSTALLER}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
