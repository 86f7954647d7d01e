"""What checking signed approvals costs a quote: the pricing page re-prices on every keystroke,
and every quote re-verifies each recorded approval (Ed25519) against the prices it computes.

    .venv/bin/python benchmarks/approvals.py

Prints the median time of one signature check, and of pricing the demo engagement with no
signed approval and with three (one verified, two that no longer count).
"""

from __future__ import annotations

import statistics
import time
from datetime import date
from decimal import Decimal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from discovery_app import resources
from discovery_app.demo import build_demo
from discovery_app.domain import approvals as ap
from discovery_app.domain.basis import Basis
from discovery_app.domain.pricing import build_quote, current_statement
from discovery_app.formsio import load_package


def median_ms(fn, n: int = 200) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def main() -> None:
    pkg = load_package(resources.forms_dir() / "co-managed-discovery").package
    assert pkg is not None
    eng, _ = build_demo(pkg)
    eng.pricing = eng.pricing.model_copy(update={"discount_percent": Decimal("15")})
    q = build_quote(Basis.of(eng), pkg)
    key = Ed25519PrivateKey.generate()
    ceo = ap.Approver(name="Ana Ruiz", role="ceo", public_key=ap.public_key_text(key.public_key()))
    stmt = current_statement(eng, q.currency, q.stabilization, q.monthly, day=date(2026, 12, 1))
    records = []
    for s in (stmt, stmt.model_copy(update={"fixed_fee": stmt.fixed_fee + 1}),
              stmt.model_copy(update={"monthly_fee": stmt.monthly_fee + 1})):
        records.append(ap.SignedApproval(uid=str(len(records)), statement=s.model_dump(mode="json"),
                                         signature=ap.sign(s, key), public_key=ceo.public_key,
                                         verified_at="2026-12-01T00:00:00Z"))
    levels = pkg.pricing.discount_approvals
    one = median_ms(lambda: ap.verify(records[0], approvers=[ceo], levels=levels, current=stmt))
    bare = median_ms(lambda: build_quote(Basis.of(eng), pkg), 50)
    signed = eng.model_copy(update={"signed_approvals": records})
    with_three = median_ms(lambda: build_quote(Basis.of(signed, [ceo]), pkg), 50)
    assert build_quote(Basis.of(signed, [ceo]), pkg).discount.approved
    print(f"verify one approval: {one:.3f} ms")
    print(f"quote, no signed approval: {bare:.2f} ms")
    print(f"quote, 3 signed approvals: {with_three:.2f} ms (+{with_three - bare:.2f} ms)")


if __name__ == "__main__":
    main()
