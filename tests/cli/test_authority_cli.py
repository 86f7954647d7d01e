"""Approver authority on the command line: the list changes only by signed changes, `approver
list` marks what does not count, `approval approve` signs in team mode, and `checkout --break`
takes a manager's key once the practice lists approvers."""

import json

from test_quote import run

from discovery_app.paths import AppPaths
from discovery_app.services import Discovery


def _key(tmp_path, name, role, pass_file):
    path = tmp_path / f"{name.split()[0].lower()}.key"
    out = run("approver", "init", "--name", name, "--role", role, "--key-out", str(path),
              "--passphrase-file", str(pass_file)).stdout
    return path, out.split("--public-key ")[1].split()[0]


def test_signed_list_changes_direct_approval_and_a_keyed_break(tmp_path):
    db = tmp_path / "store.sqlite3"
    assert run("demo", db=db).stdout.strip() == "1"
    pw = tmp_path / "pass"
    pw.write_text("correct horse battery\n", encoding="utf-8")
    ana, ana_public = _key(tmp_path, "Ana Ruiz", "ceo", pw)
    sam, sam_public = _key(tmp_path, "Sam Lee", "service_leader", pw)

    unsigned = run("approver", "add", "--name", "Ana Ruiz", "--role", "ceo", "--key", ana_public, db=db, check=False)
    assert unsigned.returncode == 1 and "signed with the key of an approver who counts" in unsigned.stderr
    # The first approver lists themselves with their own key (the public key comes from it).
    assert "listed as ceo" in run("approver", "add", "--name", "Ana Ruiz", "--role", "ceo", "--key", str(ana),
                                  "--passphrase-file", str(pw), db=db).stdout
    stranger = run("approver", "add", "--name", "Sam Lee", "--role", "service_leader", "--key", str(sam),
                   "--passphrase-file", str(pw), db=db, check=False)
    assert stranger.returncode == 1 and "not the key of an approver who counts" in stranger.stderr
    # The earlier form (the public key line as --key) still reads; the signer goes in --signer-key.
    run("approver", "add", "--name", "Sam Lee", "--role", "service_leader", "--key", sam_public,
        "--signer-key", str(ana), "--passphrase-file", str(pw), db=db)

    service = Discovery.open(AppPaths.resolve(db))
    service.settings.set("approvers", [{"name": "Eve Mallory", "role": "ceo", "public_key": sam_public[:-4] + "AAA="}])
    service.offer.set_discount(1, "15")
    service.close()
    listed = run("approver", "list", db=db).stdout.splitlines()
    assert listed[0].startswith("Ana Ruiz: ceo") and listed[1].startswith("Sam Lee: service_leader")
    assert "not counted" not in listed[0] and "Eve Mallory: ceo" in listed[2] and "- not counted: Written straight" in listed[2]
    assert [x["counts"] for x in json.loads(run("approver", "list", "--json", db=db).stdout)] == [True, True, False]

    low = run("approval", "approve", "1", "--key", str(sam), "--yes", "--passphrase-file", str(pw), db=db, check=False)
    assert low.returncode == 1 and "needs the CEO; Sam Lee is service leader" in low.stderr
    done = run("approval", "approve", "1", "--key", str(ana), "--yes", "--passphrase-file", str(pw), db=db).stdout
    assert "Discount: 15%:" in done and "Approval recorded: Ana Ruiz (ceo) approved a 15% discount" in done
    assert json.loads(run("quote", "1", "--json", db=db).stdout)["discount"]["approved_by"] == "Ana Ruiz"

    run("checkout", "1", "--to", str(tmp_path / "laptop.sqlite3"), db=db)
    warned = run("checkout", "1", "--break", db=db, check=False)
    assert warned.returncode == 1 and "run again with --yes --key KEY (a manager's approver key)" in warned.stderr
    keyless = run("checkout", "1", "--break", "--yes", db=db, check=False)
    assert keyless.returncode == 1 and "needs a manager's key (--key KEY)" in keyless.stderr
    broken = run("checkout", "1", "--break", "--yes", "--key", str(sam), "--passphrase-file", str(pw), db=db).stdout
    assert "is broken" in broken and "Broken by Sam Lee (service_leader)" in broken
    compared = run("checkin", "1", "--from", str(tmp_path / "laptop.sqlite3"), "--dry-run", db=db).stdout
    assert "(the checkout was broken)" in compared and "Broken by Sam Lee (service leader) at" in compared
    assert "signed, verified." in compared

    removed = run("approver", "remove", "Sam Lee", "--key", str(ana), "--passphrase-file", str(pw), db=db).stdout
    assert removed.startswith("Removed Sam Lee")


def test_without_approvers_a_break_says_its_authority_was_not_checked(tmp_path):
    db = tmp_path / "store.sqlite3"
    run("demo", db=db)
    run("checkout", "1", "--to", str(tmp_path / "laptop.sqlite3"), db=db)
    out = run("checkout", "1", "--break", "--yes", db=db).stdout
    assert "The authority to break it was not checked: the practice lists no approvers." in out
