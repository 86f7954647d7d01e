"""The engagement archive: one file holding an engagement and its attachments.

For handing an engagement to a colleague, or keeping it after the client leaves. It is a zip::

    manifest.json                     format, version, and every other part with its SHA-256 and size
    engagement.json                   the engagement in the JSON interchange format (its form
                                      included), without the attachments inline
    attachments/UID/FILE-NAME         each attachment as a plain file

optionally sealed with a passphrase (:mod:`.sealed`). Reading trusts nothing: the whole archive is
refused (and nothing is written) if a part's path could escape its folder (``..``, absolute,
drive letters, backslashes, symlinks), a part is missing or unlisted, a hash or size is wrong,
the declared or actual sizes pass the limits (zip bombs), or an attachment fails the checks of
:mod:`.untrusted`. Nothing is ever extracted to disk: parts are read into memory, within limits.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..domain.engagement import Engagement
from ..domain.filenames import safe_file_name
from . import interchange, sealed
from .problems import listed
from .untrusted import (
    MAX_ATTACHMENT_BYTES,
    UntrustedFileError,
    ZipLimits,
    check_attachment,
    zip_problems,
)

FORMAT = "discovery-archive"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
ENGAGEMENT = "engagement.json"
SUFFIX = ".discovery"


@dataclass(frozen=True)
class Limits:
    archive_bytes: int = 1024 * 1024 * 1024      # the file as read from disk
    total_bytes: int = 1024 * 1024 * 1024        # all parts, uncompressed
    part_bytes: int = 256 * 1024 * 1024          # any one part, uncompressed
    attachment_bytes: int = MAX_ATTACHMENT_BYTES
    parts: int = 5000


class ArchiveError(ValueError):
    """The archive is refused whole; ``problems`` lists why, in words."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        super().__init__(f"{source} cannot be opened as an engagement archive:\n{listed(problems, '- ')}")


class PassphraseNeeded(ArchiveError):
    def __init__(self, source: str):
        super().__init__(source, ["it is encrypted: give its passphrase"])


# ---- writing ----------------------------------------------------------------------------------


def attachment_path(uid: str, file_name: str) -> str:
    return f"attachments/{safe_file_name(uid, fallback='attachment')}/{safe_file_name(file_name)}"


def build(eng: Engagement, form_json: str, attachments: dict[str, bytes], app_version: str,
          passphrase: str | None = None) -> bytes:
    """The archive's bytes (sealed when ``passphrase`` is given)."""
    parts: dict[str, bytes] = {ENGAGEMENT: interchange.dumps(eng, form_json, {}, app_version).encode("utf-8")}
    files: list[dict[str, Any]] = []
    for rec in eng.attachments:
        data = attachments.get(rec.uid)
        if data is None:
            continue
        path = attachment_path(rec.uid, rec.file_name)
        parts[path] = data
        files.append({"path": path, "uid": rec.uid})
    listed = [{"path": ENGAGEMENT, "role": "engagement"}] + [dict(f, role="attachment") for f in files]
    for entry in listed:
        data = parts[entry["path"]]
        entry.update(sha256=hashlib.sha256(data).hexdigest(), size=len(data))
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app_version": app_version,
        "created_at": datetime.now(UTC).isoformat(),
        "engagement_uid": eng.uid,
        "parts": listed,
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        for path, data in parts.items():
            zf.writestr(path, data)
    payload = buf.getvalue()
    return sealed.seal(payload, passphrase) if passphrase else payload


# ---- reading ----------------------------------------------------------------------------------


_DRIVE = re.compile(r"^[A-Za-z]:")


def path_problem(name: str) -> str | None:
    """Why a part's path is unsafe (it could land outside the archive's folder), or None."""
    if not name or "\x00" in name:
        return "empty name or NUL byte"
    if "\\" in name:
        return "backslash in the path"
    if name.startswith("/") or _DRIVE.match(name):
        return "absolute path"
    parts = name.split("/")
    if any(p in ("", ".", "..") for p in parts):
        return "'..', '.' or an empty folder name in the path"
    if any(p != p.strip() or p.endswith(".") for p in parts):
        return "a folder or file name with leading/trailing spaces or a trailing dot"
    return None


@dataclass
class ArchiveContents:
    file: interchange.EngagementFile
    manifest: dict[str, Any]


def is_encrypted(data: bytes) -> bool:
    return sealed.is_sealed(data)


def read(data: bytes, source: str, passphrase: str | None = None, limits: Limits | None = None) -> ArchiveContents:
    """Check the whole archive and return its engagement and attachments; raise
    :class:`ArchiveError` (or :class:`.sealed.SealError`) without anything written."""
    limits = limits or Limits()
    if len(data) > limits.archive_bytes:
        raise ArchiveError(source, [f"the file is larger than the {limits.archive_bytes // 1048576} MB limit"])
    if sealed.is_sealed(data):
        if passphrase is None:
            raise PassphraseNeeded(source)
        data = sealed.unseal(data, passphrase)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ArchiveError(source, ["it is not an engagement archive (not a zip file)"]) from None
    with zf:
        parts = _read_parts(zf, limits, source)
    manifest = _manifest(parts, source)
    return ArchiveContents(_engagement(parts, manifest, source, limits), manifest)


def _read_parts(zf: zipfile.ZipFile, limits: Limits, source: str) -> dict[str, bytes]:
    infos = zf.infolist()
    problems: list[str] = []
    if len(infos) > limits.parts:
        raise ArchiveError(source, zip_problems(infos, ZipLimits(limits.part_bytes, limits.total_bytes, limits.parts)))
    names = [i.filename for i in infos]
    for name in {n for n in names if names.count(n) > 1}:
        problems.append(f"{name}: appears more than once")
    for info in infos:
        why = path_problem(info.filename)
        if why:
            problems.append(f"{info.filename!r}: unsafe path ({why})")
        if stat.S_ISLNK(info.external_attr >> 16):
            problems.append(f"{info.filename}: is a symbolic link")
        if info.is_dir():
            problems.append(f"{info.filename}: unexpected folder entry")
        if info.flag_bits & 0x1:
            problems.append(f"{info.filename}: zip-level encryption is not used by Discovery")
    problems += zip_problems(infos, ZipLimits(limits.part_bytes, limits.total_bytes, limits.parts))
    if problems:
        raise ArchiveError(source, problems)
    parts: dict[str, bytes] = {}
    total = 0
    for info in infos:
        budget = min(info.file_size, limits.part_bytes, limits.total_bytes - total)
        try:
            with zf.open(info) as fh:
                chunk = fh.read(budget + 1)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
            raise ArchiveError(source, [f"{info.filename}: cannot be read ({exc})"]) from None
        if len(chunk) > budget:
            raise ArchiveError(source, [f"{info.filename}: holds more data than it declares or than the limits allow"])
        total += len(chunk)
        parts[info.filename] = chunk
    return parts


def _manifest(parts: dict[str, bytes], source: str) -> dict[str, Any]:
    raw = parts.get(MANIFEST)
    if raw is None:
        raise ArchiveError(source, [f"{MANIFEST} is missing"])
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArchiveError(source, [f"{MANIFEST}: not valid JSON ({exc})"]) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError(source, [f"{MANIFEST}: not a Discovery archive manifest"])
    version = manifest.get("format_version")
    if not isinstance(version, int) or version < 1:
        raise ArchiveError(source, [f"{MANIFEST}: format_version {version!r} is not valid"])
    if version > FORMAT_VERSION:
        raise ArchiveError(source, [f"it was written by a newer Discovery (format {version}); update Discovery"])
    listed = manifest.get("parts")
    if not isinstance(listed, list) or not all(isinstance(e, dict) for e in listed):
        raise ArchiveError(source, [f"{MANIFEST}: 'parts' must be a list of objects"])
    problems: list[str] = []
    seen: set[str] = set()
    for i, entry in enumerate(listed):
        path, digest, size = entry.get("path"), entry.get("sha256"), entry.get("size")
        where = f"{MANIFEST} parts[{i}]"
        if not isinstance(path, str) or path_problem(path) or path == MANIFEST:
            problems.append(f"{where}: unsafe or invalid path {path!r}")
            continue
        if path in seen:
            problems.append(f"{where}: {path} is listed twice")
        seen.add(path)
        if path not in parts:
            problems.append(f"{path}: listed in the manifest but missing from the archive")
            continue
        data = parts[path]
        if not isinstance(size, int) or size != len(data):
            problems.append(f"{path}: size is {len(data)} bytes, the manifest says {size!r}")
        if not isinstance(digest, str) or hashlib.sha256(data).hexdigest() != digest.lower():
            problems.append(f"{path}: SHA-256 does not match the manifest (the part was changed or damaged)")
    for name in parts:
        if name != MANIFEST and name not in seen:
            problems.append(f"{name}: in the archive but not listed in the manifest")
    engagement_entries = [e for e in listed if e.get("role") == "engagement"]
    if len(engagement_entries) != 1 or engagement_entries[0].get("path") != ENGAGEMENT:
        problems.append(f"{MANIFEST}: must list exactly one engagement part, {ENGAGEMENT}")
    if problems:
        raise ArchiveError(source, problems)
    return manifest


def _engagement(parts: dict[str, bytes], manifest: dict[str, Any], source: str, limits: Limits) -> interchange.EngagementFile:
    try:
        text = parts[ENGAGEMENT].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ArchiveError(source, [f"{ENGAGEMENT}: not UTF-8 text (byte {exc.start})"]) from None
    try:
        parsed = interchange.loads(text, f"{source}:{ENGAGEMENT}")
    except interchange.InterchangeError as exc:
        raise ArchiveError(source, [f"{ENGAGEMENT}: {p}" for p in exc.problems]) from None
    records = {a.uid: a for a in parsed.engagement.attachments}
    problems: list[str] = []
    attachments: dict[str, bytes] = dict(parsed.attachments)
    for entry in manifest["parts"]:
        if entry.get("role") != "attachment":
            continue
        path, uid = entry["path"], entry.get("uid")
        rec = records.get(uid) if isinstance(uid, str) else None
        if rec is None:
            problems.append(f"{path}: no attachment record of the engagement has the uid {uid!r}")
            continue
        if path != attachment_path(rec.uid, rec.file_name):
            problems.append(f"{path}: does not match its record's name ({rec.file_name!r})")
        data = parts[path]
        if hashlib.sha256(data).hexdigest() != rec.sha256 or len(data) != rec.size:
            problems.append(f"{path}: content does not match the engagement's record (SHA-256/size)")
        try:
            check_attachment(rec.file_name, rec.content_type, data, max_bytes=limits.attachment_bytes)
        except UntrustedFileError as exc:
            problems.append(f"{path}: {exc}")
        if uid in attachments:
            problems.append(f"{path}: attachment {uid} is included twice")
        attachments[rec.uid] = data
    if problems:
        raise ArchiveError(source, problems)
    return interchange.EngagementFile(parsed.engagement, parsed.form, parsed.form_json, attachments, parsed.repairs)
