"""``accept``, ``change-order``, ``reassess`` and ``export NEW_ID --progress`` through the real entry point."""

from __future__ import annotations

import hashlib
import json

from app_process import run_app as run


def test_from_proposal_to_signed_baseline_to_progress_report(tmp_path):
    db = tmp_path / "store.sqlite3"
    assert run("demo", db=db).stdout.strip() == "1"
    assert "Option 1 added" in run("option", "1", "add", "Business hours", "--coverage", "business_hours", db=db).stdout
    refused = run("accept", "1", "--option", "1", "--signed-by", "Elena Finch", "--title", "Managing Partner",
                  "--date", "2026-01-15", db=db, check=False)
    assert refused.returncode == 1 and "export it first" in refused.stderr and "Traceback" not in refused.stderr
    proposal = tmp_path / "proposal.pdf"
    run("export", "1", "--proposal", str(proposal), db=db)
    edited = run("option", "1", "edit", "1", "--label", "Extended hours", "--coverage", "extended", "--users", "40",
                 db=db).stdout
    assert "Option 1 (Extended hours) saved: one-time" in edited
    stale = run("accept", "1", "--option", "1", "--signed-by", "Elena Finch", "--title", "Managing Partner",
                "--date", "2026-01-15", db=db, check=False)
    assert stale.returncode == 1 and "changed since the proposal was exported" in stale.stderr
    assert "Export the proposal again" in stale.stderr
    run("export", "1", "--proposal", str(proposal), db=db)
    out = run("accept", "1", "--option", "1", "--signed-by", "Elena Finch", "--title", "Managing Partner",
              "--date", "2026-01-15", "--file", str(proposal), db=db).stdout
    assert "frozen as the baseline" in out
    shown = json.loads(run("show", "1", "--json", db=db).stdout)
    assert shown["status"] == "accepted"
    assert shown["acceptance"]["proposal_sha256"] == hashlib.sha256(proposal.read_bytes()).hexdigest()

    frozen = run("option", "1", "add", "Cheaper", db=db, check=False)
    assert frozen.returncode == 1 and "change order" in frozen.stderr
    frozen = run("option", "1", "edit", "1", "--discount", "5", db=db, check=False)
    assert frozen.returncode == 1 and "frozen as the signed baseline" in frozen.stderr

    run("change-order", "1", "add", "--title", "Second site", "--reason", "New office", "--hours", "engineer=12",
        "--monthly", "250", "--date", "2026-03-01", db=db)
    bad = run("change-order", "1", "add", "--title", "x", "--reason", "y", "--hours", "engineer", db=db, check=False)
    assert bad.returncode == 2 and "ROLE=HOURS" in bad.stderr
    run("change-order", "1", "approve", "1", "--by", "Elena Finch", "--date", "2026-03-02", db=db)
    orders = json.loads(run("change-order", "1", "list", "--json", db=db).stdout)
    assert orders[0]["status"] == "approved" and orders[0]["monthly_change"] == "250.00"
    co = tmp_path / "co.pdf"
    run("change-order", "1", "pdf", "1", str(co), db=db)
    assert co.read_bytes().startswith(b"%PDF")

    new = run("reassess", "1", "--date", "2027-01-20", db=db)
    assert new.stdout.strip() == "2" and "carried over from the baseline, to confirm" in new.stderr
    waiting = json.loads(run("confirm", "2", "--json", db=db).stdout)
    risk = next(w for w in waiting if w["key"].startswith("risk:"))
    assert risk["what"].startswith("Risk: ") and any(w["what"].startswith("Answer: ") for w in waiting)
    out = run("confirm", "2", risk["key"], db=db).stdout
    assert out == f"Confirmed 1 record; {len(waiting) - 1} records still to confirm.\n"
    again = run("confirm", "2", risk["key"], db=db, check=False)
    assert again.returncode == 1 and "is not waiting to be confirmed" in again.stderr
    run("confirm", "2", "--kind", "inventory", db=db)
    assert not any(w["key"].startswith("inventory:") for w in json.loads(run("confirm", "2", "--json", db=db).stdout))
    assert "Confirmed" in run("confirm", "2", "--all", db=db).stdout
    assert "Nothing carried over" in run("confirm", "2", db=db).stdout
    progress = tmp_path / "progress.pdf"
    out = run("export", "2", "--progress", str(progress), db=db).stdout
    assert "progress report" in out and progress.read_bytes().startswith(b"%PDF")
    not_later = run("export", "1", "--progress", str(tmp_path / "p1.pdf"), db=db, check=False)
    assert not_later.returncode == 1 and "not a re-assessment" in not_later.stderr


def test_the_baseline_demo_and_the_roadmap(tmp_path):
    db = tmp_path / "store.sqlite3"
    assert run("demo", "--baseline", db=db).stdout.split() == ["1", "2"]
    listing = run("list", db=db).stdout
    assert "1 risk acceptance past the review date" in listing
    road = json.loads(run("roadmap", "2", "--json", db=db).stdout)
    key = road["quarters"][0]["items"][0]["key"]
    moved = json.loads(run("roadmap", "2", "--move", key, road["quarters"][3]["quarter"], "--json", db=db).stdout)
    assert any(i["key"] == key and i["moved"] for i in moved["quarters"][3]["items"])
    bad = run("roadmap", "2", "--move", key, "2027-Q9", db=db, check=False)
    assert bad.returncode == 1 and "not a quarter" in bad.stderr
