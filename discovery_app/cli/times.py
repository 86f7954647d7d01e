"""Times on the command line: stored in UTC, printed in the computer's local time with its zone.

The window shows the same local time (``engagement_table``, the restore dialog), so a time read
in a terminal matches the one on screen, and the zone printed beside it says which clock it is.
"""

from __future__ import annotations

from datetime import UTC, datetime


def local_time(when: datetime, seconds: bool = False) -> str:
    """``2026-12-04 09:30 NZDT``: ``when`` (aware; naive counts as UTC) on the local clock."""
    aware = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    local = aware.astimezone()
    zone = local.strftime("%Z") or local.strftime("UTC%z")
    return f"{local:%Y-%m-%d %H:%M{':%S' if seconds else ''}} {zone}"
