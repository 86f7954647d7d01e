"""Every icon and installer image the Briefcase configuration names exists, in the form each
platform's installer wants."""

import tomllib
from pathlib import Path

from app_process import skip_without_repository
from PIL import Image

skip_without_repository("pyproject.toml's Briefcase images")

ROOT = Path(__file__).parents[1]
APP = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["briefcase"]["app"]["discovery_app"]


def test_windows_icon_holds_every_size_from_16_to_256():
    ico = Image.open(ROOT / f"{APP['icon']}.ico")
    assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])


def test_linux_icons_in_every_size_briefcase_asks_for():
    for size in (16, 32, 64, 128, 256, 512):
        png = Image.open(ROOT / f"{APP['icon']}-{size}.png")
        assert png.size == (size, size)


def test_macos_icon_and_dmg_background():
    mac = APP["macOS"]
    assert (ROOT / f"{mac['installer_icon']}.icns").read_bytes().startswith(b"icns")
    assert Image.open(ROOT / f"{mac['installer_background']}.png").format == "PNG"


def test_msi_dialog_images_are_bitmaps_of_the_sizes_wix_uses():
    win = APP["windows"]
    background = Image.open(ROOT / f"{win['installer_background']}.bmp")
    banner = Image.open(ROOT / f"{win['installer_banner']}.bmp")
    assert (background.format, background.size) == ("BMP", (493, 312))
    assert (banner.format, banner.size) == ("BMP", (493, 58))
