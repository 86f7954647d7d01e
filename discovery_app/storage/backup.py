"""Copies of the database made with SQLite's online backup API (consistent while in use)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import Engine


def copy_database(engine: Engine, target: Path) -> Path:
    """Write a consistent copy of the live database to ``target`` (via a temporary file)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        dest = sqlite3.connect(tmp)
        try:
            source.backup(dest)
        finally:
            dest.close()
        os.replace(tmp, target)
    finally:
        raw.close()
        if tmp.exists():
            tmp.unlink()
    return target
