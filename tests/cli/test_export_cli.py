"""``discovery-app export ID --proposal FILE --plan FILE`` through the real entry point."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from app_process import run_app as run

ROOT = Path(__file__).parents[2]




@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("export") / "store.sqlite3"
    assert run("demo", db=db).stdout.strip() == "1"
    return db


def test_writes_both_documents(demo_db, tmp_path):
    proposal, plan = tmp_path / "proposal.pdf", tmp_path / "plan.pdf"
    out = run("export", "1", "--proposal", str(proposal), "--plan", str(plan), db=demo_db).stdout
    assert f"Wrote the proposal to {proposal}" in out
    assert f"Wrote the stabilization plan to {plan}" in out
    assert proposal.read_bytes().startswith(b"%PDF") and plan.read_bytes().startswith(b"%PDF")


def test_either_document_alone(demo_db, tmp_path):
    plan = tmp_path / "only-plan.pdf"
    run("export", "1", "--plan", str(plan), db=demo_db)
    assert plan.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["only-plan.pdf"]


def test_nothing_to_write_is_an_error(demo_db):
    proc = run("export", "1", db=demo_db, check=False)
    assert proc.returncode == 2
    assert "--proposal FILE and/or --plan FILE" in proc.stderr


def test_missing_folder_fails_clearly_and_the_other_document_is_still_written(demo_db, tmp_path):
    plan = tmp_path / "plan.pdf"
    proc = run("export", "1", "--proposal", str(tmp_path / "nowhere" / "p.pdf"), "--plan", str(plan),
               db=demo_db, check=False)
    assert proc.returncode == 1
    assert "error: proposal:" in proc.stderr and "does not exist" in proc.stderr
    assert plan.exists()


def test_unknown_engagement(demo_db, tmp_path):
    proc = run("export", "99", "--plan", str(tmp_path / "x.pdf"), db=demo_db, check=False)
    assert proc.returncode == 1
    assert "There is no engagement 99" in proc.stderr


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils not installed")
def test_password_from_the_environment(demo_db, tmp_path):
    pdf = tmp_path / "locked.pdf"
    run("export", "1", "--proposal", str(pdf), "--password-env", "PROPOSAL_PW", db=demo_db,
        env_extra={"PROPOSAL_PW": "open sesame"})
    assert subprocess.run(["pdfinfo", str(pdf)], capture_output=True).returncode != 0
    assert subprocess.run(["pdfinfo", "-upw", "open sesame", str(pdf)], capture_output=True).returncode == 0
    proc = run("export", "1", "--proposal", str(tmp_path / "x.pdf"), "--password-env", "NOT_SET_ANYWHERE",
               db=demo_db, check=False)
    assert proc.returncode == 1 and "NOT_SET_ANYWHERE" in proc.stderr


def test_the_internal_copy_is_written_with_the_proposal_option_only(demo_db, tmp_path):
    internal = tmp_path / "internal.pdf"
    out = run("export", "1", "--proposal", str(internal), "--internal", db=demo_db).stdout
    assert f"Wrote the proposal's internal copy to {internal}" in out
    assert internal.read_bytes().startswith(b"%PDF")
    proc = run("export", "1", "--plan", str(tmp_path / "plan.pdf"), "--internal", db=demo_db, check=False)
    assert proc.returncode == 2 and "give it with --proposal FILE" in proc.stderr
    assert not (tmp_path / "plan.pdf").exists()
