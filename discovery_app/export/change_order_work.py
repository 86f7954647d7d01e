"""Approved change orders as delivery work: the workbook's Change Orders sheet and the PSA packs'
extra phase read these rows (proposed and declined orders are not work: the proposal's rule is no
work without an approved order, :func:`~discovery_app.domain.baseline.work_allowed`).

Each approved order is one task, its hours per role priced by the same engine as a roadmap project
(:func:`~discovery_app.domain.baseline.price_change_order`), numbered after the plan's tasks so a
PSA's work plan keeps one sequence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..domain import baseline as bl
from ..domain.engagement import Engagement, Priority
from ..domain.forms import FormPackage, Party, Phase
from . import workbook_data as hm

#: The phase the packs put approved change orders in.
PHASE_NAME = "Change orders"


@dataclass(frozen=True)
class ChangeOrderWork:
    """One approved change order: its task (lines by role with rates) and the approval."""

    number: int
    task: hm.Task
    reason: str
    monthly_change: Decimal
    approved_by: str
    approved_on: date | None
    price: Decimal  # the one-time price, as on the change-order PDF

    @property
    def hours(self) -> Decimal:
        return sum((ln.hours for ln in self.task.lines), Decimal(0))


def approved_work(eng: Engagement, form: FormPackage, first_order: int) -> tuple[ChangeOrderWork, ...]:
    """Every approved change order of ``eng`` as a task numbered from ``first_order``."""
    out = []
    orders = sorted((o for o in eng.change_orders if bl.work_allowed(o)), key=lambda o: o.number)
    for k, order in enumerate(orders):
        price = bl.price_change_order(order, form)
        lines = tuple(hm.TaskLine(ln.role_id, ln.role_name, ln.hours, ln.bill_rate, ln.cost_rate)
                      for ln in price.lines)
        task = hm.Task(
            uid=order.uid, order=first_order + k, title=f"Change order {order.number}: {order.title}", lines=lines,
            owner=hm.PARTY[Party.PROVIDER], priority=hm.PRIORITY[Priority.MEDIUM], phase=hm.PHASE[Phase.ROADMAP],
            predecessors="", definition_of_done="", risk="", plan_phase=PHASE_NAME,
            start_date=order.approved_on)
        out.append(ChangeOrderWork(order.number, task, order.reason, order.monthly_change, order.approved_by,
                                   order.approved_on, price.price))
    return tuple(out)


def phase_row(work: Sequence[ChangeOrderWork], number: int) -> hm.PhaseRow | None:
    """The packs' phase holding the approved change orders (None: there are none)."""
    if not work:
        return None
    days = [w.approved_on for w in work if w.approved_on]
    first = min(days) if days else date.today()
    return hm.PhaseRow(number=number, name=PHASE_NAME,
                       purpose="Work the client approved after signing, one change order each.",
                       tasks=len(work), hours=sum((w.hours for w in work), Decimal(0)), start_week=0, end_week=0,
                       start_date=first, end_date=max(days) if days else first)
