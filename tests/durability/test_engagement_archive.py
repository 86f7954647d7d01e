"""The engagement archive: one file, hashes checked, refused whole when anything is wrong,
optionally encrypted with a passphrase."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from durability_helpers import FORMS, PASS, PNG, TEXT, add_engagement

from discovery_app.cli import main as cli_main
from discovery_app.domain.engagement import Attachment, new_uid
from discovery_app.export import archive as arc
from discovery_app.export import sealed
from discovery_app.paths import AppPaths
from discovery_app.services import Discovery, ServiceError
from discovery_app.services.durability import ArchiveRefused
from discovery_app.storage import repository as repo


def count(svc: Discovery) -> int:
    return len(svc.engagements.summaries(include_archived=True))


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def zip_of(parts: dict, *, symlinks: tuple[str, ...] = ()) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in parts.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in symlinks:
                info.external_attr = 0o120777 << 16
            zf.writestr(info, content)
    return buf.getvalue()


def relist(parts: dict[str, bytes], extra_listed: dict[str, bytes] | None = None) -> dict[str, bytes]:
    """Rewrite the manifest so it lists every part (with true hashes), as a careful forger would."""
    manifest = json.loads(parts[arc.MANIFEST])
    listed = {e["path"]: e for e in manifest["parts"]}
    for name, content in {**parts, **(extra_listed or {})}.items():
        if name == arc.MANIFEST:
            continue
        entry = listed.setdefault(name, {"path": name, "role": "attachment", "uid": "x"})
        entry.update(sha256=hashlib.sha256(content).hexdigest(), size=len(content))
    manifest["parts"] = list(listed.values())
    return {**parts, arc.MANIFEST: json.dumps(manifest).encode()}


@pytest.fixture
def svc(tmp_path):
    s = Discovery.open(AppPaths.resolve(tmp_path / "a.sqlite3"), forms_root=FORMS)
    yield s
    s.close()


@pytest.fixture
def archived(svc, tmp_path) -> tuple[int, Path]:
    eid = add_engagement(svc)
    return eid, svc.archives.write(eid, tmp_path / "contoso.discovery")


def open_elsewhere(tmp_path: Path, path: Path, passphrase: str | None = None, **kw) -> tuple[Discovery, int]:
    other = Discovery.open(AppPaths.resolve(tmp_path / "other" / "b.sqlite3"), forms_root=FORMS)
    return other, other.archives.open(path, passphrase, **kw)


# ---- round trips --------------------------------------------------------------------------


def test_archive_round_trip_keeps_every_record_and_attachment(svc, archived, tmp_path):
    eid, path = archived
    original = svc.engagements.get(eid)
    other, new_id = open_elsewhere(tmp_path, path)
    try:
        copy = other.engagements.get(new_id)
        assert copy.model_dump(exclude={"id"}) == original.model_dump(exclude={"id"})
        assert repo.attachment_data(other.store, new_id) == repo.attachment_data(svc.store, eid)
    finally:
        other.close()


def test_archive_is_a_zip_with_a_manifest_of_hashes_and_safe_paths(archived):
    _, path = archived
    parts = parts_of(path.read_bytes())
    manifest = json.loads(parts[arc.MANIFEST])
    assert manifest["format"] == "discovery-archive"
    for entry in manifest["parts"]:
        assert hashlib.sha256(parts[entry["path"]]).hexdigest() == entry["sha256"]
    names = set(parts)
    assert all(arc.path_problem(n) is None for n in names)
    assert not any(".." in n for n in names)
    assert any(n.endswith("/passwd.txt") for n in names)  # the outside name was made safe
    assert PNG in parts.values()


def test_opening_an_archive_twice_in_the_same_store_adds_a_copy(svc, archived):
    eid, path = archived
    new_id = svc.archives.open(path)
    assert new_id != eid
    assert svc.engagements.get(new_id).uid != svc.engagements.get(eid).uid
    assert svc.engagements.get(new_id).client_name == "Contoso Dental"


# ---- encryption ---------------------------------------------------------------------------


def test_encrypted_archive_round_trip_and_hides_the_content(svc, tmp_path):
    eid = add_engagement(svc)
    path = svc.archives.write(eid, tmp_path / "sealed.discovery", passphrase=PASS)
    raw = path.read_bytes()
    assert raw.startswith(sealed.MAGIC)
    for secret in (b"Contoso", b"Marcus Lee", b"sticky note", b"PK\x03\x04", PNG[:64]):
        assert secret not in raw
    assert svc.archives.is_encrypted(path)
    other, new_id = open_elsewhere(tmp_path, path, PASS)
    try:
        assert other.engagements.get(new_id).client_name == "Contoso Dental"
        assert sorted(repo.attachment_data(other.store, new_id).values()) == sorted([PNG, TEXT])
    finally:
        other.close()


def test_wrong_passphrase_is_named_and_nothing_is_written(svc, tmp_path):
    eid = add_engagement(svc)
    path = svc.archives.write(eid, tmp_path / "sealed.discovery", passphrase=PASS)
    before = count(svc)
    with pytest.raises(ArchiveRefused, match="passphrase is wrong") as caught:
        svc.archives.open(path, "correct horse battery stapler")
    assert caught.value.wrong_passphrase
    with pytest.raises(ArchiveRefused, match="encrypted: enter its passphrase") as caught:
        svc.archives.open(path)
    assert caught.value.needs_passphrase
    assert count(svc) == before


@pytest.mark.parametrize("where", ["body", "tag", "nonce", "truncated"])
def test_a_tampered_encrypted_archive_is_detected(svc, tmp_path, where):
    eid = add_engagement(svc)
    path = svc.archives.write(eid, tmp_path / "sealed.discovery", passphrase=PASS)
    data = bytearray(path.read_bytes())
    if where == "body":
        data[sealed.HEADER_SIZE + 40] ^= 0x01
    elif where == "tag":
        data[-1] ^= 0x80
    elif where == "nonce":
        data[8 + 5 + 16] ^= 0x01  # first nonce byte: authenticated as associated data
    else:
        data = data[: len(data) // 2]
    path.write_bytes(bytes(data))
    before = count(svc)
    with pytest.raises(ArchiveRefused, match="changed or damaged") as caught:
        svc.archives.open(path, PASS)
    assert not caught.value.wrong_passphrase
    assert count(svc) == before


def test_default_cost_is_strong(monkeypatch):
    monkeypatch.setattr(sealed, "LOG2_N", 17)
    blob = sealed.seal(b"x", PASS)
    assert blob[8:13] == bytes([sealed.VERSION, sealed.KDF_SCRYPT, 17, 8, 1])  # n = 2**17, r = 8, p = 1
    salts = {sealed.seal(b"x", PASS, log2_n=14)[13:41] for _ in range(3)}
    assert len(salts) == 3  # a fresh salt and nonce every time


def test_a_header_asking_for_absurd_scrypt_cost_is_refused_before_deriving():
    blob = bytearray(sealed.seal(b"x", PASS, log2_n=14))
    blob[10] = 30  # 2**30 * 128 * 8 bytes of memory
    with pytest.raises(sealed.Tampered):
        sealed.unseal(bytes(blob), PASS)


def test_short_passphrases_are_refused(svc, tmp_path):
    eid = add_engagement(svc)
    with pytest.raises(ServiceError, match="at least 8 characters"):
        svc.archives.write(eid, tmp_path / "x.discovery", passphrase="abc")
    assert not (tmp_path / "x.discovery").exists()


# ---- refused whole ------------------------------------------------------------------------


def _attachment_name(parts: dict[str, bytes], ending: str) -> str:
    return next(n for n in parts if n.endswith(ending))


def _variants(parts: dict[str, bytes]) -> dict[str, tuple[bytes, str]]:
    png = _attachment_name(parts, "closet.png")
    without_png = {k: v for k, v in parts.items() if k != png}
    changed = {**parts, png: PNG[:-1] + b"!"}
    return {
        "dot-dot": (zip_of(relist({**parts, "attachments/../../evil.txt": b"x"})), "unsafe path"),
        "absolute": (zip_of(relist({**parts, "/etc/cron.d/evil": b"x"})), "absolute path"),
        "drive": (zip_of(relist({**parts, "C:/Windows/evil.txt": b"x"})), "absolute path"),
        "backslash": (zip_of(relist({**parts, "attachments\\..\\..\\evil.txt": b"x"})), "backslash"),
        "symlink": (zip_of(relist({**parts, "attachments/link": b"/etc/passwd"}), symlinks=("attachments/link",)),
                    "symbolic link"),
        "missing part": (zip_of(without_png), "listed in the manifest but missing"),
        "bad hash": (zip_of(changed), "SHA-256 does not match the manifest"),
        "forged manifest": (zip_of(relist(changed)), "does not match the engagement's record"),
        "unlisted part": (zip_of({**parts, "attachments/extra.txt": b"hello"}), "not listed in the manifest"),
        "no manifest": (zip_of({k: v for k, v in parts.items() if k != arc.MANIFEST}), "manifest.json is missing"),
        "not a zip": (b"hello, I am not an archive" * 10, "not a zip file"),
    }


@pytest.mark.parametrize("case", ["dot-dot", "absolute", "drive", "backslash", "symlink", "missing part",
                                  "bad hash", "forged manifest", "unlisted part", "no manifest", "not a zip"])
def test_a_bad_archive_is_refused_whole_and_nothing_is_written(svc, archived, tmp_path, case):
    _, path = archived
    data, why = _variants(parts_of(path.read_bytes()))[case]
    bad = tmp_path / "bad.discovery"
    bad.write_bytes(data)
    before = count(svc)
    with pytest.raises(ArchiveRefused, match="Nothing was imported") as caught:
        svc.archives.open(bad)
    assert why in str(caught.value)
    assert count(svc) == before


def test_a_corrupt_compressed_part_is_refused_in_words(svc, archived, tmp_path):
    """A damaged deflate stream (zlib's own error, not a CRC mismatch) is an unreadable part."""
    _, path = archived
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = next(i for i in zf.infolist() if i.compress_type == zipfile.ZIP_DEFLATED and i.compress_size > 8)
    name_len, extra_len = int.from_bytes(data[info.header_offset + 26:info.header_offset + 28], "little"), \
        int.from_bytes(data[info.header_offset + 28:info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_len + extra_len
    data[start] = 0xFF  # a final block of the reserved type 3: "invalid block type"
    bad = tmp_path / "damaged.discovery"
    bad.write_bytes(bytes(data))
    before = count(svc)
    with pytest.raises(ArchiveRefused, match="cannot be read"):
        svc.archives.open(bad)
    assert count(svc) == before


def test_an_attachment_that_is_really_a_program_is_refused(svc, tmp_path):
    eid = svc.engagements.create("Contoso Dental")
    eng = svc.engagements.get(eid)
    exe = b"MZ\x90\x00" + b"\x00" * 200
    rec = Attachment(file_name="holiday.png", content_type="image/png",
                     sha256=hashlib.sha256(exe).hexdigest(), size=len(exe))
    copy = eng.model_copy(update={"id": None, "uid": new_uid(), "attachments": [rec]})
    sneaky = svc.engagements.save_new(copy, svc.forms.of(eng), {rec.uid: exe})
    path = svc.archives.write(sneaky, tmp_path / "sneaky.discovery")
    before = count(svc)
    with pytest.raises(ArchiveRefused, match="contains a program"):
        svc.archives.open(path)
    assert count(svc) == before


def test_zip_bombs_are_refused_by_declared_and_by_actual_size(svc, archived, tmp_path):
    _, path = archived
    parts = parts_of(path.read_bytes())
    bomb = relist({**parts, "attachments/zeros.bin": b"\x00" * 5_000_000})
    bad = tmp_path / "bomb.discovery"
    bad.write_bytes(zip_of(bomb))
    assert bad.stat().st_size < 200_000  # tiny on disk, 5 MB unpacked
    limits = arc.Limits(part_bytes=1_000_000, total_bytes=2_000_000)
    with pytest.raises(ArchiveRefused, match="over the 1000000 byte limit"):
        svc.archives.open(bad, limits=limits)

    # A member that lies about its size: declares 100 bytes, holds 5 MB.
    data = bytearray(zip_of(bomb))
    info = next(i for i in zipfile.ZipFile(io.BytesIO(bytes(data))).infolist() if i.filename.endswith("zeros.bin"))
    size_field = (5_000_000).to_bytes(4, "little")
    n = 0
    while (at := data.find(size_field)) != -1:
        data[at: at + 4] = (100).to_bytes(4, "little")
        n += 1
    assert n >= 2 and info.file_size == 5_000_000  # local header and central directory both lied
    bad.write_bytes(bytes(data))
    with pytest.raises(ArchiveRefused, match="cannot be read|more data than it declares|size is"):
        svc.archives.open(bad, limits=limits)

    with pytest.raises(ArchiveRefused, match="larger than the 0 MB limit"):
        svc.archives.open(path, limits=arc.Limits(archive_bytes=100))


# ---- the command line ---------------------------------------------------------------------


def test_cli_archive_and_open_archive_with_a_passphrase_file(tmp_path, capsys):
    db = tmp_path / "cli.sqlite3"
    svc = Discovery.open(AppPaths.resolve(db), forms_root=FORMS)
    eid = add_engagement(svc)
    svc.close()
    secret = tmp_path / "pass.txt"
    secret.write_text(PASS + "\n")
    target = tmp_path / "handover.discovery"
    assert cli_main(["--db", str(db), "archive", str(eid), str(target), "--passphrase-file", str(secret)]) == 0
    assert "(encrypted)" in capsys.readouterr().out
    other = tmp_path / "colleague.sqlite3"
    assert cli_main(["--db", str(other), "open-archive", str(target), "--passphrase-file", str(secret)]) == 0
    new_id = int(capsys.readouterr().out.strip())
    assert cli_main(["--db", str(other), "show", str(new_id)]) == 0
    assert "Contoso Dental" in capsys.readouterr().out

    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the passphrase\n")
    assert cli_main(["--db", str(other), "open-archive", str(target), "--passphrase-file", str(wrong)]) == 1
    err = capsys.readouterr().err
    assert "passphrase is wrong" in err and "Nothing was imported" in err


def test_cli_prompts_for_the_passphrase(tmp_path, capsys, monkeypatch):
    db = tmp_path / "cli.sqlite3"
    svc = Discovery.open(AppPaths.resolve(db), forms_root=FORMS)
    eid = add_engagement(svc)
    svc.close()
    prompts: list[str] = []

    def fake_getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return PASS

    monkeypatch.setattr("getpass.getpass", fake_getpass)
    monkeypatch.setattr("discovery_app.cli.archive.terminal_available", lambda: True)
    target = tmp_path / "h.discovery"
    assert cli_main(["--db", str(db), "archive", str(eid), str(target), "--encrypt"]) == 0
    assert len(prompts) == 2  # asked twice when writing
    assert cli_main(["--db", str(tmp_path / "c.sqlite3"), "open-archive", str(target)]) == 0
    assert len(prompts) == 3
    assert capsys.readouterr().out.strip().splitlines()[-1].isdigit()
