"""Logs carry ids and counts, never client names, answers or notes."""

from __future__ import annotations

import logging

from durability_flows import fresh_log, run_cli_flow, run_gui_flow

from discovery_app import demo
from discovery_app.paths import AppPaths
from discovery_app.services import Discovery


def test_logs_never_contain_client_data(qtbot, tmp_path):
    db = tmp_path / "logs.sqlite3"
    paths = AppPaths.resolve(db)
    with fresh_log(paths) as log_file:
        eid = run_cli_flow(tmp_path, db, full=False)
        logging.getLogger("discovery_app").setLevel(logging.DEBUG)  # even debug lines
        svc = Discovery.open(paths)
        try:
            svc.interview.set_answer(eid, "site_details", "Secret closet behind the Zebra-42 poster")
            svc.interview.set_answer(eid, "backup_offsite", demo.ANSWERS["backup_offsite"], note="Tape labelled QUOKKA-7")
            svc.interview.update(eid, notes="Owner admits the admin password is Hunter2!")
            svc.backups.backup_now()
        finally:
            svc.close()
        run_gui_flow(qtbot, AppPaths.resolve(tmp_path / "gui.sqlite3"), tmp_path / "settings")
        for h in logging.getLogger("discovery_app").handlers:
            h.flush()
        text = log_file.read_text(encoding="utf-8")

    assert f"engagement {eid} created" in text  # the log works and names engagements by id
    forbidden = [
        demo.CLIENT, "Harbor", "Dana Whitfield", "Marcus Lee", "Portland",
        "Zebra-42", "QUOKKA-7", "Hunter2", *demo.NOTES.values(),
        demo.ANSWERS["site_details"][:40],
    ]
    leaks = [word for word in forbidden if word in text]
    assert leaks == [], f"client data in the log: {leaks}"
