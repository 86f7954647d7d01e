"""Durability and handing work on: backups, restore, and the engagement archive.

The module-level functions work on :class:`~discovery_app.paths.AppPaths` without an open store,
because they are what a consultant needs exactly when the store will not open (a damaged file):
list the backups, find the newest good one, restore it. :class:`Backups` offers the same on an open
service, plus the timed backup the GUI asks for and the archive use cases.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..domain.engagement import Engagement, new_uid
from ..export.atomic import write_atomic
from ..paths import AppPaths
from ..storage import backup as backup_mod
from ..storage import repository as repo
from ..storage import restore as restore_mod
from ..storage.backup import BackupInfo
from ..storage.db import open_store
from ..storage.migrations.head import KNOWN_REVISIONS
from .base import Feature, ServiceError

if TYPE_CHECKING:
    from ..export import archive as archive_mod

# The archive and its encryption (cryptography) are imported inside the methods, so start-up
# never loads them.

log = logging.getLogger("discovery_app.services")

BACKUP_INTERVAL = timedelta(minutes=10)

__all__ = ["BackupInfo", "Archives", "Backups", "list_backups", "newest_good_backup", "restore_backup"]


# ---- without an open store ------------------------------------------------------------------


def backups_note(paths: AppPaths) -> str | None:
    """Why Discovery keeps no backups of the store at ``paths`` (a server store), or None."""
    from ..storage.db import StoreError, kind_for

    try:
        return kind_for(paths.store).backups_note
    except StoreError:
        return None


def list_backups(paths: AppPaths) -> list[BackupInfo]:
    """The backups of the database at ``paths``, newest first (each read read-only); none for a
    server store (:func:`backups_note` says why)."""
    if paths.server:
        return []
    return backup_mod.list_backups(paths.backups)


def newest_good_backup(paths: AppPaths) -> BackupInfo | None:
    """The newest backup that passes ``PRAGMA integrity_check`` and this version can open."""
    if paths.server:
        return None
    return backup_mod.newest_good_backup(paths.backups, KNOWN_REVISIONS)


def restore_backup(paths: AppPaths, backup_file: Path) -> Path | None:
    """Replace the database at ``paths`` with ``backup_file``; the store must not be open.

    Returns where the previous database was kept. Raises :class:`ServiceError` in words.
    """
    note = backups_note(paths)
    if note:
        raise ServiceError(f"{note} Nothing was changed.")
    try:
        return restore_mod.restore(Path(backup_file), paths.db, paths.backups, KNOWN_REVISIONS)
    except restore_mod.RestoreError as exc:
        raise ServiceError(str(exc)) from exc


class ArchiveRefused(ServiceError):
    """The archive was refused whole; nothing was written. ``problems`` lists why."""

    def __init__(self, message: str, problems: list[str] | None = None, *, needs_passphrase: bool = False,
                 wrong_passphrase: bool = False):
        super().__init__(message)
        self.problems = problems or []
        self.needs_passphrase = needs_passphrase
        self.wrong_passphrase = wrong_passphrase


class Backups(Feature):
    """Backups of the open store, and restoring one (a server store's backups are the server's
    business: :attr:`note` says so, and each method here either says it or does nothing)."""

    @property
    def note(self) -> str | None:
        """Why Discovery keeps no backups of this store, or None when it does."""
        return self.store.backups_note

    def _backup_dir(self) -> Path:
        if self.note:
            raise ServiceError(self.note)
        folder = self.store.backup_dir
        if folder is None:
            raise ServiceError("This database has no backup folder.")
        return folder

    def backup_now(self, kind: str = "auto") -> Path:
        try:
            return backup_mod.make_backup(self.store.engine, self._backup_dir(), kind)
        except backup_mod.BackupError as exc:
            raise ServiceError(str(exc)) from exc

    def backup_if_due(self, interval: timedelta = BACKUP_INTERVAL) -> Path | None:
        """Take a backup if the database changed since the newest automatic one and that one is
        at least ``interval`` old. The GUI calls this on a timer; cheap when nothing is due (and
        never due on a server store)."""
        if self.note or self.store.path is None:
            return None
        if not backup_mod.is_due(self.store.path, self._backup_dir(), interval):
            return None
        return self.backup_now("auto")

    def available(self) -> list[BackupInfo]:
        if self.note:
            return []
        return backup_mod.list_backups(self._backup_dir())

    def newest_good(self) -> BackupInfo | None:
        if self.note:
            return None
        return backup_mod.newest_good_backup(self._backup_dir(), KNOWN_REVISIONS)

    def restore(self, backup_file: Path) -> Path | None:
        """Replace the live database with ``backup_file`` (keeping the current one first), then
        reopen it. Returns where the previous database was kept."""
        folder = self._backup_dir()
        assert self.store.path is not None  # a store with a backup folder is a file
        problem = backup_mod.check_file(Path(backup_file), KNOWN_REVISIONS)
        if problem:
            raise ServiceError(f"That backup cannot be restored: {problem} Nothing was changed.")
        path = self.store.path
        self.store.dispose()
        try:
            kept = restore_mod.restore(Path(backup_file), path, folder, KNOWN_REVISIONS)
        except restore_mod.RestoreError as exc:
            raise ServiceError(str(exc)) from exc
        finally:
            # Reopen whatever is there now (the restored copy, or the untouched original).
            self.core.store = open_store(path, backup_dir=folder)
            self.core.forms.forget_copies()
        return kept


class Archives(Feature):
    """The engagement archive: one file with an engagement and its attachments, sealed or not."""

    def write(self, eid: int, target: Path, passphrase: str | None = None) -> Path:
        """Write engagement ``eid`` and its attachments to one archive file (sealed when a
        passphrase is given)."""
        from ..export import archive as archive_mod
        from ..export import sealed

        eng = self.core.get(eid)
        if passphrase is not None:
            try:
                sealed.check_passphrase(passphrase)
            except sealed.SealError as exc:
                raise ServiceError(str(exc)) from exc
        payload = archive_mod.build(
            eng, repo.form_snapshot(self.store, eng.form_hash), repo.attachment_data(self.store, eid),
            __version__, passphrase,
        )
        path = write_atomic(Path(target), lambda fh: fh.write(payload))
        log.info("engagement %s archived (%d bytes, %s)", eid, len(payload),
                 "encrypted" if passphrase else "not encrypted")
        return path

    def is_encrypted(self, source: Path) -> bool:
        from ..export import sealed

        try:
            with open(source, "rb") as fh:
                return sealed.is_sealed(fh.read(len(sealed.MAGIC)))
        except OSError as exc:
            raise ServiceError(f"Cannot read {source}: {exc.strerror}.") from exc

    def open(self, source: Path, passphrase: str | None = None,
                     limits: archive_mod.Limits | None = None) -> int:
        """Check the whole archive, then add its engagement as a new one; returns its id.
        Refused archives write nothing (:class:`ArchiveRefused` says why)."""
        from ..export import archive as archive_mod
        from ..export import sealed

        source = Path(source)
        limits = limits or archive_mod.Limits()
        try:
            size = source.stat().st_size
            if size > limits.archive_bytes:
                raise ArchiveRefused(
                    f"{source.name} is larger than the {limits.archive_bytes // 1048576} MB limit for archives."
                )
            data = source.read_bytes()
        except OSError as exc:
            raise ServiceError(f"Cannot read {source}: {exc.strerror}.") from exc
        try:
            contents = archive_mod.read(data, source.name, passphrase, limits)
        except archive_mod.PassphraseNeeded as exc:
            raise ArchiveRefused(f"{source.name} is encrypted: enter its passphrase.", exc.problems,
                                 needs_passphrase=True) from exc
        except archive_mod.ArchiveError as exc:
            raise ArchiveRefused(f"{exc}\nNothing was imported.", exc.problems) from exc
        except sealed.WrongPassphrase as exc:
            raise ArchiveRefused(f"{exc} Nothing was imported.", [str(exc)], wrong_passphrase=True) from exc
        except sealed.SealError as exc:
            raise ArchiveRefused(f"{exc} Nothing was imported.", [str(exc)]) from exc
        parsed = contents.file
        eng = parsed.engagement
        if eng.uid in repo.uids_in_use(self.store, [eng.uid]):
            # The same engagement is already here: add it as a copy rather than clash.
            data_ = eng.model_dump(mode="python")
            data_["uid"] = new_uid()
            eng = Engagement.model_validate(data_)
        eid = self.core.save_new(eng.model_copy(update={"id": None}), parsed.form, parsed.attachments)
        self.core.repairs = list(parsed.repairs)
        log.info("engagement %s opened from an archive (%d attachments, %d links repaired)", eid,
                 len(parsed.attachments), len(parsed.repairs))
        return eid
