"""The signed approval round trip on the command line: an approver creates a key, the practice
lists it, the consultant requests, the approver signs with no store, the consultant adds it."""

import json
import re

from test_quote import run

from discovery_app.paths import AppPaths
from discovery_app.services import Discovery


def test_request_sign_add_round_trip_and_a_tampered_file_refused(tmp_path):
    db = tmp_path / "store.sqlite3"
    assert run("demo", db=db).stdout.strip() == "1"
    service = Discovery.open(AppPaths.resolve(db))
    service.offer.set_discount(1, "15")
    service.close()
    (tmp_path / "pass").write_text("correct horse battery\n", encoding="utf-8")
    key = tmp_path / "ana.key"
    out = run("approver", "init", "--name", "Ana Ruiz", "--role", "ceo", "--key-out", str(key),
              "--passphrase-file", str(tmp_path / "pass")).stdout
    assert "BEGIN ENCRYPTED PRIVATE KEY" in key.read_text()
    public = re.search(r"--public-key (ed25519:\S+)", out).group(1)
    assert "listed as ceo" in run("approver", "add", "--name", "Ana Ruiz", "--role", "CEO", "--public-key", public,
                                  "--key", str(key), "--passphrase-file", str(tmp_path / "pass"), db=db).stdout

    request = tmp_path / "request.json"
    run("approval", "request", "1", str(request), db=db)
    assert json.loads(request.read_text())["statement"]["discount_percent"] == "15.00"
    signed = tmp_path / "signed.json"
    run("approval", "sign", str(request), "--key", str(key), "--out", str(signed), "--yes",
        "--passphrase-file", str(tmp_path / "pass"))  # no --db: the approver's machine has no store
    assert "signature verified" in run("approval", "add", "1", str(signed), db=db).stdout
    quote = json.loads(run("quote", "1", "--json", db=db).stdout)
    assert quote["blocking"] == [] and quote["discount"]["approved_by"] == "Ana Ruiz"

    doc = json.loads(signed.read_text())
    doc["statement"]["fixed_fee"] = "1.00"
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(doc), encoding="utf-8")
    refused = run("approval", "add", "1", str(tampered), db=db, check=False)
    assert refused.returncode == 1 and "changed after it was signed" in refused.stderr
    assert "Traceback" not in refused.stderr
    wrong = run("approval", "sign", str(request), "--key", str(key), "--yes", db=db, check=False,
                env_extra={"DISCOVERY_APPROVER_PASSPHRASE": "not the passphrase"})
    assert wrong.returncode == 1 and "passphrase does not open" in wrong.stderr
