"""Shared helpers of the durability tests (a uniquely named module: tests/ has several conftests)."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
FORMS = TESTS / "fixtures" / "forms"
ROOT = TESTS.parent

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
TEXT = b"Firewall admin password is on a sticky note under the keyboard.\n"
PASS = "correct horse battery staple"


def load_benchmark(name: str):
    """Import benchmarks/NAME.py by path (benchmarks/ is not an installed package)."""
    import importlib.util

    from app_process import repository_file

    spec = importlib.util.spec_from_file_location(f"_bench_{name}", repository_file(f"benchmarks/{name}.py"))
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def add_engagement(svc) -> int:
    """An engagement with answers and two attachments (one with a hostile outside name)."""
    from discovery_app.domain.engagement import Attachment, new_uid

    eid = svc.engagements.create("Contoso Dental")
    svc.interview.set_answer(eid, "internal_it_owner", "Marcus Lee")
    svc.interview.set_answer(eid, "employee_count", 42)
    eng = svc.engagements.get(eid)
    files = {"closet.png": ("image/png", PNG), "../../etc/passwd.txt": ("text/plain", TEXT)}
    records, data = [], {}
    for name, (ctype, content) in files.items():
        rec = Attachment(file_name=name, content_type=ctype, sha256=hashlib.sha256(content).hexdigest(),
                         size=len(content))
        records.append(rec)
        data[rec.uid] = content
    copy = eng.model_copy(update={"id": None, "uid": new_uid(), "attachments": records})
    return svc.engagements.save_new(copy, svc.forms.of(eng), data)
