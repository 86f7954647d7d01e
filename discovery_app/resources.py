"""One way to find what the app reads at run time: forms, fonts, icons, images.

In a source checkout, ``briefcase dev`` and an installed Briefcase bundle alike, ``forms/`` and
``resources/`` sit beside the ``discovery_app`` package (Briefcase copies each of its
``sources`` into the bundle's ``app/`` folder). ``DISCOVERY_RESOURCES`` may name another root.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path


class ResourceMissing(FileNotFoundError):
    pass


@cache
def root() -> Path:
    override = os.environ.get("DISCOVERY_RESOURCES")
    candidates = [Path(override)] if override else []
    candidates.append(Path(__file__).resolve().parent.parent)
    for c in candidates:
        if (c / "forms").is_dir() and (c / "resources").is_dir():
            return c
    raise ResourceMissing(
        "Cannot find the forms/ and resources/ folders beside the discovery_app package "
        f"(looked in {', '.join(str(c) for c in candidates)})."
    )


def forms_dir() -> Path:
    return root() / "forms"


def resource(*parts: str) -> Path:
    path = root().joinpath("resources", *parts)
    if not path.exists():
        raise ResourceMissing(f"Missing resource {'/'.join(parts)} (looked at {path}).")
    return path
