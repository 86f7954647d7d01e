"""Form packages to publish into the practice library in tests: copies of the mini fixture
package with a version (and title) of their own."""

from __future__ import annotations

import shutil
from pathlib import Path

FIXTURE_FORMS = Path(__file__).parent / "fixtures" / "forms"
MINI = FIXTURE_FORMS / "mini"


def package(tmp_path: Path, name: str, version: int = 1, title: str | None = None) -> Path:
    """A copy of the mini package in ``tmp_path/name`` with its own version (and title)."""
    folder = tmp_path / name
    shutil.copytree(MINI, folder)
    text = (folder / "package.yaml").read_text(encoding="utf-8").replace("version: 1", f"version: {version}")
    if title:
        text = text.replace("title: Mini discovery", f"title: {title}")
    (folder / "package.yaml").write_text(text, encoding="utf-8")
    return folder
