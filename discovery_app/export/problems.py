"""How a refused file's problems are listed in its error message: one line each, the first 20."""

from __future__ import annotations

from collections.abc import Sequence

LIMIT = 20


def listed(problems: Sequence[str], bullet: str = "", limit: int = LIMIT) -> str:
    """``problems`` as indented lines (``bullet`` before each), with "... and N more" past ``limit``."""
    shown = "\n".join(f"  {bullet}{p}" for p in problems[:limit])
    more = len(problems) - limit
    return shown + (f"\n  ... and {more} more" if more > 0 else "")
