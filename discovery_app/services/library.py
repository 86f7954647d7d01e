"""The practice library: form packages (with their rates, risk texts, task templates and terms)
published into the store, so every consultant of the practice starts from the same ones, and a
laptop keeps a copy (a checkout caches the library there).

A package is published whole, as the text of its part files, after the same checks
``forms check`` makes; each version is kept and never changed (a new version is published
instead), and withdrawing one only marks it. :class:`~discovery_app.services.base.Forms` offers the
published packages beside the installed ones; engagements keep the exact copy they were run with.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from .. import formsio
from ..domain.checkout import moment
from ..storage import library as rows
from ..storage.db import Store, StoreError, open_store
from .base import Feature, ServiceError

log = logging.getLogger("discovery_app.services")

Entry = rows.Entry

#: The largest part file a package may have, and the largest package (a form is text: the
#: installed one is about 150 kB in all).
MAX_FILE_BYTES = 1_000_000
MAX_PACKAGE_BYTES = 5_000_000

PUBLISHED, WITHDRAWN = "published", "withdrawn"


class PublishRefused(ServiceError):
    """A package with problems was not published; ``problems`` are ``forms check``'s lines."""

    def __init__(self, message: str, problems: list[str]):
        super().__init__(message)
        self.problems = problems


@dataclass(frozen=True)
class PullDone:
    source: str
    added: tuple[str, ...]
    withdrawn: tuple[str, ...]
    differing: tuple[str, ...]  # both stores hold these with different content: left as they are
    unreadable: tuple[str, ...]  # entries of the other store that do not load: not copied


def status(entry: Entry) -> str:
    return WITHDRAWN if entry.withdrawn else PUBLISHED


def _size_problems(folder: Path) -> list[formsio.FormError]:
    """Refuse huge part files before reading them."""
    problems: list[formsio.FormError] = []
    total = 0
    for name in formsio.PARTS:
        path = folder / name
        try:
            if not path.exists():
                continue  # reading the package says whether it may be missing
            if not path.is_file():  # a folder, a device, a pipe: never read
                problems.append(formsio.FormError(name, None, "", "not a regular file"))
                continue
            size = path.stat().st_size
        except OSError:
            continue  # reading it says what is wrong
        total += size
        if size > MAX_FILE_BYTES:
            problems.append(formsio.FormError(name, None, "", f"the file is {size:,} bytes; a part of a form package "
                                              f"may hold at most {MAX_FILE_BYTES:,} bytes"))
    if not problems and total > MAX_PACKAGE_BYTES:
        problems.append(formsio.FormError("package.yaml", None, "", f"the package is {total:,} bytes; a form "
                                          f"package may hold at most {MAX_PACKAGE_BYTES:,} bytes"))
    return problems


class Library(Feature):
    """Publish, list, withdraw, export and pull the practice library's form packages."""

    def entries(self) -> list[Entry]:
        """Every entry, published and withdrawn, by package id, newest version first."""
        return rows.entries(self.store)

    def find(self, key: str) -> Entry:
        """The entry ``key`` names: "id@version", or a bare id for its newest version that is not
        withdrawn; refused in words naming what is there."""
        key = (key or "").strip()
        found = self.entries()
        pid, _, version = key.partition("@")
        for e in found:
            if e.package_id == pid and (str(e.version) == version if version else not e.withdrawn):
                return e
        there = "; ".join(f"{e.key}{', withdrawn' if e.withdrawn else ''}" for e in found)
        raise ServiceError(f"There is no form {key!r} in the practice library; "
                           + (f"available: {there}." if there else "the library is empty (publish one with "
                              "'discovery-app library publish FOLDER')."))

    def publish(self, folder: Path) -> Entry:
        """Check the package folder exactly as ``forms check`` does and publish it. Refused (nothing
        stored) for a package with problems, listing each with file, line and field; for the same
        id and version already published with different content; and for a withdrawn version."""
        folder = Path(folder).expanduser()
        if not folder.is_dir():
            raise ServiceError(f"{folder} is not a folder; give the form package's folder (the one holding "
                               "package.yaml).")
        problems = _size_problems(folder)
        texts: dict[str, str] = {}
        if not problems:
            texts, problems = formsio.read_files(folder)
        result = None
        if not problems:
            result = formsio.load_texts(texts, folder)
            problems = result.errors
        if problems or result is None or result.package is None:
            lines = [formsio.problem_line(folder, e) for e in problems]
            raise PublishRefused(f"{folder} was not published: {len(lines)} problem"
                                 f"{'' if len(lines) == 1 else 's'}:\n" + "\n".join(f"  {line}" for line in lines),
                                 lines)
        pkg = result.package
        if pkg.approvers:
            raise ServiceError(f"{folder / 'approvers.yaml'} lists discount approvers; the practice library does not carry "
                               "them: a package anyone may publish must not decide who may approve. Remove "
                               "approvers.yaml from the package (list approvers in Settings › Approvers, signed) and "
                               "publish again. Nothing was changed.")
        now = datetime.now(UTC)
        entry = Entry(pkg.id, pkg.version, pkg.title[:300], texts, rows.content_hash(texts),
                      self.store.revisions.who, now)
        have = rows.get(self.store, pkg.id, pkg.version)
        if have is None:
            try:
                rows.insert(self.store, entry)
            except sa.exc.IntegrityError:  # published by someone else a moment ago
                have = rows.get(self.store, pkg.id, pkg.version)
                if have is None:
                    raise
            else:
                log.info("library: %s published", entry.key)
                self.core.forms.forget_library()
                return entry
        if have.content_hash != entry.content_hash:
            raise ServiceError(f"{have.key} is already in the practice library with different content (published by "
                               f"{have.published_by} at {moment(have.published_at)}); a published version never "
                               "changes: raise the version in package.yaml and publish that. Nothing was changed.")
        if have.withdrawn:
            raise ServiceError(f"{have.key} was withdrawn from the practice library by {have.withdrawn_by}; raise the "
                               "version in package.yaml to publish it again. Nothing was changed.")
        return have  # the same package, already published

    def withdraw(self, key: str) -> Entry:
        """Withdraw one version: no new engagement starts from it; engagements run with it keep
        their copy. The entry stays (a withdrawal is never undone; publish a new version)."""
        entry = self.find(key)
        if entry.withdrawn:
            raise ServiceError(f"{entry.key} was already withdrawn by {entry.withdrawn_by}.")
        rows.withdraw(self.store, entry.package_id, entry.version, self.store.revisions.who)
        self.core.forms.forget_library()
        log.info("library: %s withdrawn", entry.key)
        return rows.get(self.store, entry.package_id, entry.version) or entry

    def export(self, key: str, folder: Path) -> Path:
        """Write the package's files back into ``folder`` (created if missing; refused when it
        holds anything). A failed write leaves no file behind."""
        entry = self.find(key)
        folder = Path(folder).expanduser()
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            raise ServiceError(f"{folder} is not an empty folder; export into a new or empty folder. "
                               "Nothing was written.")
        files = {n: t for n, t in entry.files.items() if n in formsio.PARTS}  # never a path of its own
        if not files:
            raise ServiceError(f"The library's copy of {entry.key} holds no readable files. Nothing was written.")
        written: list[Path] = []
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for name, text in sorted(files.items()):
                tmp = folder / f".{name}.part"
                written.append(tmp)
                tmp.write_text(text, encoding="utf-8", newline="")
                written.append(folder / name)
                os.replace(tmp, folder / name)
        except OSError as exc:
            for path in written:
                path.unlink(missing_ok=True)
            raise ServiceError(f"Cannot write {folder}: {exc.strerror}. Nothing was left there.") from exc
        return folder

    def pull(self, from_store: str | Path) -> PullDone:
        """Copy the entries another store (a file, or a server URL) has that this one lacks, and
        its withdrawals; never deletes. The other store is only read."""
        text = str(from_store)
        if "://" not in text:
            path = Path(text).expanduser()
            if not path.is_file():
                raise ServiceError(f"There is no store at {path}.")
            if self.store.path is not None and path.absolute() == self.store.path.absolute():
                raise ServiceError("That is this store; pull from another one.")
            target: str | Path = path
        else:
            target = text
        try:
            other = open_store(target, empty_is_new=False, read_only=True)
        except StoreError as exc:
            raise ServiceError(f"Cannot read the other store: {exc}") from exc
        try:
            found = self._readable(other)
        finally:
            other.dispose()
        good, bad = found
        copied = rows.copy_entries(good, self.store)
        self.core.forms.forget_library()
        log.info("library: pulled %d entries", len(copied.added))
        return PullDone(other.location, copied.added, copied.withdrawn, copied.differing, bad)

    @staticmethod
    def _readable(other: Store) -> tuple[list[Entry], tuple[str, ...]]:
        try:
            found = rows.entries(other)
        except sa.exc.SQLAlchemyError as exc:
            raise ServiceError("The other store has no practice library (it was written by an older version "
                               "of Discovery; open it with this version once).") from exc
        good, bad = [], []
        for e in found:
            sizes = [len(text.encode("utf-8")) for text in e.files.values()]
            if any(n > MAX_FILE_BYTES for n in sizes) or sum(sizes) > MAX_PACKAGE_BYTES:
                bad.append(e.key)  # larger than any package publish takes
            elif formsio.from_library(e.files, e.key).ok:
                good.append(e)
            else:
                bad.append(e.key)
        return good, tuple(bad)

    def cache_on(self, laptop: Store) -> rows.Copied:
        """Copy this store's library into a laptop's store (a checkout does)."""
        return rows.copy_entries(self.entries(), laptop)
