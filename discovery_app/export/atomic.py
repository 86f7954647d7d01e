"""Write a file completely or not at all: a temporary file beside the target, then a rename."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


class ExportError(Exception):
    """The file could not be written; any earlier file at the target is unchanged."""


def write_atomic(target: Path, write: Callable[[BinaryIO], object], *, retries: int = 5) -> Path:
    target = Path(target)
    folder = target.parent
    if not folder.is_dir():
        raise ExportError(f"Cannot save {target.name}: the folder {folder} does not exist.")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise ExportError(f"Cannot save {target}: {_why(exc)}") from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        for attempt in range(retries):
            try:
                os.replace(tmp, target)
                break
            except PermissionError as exc:
                # Windows: the target is open in another program (Excel, a PDF viewer).
                if attempt == retries - 1:
                    raise ExportError(
                        f"Cannot replace {target}: it is open in another program or read-only. "
                        "Close it or save under another name."
                    ) from exc
                time.sleep(0.2 * (attempt + 1))
    except OSError as exc:
        raise ExportError(f"Cannot save {target}: {_why(exc)}") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return target


def _why(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full. Free some space or save elsewhere; nothing was changed."
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "the folder is read-only or you lack permission. Save elsewhere; nothing was changed."
    return f"{exc.strerror or exc}. Nothing was changed."
