"""Suggested findings and end of support on a large inventory: the shipped form's rules over
20,000 generated devices (domain only), then through the service on a store holding them (what
the Risks page and the navigator's count pay on each refresh).

Run: python -m benchmarks.suggestions   (prints medians of 5 runs)
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OS = ["Windows 10 Pro 22H2", "Windows 11 Pro 24H2", "Windows 11 Pro 23H2", "Windows Server 2016 Standard",
      "Windows Server 2022 Standard", "macOS 14.5 Sonoma", "Ubuntu 22.04 LTS", ""]
KINDS = ["workstation", "laptop", "server", "virtual_server", "network", "printer"]


def devices(n: int):
    from discovery_app.domain.engagement import InventoryCategory, InventoryItem

    rng = random.Random(19)
    today = date(2026, 12, 3)
    out = []
    for i in range(n):
        bought = today - timedelta(days=rng.randint(30, 365 * 9))
        out.append(InventoryItem(category=InventoryCategory.DEVICE, kind=rng.choice(KINDS), name=f"DEV{i:05d}",
                                 os=rng.choice(OS), purchase_date=bought, warranty_end=bought + timedelta(days=1095),
                                 source=rng.choice(["NinjaOne RMM export", "Network scan"])))
    return out


def median(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    from discovery_app import formsio
    from discovery_app.domain import lifecycle
    from discovery_app.domain.suggestions import suggest
    from discovery_app.paths import AppPaths
    from discovery_app.services import Discovery

    pkg = formsio.load_package(ROOT / "forms" / "co-managed-discovery").package
    assert pkg is not None
    n = 20_000
    items = devices(n)
    today = date(2026, 12, 3)
    answers = {"mfa_coverage": "email_only", "backup_offsite": False, "current_rmm": "other_rmm"}
    t_rules = median(lambda: suggest(pkg, answers, items, [], [], today))
    t_support = median(lambda: lifecycle.support_by_uid(pkg.lifecycle, items, today))
    t_plan = median(lambda: lifecycle.replacement_plan(items, pkg.lifecycle, pkg.pricing, today))
    print(f"domain, {n} devices: rules {t_rules:.3f} s, end of support {t_support:.3f} s, "
          f"replacement plan {t_plan:.3f} s")
    with tempfile.TemporaryDirectory() as tmp:
        svc = Discovery.open(AppPaths.resolve(Path(tmp) / "b.sqlite3"), forms_root=ROOT / "forms")
        eid = svc.engagements.create("Bench", form_key="co-managed-discovery")
        svc.inventory.add_items(eid, items)
        for qid, v in answers.items():
            svc.interview.set_answer(eid, qid, v)
        def cold() -> None:
            svc.suggestions.forget()  # as after any edit of the engagement
            svc.suggestions.current(eid, today=today)

        t_cold = median(cold)
        t_count = median(lambda: svc.suggestions.open_count(eid, today=today))
        t_eos = median(lambda: svc.suggestions.end_of_support(eid, today=today))
        print(f"service, store with {n} devices: suggested_findings after a change {t_cold:.3f} s, "
              f"navigator count unchanged {t_count:.4f} s, end_of_support {t_eos:.3f} s")
        svc.close()


if __name__ == "__main__":
    main()
