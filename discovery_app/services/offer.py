"""The offer's inputs: the responsibility matrix (RACI letters, custom functions, third-party
columns, rows accepted as is) and the pricing inputs (coverage, lanes, count overrides, discount,
discovery-fee credit, discount approvals). Reading the results is in :mod:`.pricing`
(``quote``, ``matrix``); this module changes what they are computed from.

Every method validates before it writes and writes in one transaction; a refusal raises
:class:`ServiceError` with a sentence for the consultant and changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from pydantic import ValidationError

from ..domain import matrix as matrix_mod
from ..domain import pricing as pricing_mod
from ..domain.basis import Basis
from ..domain.engagement import (
    DiscountApproval,
    Engagement,
    PricingInputs,
    ResponsibilityAssignment,
)
from ..domain.forms import Lane
from ..storage import repository as repo
from .base import Core, Feature, ServiceError
from .exports import Assessments
from .pricing import QUOTE_CHILDREN, PricingBasis

RACI_ORDER = "RACI"
_SEPARATORS = re.compile(r"[\s,/;+-]+")


def normalise_letters(text: str) -> str:
    """``" a, r "`` -> ``"RA"``: upper case, separators dropped, repeats removed, in R A C I order.

    Raises :class:`ServiceError` for any other character.
    """
    letters = _SEPARATORS.sub("", text or "").upper()
    bad = sorted(set(letters) - set(RACI_ORDER))
    if bad:
        raise ServiceError(f"Use only the letters R, A, C and I (not {', '.join(bad)}).")
    return "".join(ch for ch in RACI_ORDER if ch in letters)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.casefold()).strip("_")[:40] or "function"


def _errors(exc: ValidationError) -> str:
    return "; ".join(e["msg"] for e in exc.errors())


def parse_percent(value: Decimal | str | int) -> Decimal:
    """A discount percent from a typed value ("15", "12.5 %", "12,5"): 0 to 100, 2 decimals at most."""
    if isinstance(value, bool):
        raise ServiceError("The discount must be a number of percent.")
    text = str(value).strip().rstrip("%").strip().replace(",", ".")
    if text == "":
        return Decimal("0")
    try:
        pct = Decimal(text)
    except InvalidOperation:
        raise ServiceError(f"The discount must be a number of percent, not {str(value)!r}.") from None
    if not pct.is_finite() or pct < 0 or pct > 100:
        raise ServiceError("The discount must be between 0 and 100 %.")
    if pct != pct.quantize(Decimal("0.01")):
        raise ServiceError("The discount can have at most two decimals.")
    return pct.quantize(Decimal("0.01"))


class Offer(Feature):

    def __init__(self, core: Core, assessments: Assessments):
        super().__init__(core)
        self.assessments = assessments

    # ---- responsibility matrix ----------------------------------------------------------------

    def responsibilities(self, eid: int) -> list[ResponsibilityAssignment]:
        return self.core.get(eid).responsibilities

    def ensure_responsibilities(self, eid: int) -> bool:
        """Fill the matrix from the form's template when the engagement has no rows yet.

        Returns True when rows were created, False when the engagement already had some.
        """
        eng = self.core.get(eid)
        if eng.responsibilities:
            return False
        pkg = self.core.form_of(eng)
        rows = [
            ResponsibilityAssignment(function_id=fn.id, name=fn.name, lane=fn.lane,
                                     raci={p.value: letters for p, letters in fn.raci.items()})
            for fn in pkg.responsibilities.functions
        ]
        repo.replace_children(self.store, eid, "responsibilities", rows)
        return True

    def set_responsibilities(self, eid: int, rows: Sequence[ResponsibilityAssignment]) -> None:
        """Replace the whole matrix (used to undo and redo edits). Function ids must be unique."""
        self.core.header(eid)
        ids = [r.function_id for r in rows]
        if len(set(ids)) != len(ids):
            raise ServiceError("Two functions of the matrix have the same id.")
        validated = [ResponsibilityAssignment.model_validate(r.model_dump()) for r in rows]
        repo.replace_children(self.store, eid, "responsibilities", validated)

    def _rows(self, eid: int) -> list[ResponsibilityAssignment]:
        return [r.model_copy(deep=True) for r in self.core.get(eid).responsibilities]

    @staticmethod
    def _find(rows: list[ResponsibilityAssignment], function_id: str) -> ResponsibilityAssignment:
        for r in rows:
            if r.function_id == function_id:
                return r
        raise ServiceError(f"There is no function {function_id!r} in the responsibility matrix.")

    def set_raci(self, eid: int, function_id: str, party: str, letters: str) -> str:
        """Set the letters of one cell (function, party); returns the letters as stored.

        ``party`` is "provider", "internal" or a third-party column that already exists.
        """
        stored = normalise_letters(letters)
        rows = self._rows(eid)
        row = self._find(rows, function_id)
        columns = matrix_mod.parties(rows)
        if party not in columns:
            raise ServiceError(f"There is no column {party!r}; add the third party first.")
        raci = dict(row.raci)
        raci[party] = stored
        row.raci = raci
        if not matrix_mod.check_row(row).defective:
            row.accepted_as_is = False  # fixed: a later defect must be flagged again
        repo.replace_children(self.store, eid, "responsibilities", rows)
        return stored

    def add_custom_function(self, eid: int, name: str, lane: Lane | str) -> str:
        """Add a function the template does not have; returns its id. It starts with no letters."""
        name = (name or "").strip()
        if not name:
            raise ServiceError("Give the function a name.")
        try:
            lane = Lane(lane)
        except ValueError:
            raise ServiceError(f"The lane must be run, change or govern, not {lane!r}.") from None
        rows = self._rows(eid)
        if any(r.name.casefold() == name.casefold() for r in rows):
            raise ServiceError(f"The matrix already has a function called {name!r}.")
        ids = {r.function_id for r in rows}
        base = f"custom_{_slug(name)}"
        fid, n = base, 2
        while fid in ids:
            fid, n = f"{base}_{n}", n + 1
        third = [p for p in matrix_mod.parties(rows) if p not in matrix_mod.CORE_PARTIES]
        try:
            row = ResponsibilityAssignment(function_id=fid, name=name, lane=lane, custom=True,
                                           raci={p: "" for p in (*matrix_mod.CORE_PARTIES, *third)})
        except ValidationError as exc:
            raise ServiceError(f"The function cannot be added: {_errors(exc)}.") from None
        # After the last row of its lane, so the lane stays together.
        at = max((i + 1 for i, r in enumerate(rows) if r.lane is lane), default=len(rows))
        rows.insert(at, row)
        repo.replace_children(self.store, eid, "responsibilities", rows)
        return fid

    def remove_custom_function(self, eid: int, function_id: str) -> None:
        rows = self._rows(eid)
        row = self._find(rows, function_id)
        if not row.custom:
            raise ServiceError(f"{row.name!r} comes from the form's template and cannot be removed; "
                               "clear its letters or accept it as is instead.")
        repo.replace_children(self.store, eid, "responsibilities", [r for r in rows if r is not row])

    def _check_party_name(self, rows: list[ResponsibilityAssignment], name: str, *, ignore: str | None = None) -> str:
        name = (name or "").strip()
        if not name:
            raise ServiceError("Give the third party a name.")
        if len(name) > 60:
            raise ServiceError("Keep the third party's name under 60 characters.")
        taken = {p.casefold() for p in matrix_mod.parties(rows) if p != ignore}
        taken |= {label.casefold() for label in matrix_mod.PARTY_LABELS.values()}
        taken |= {"shared"}
        if name.casefold() in taken:
            raise ServiceError(f"There is already a column called {name!r}.")
        return name

    def add_third_party(self, eid: int, name: str) -> str:
        """Add a named third-party column (empty on every row); returns the name as stored."""
        rows = self._rows(eid)
        if not rows:
            raise ServiceError("The matrix has no functions yet.")
        name = self._check_party_name(rows, name)
        for r in rows:
            r.raci = {**r.raci, name: ""}
        repo.replace_children(self.store, eid, "responsibilities", rows)
        return name

    def rename_third_party(self, eid: int, old: str, new: str) -> str:
        rows = self._rows(eid)
        if old in matrix_mod.CORE_PARTIES or old not in matrix_mod.parties(rows):
            raise ServiceError(f"There is no third-party column {old!r}.")
        new = self._check_party_name(rows, new, ignore=old)
        for r in rows:
            r.raci = {(new if p == old else p): letters for p, letters in r.raci.items()}
        repo.replace_children(self.store, eid, "responsibilities", rows)
        return new

    def remove_third_party(self, eid: int, name: str) -> None:
        """Remove a third-party column and its letters on every row."""
        rows = self._rows(eid)
        if name in matrix_mod.CORE_PARTIES or name not in matrix_mod.parties(rows):
            raise ServiceError(f"There is no third-party column {name!r}.")
        for r in rows:
            r.raci = {p: letters for p, letters in r.raci.items() if p != name}
        repo.replace_children(self.store, eid, "responsibilities", rows)

    def accept_as_is(self, eid: int, function_id: str, note: str, accepted: bool = True) -> None:
        """Accept a row without exactly one Accountable party (it no longer blocks the export),
        saying why in ``note``; ``accepted=False`` withdraws the acceptance (the note is kept)."""
        rows = self._rows(eid)
        row = self._find(rows, function_id)
        if accepted:
            note = (note or "").strip()
            if not note:
                raise ServiceError("Say why the row is accepted as is; the note goes into the handoff.")
            if not matrix_mod.check_row(row, matrix_mod.parties(rows)).defective:
                raise ServiceError(f"{row.name!r} already has exactly one Accountable party; there is nothing to accept.")
            row.notes = note
        row.accepted_as_is = accepted
        repo.replace_children(self.store, eid, "responsibilities", rows)

    # ---- pricing inputs -----------------------------------------------------------------------

    def pricing_inputs(self, eid: int) -> PricingInputs:
        """The pricing inputs alone (one row; the engagement is not loaded)."""
        self.core.header(eid)
        return repo.pricing_inputs(self.store, eid)

    def set_pricing_inputs(self, eid: int, inputs: PricingInputs) -> None:
        """Replace every pricing input at once (used to undo and redo edits)."""
        if inputs.coverage is not None:
            self._check_coverage(self.core.header(eid), inputs.coverage)
        repo.set_pricing(self.store, eid, PricingInputs.model_validate(inputs.model_dump()))

    def _update_pricing(self, eid: int, **changes: object) -> PricingInputs:
        current = self.pricing_inputs(eid)
        try:
            updated = PricingInputs.model_validate({**current.model_dump(), **changes})
        except ValidationError as exc:
            raise ServiceError(f"The pricing inputs cannot be saved: {_errors(exc)}.") from None
        repo.set_pricing(self.store, eid, updated)
        return updated

    def _check_coverage(self, eng, coverage: str) -> None:
        levels = self.core.form_of(eng).pricing.coverage
        if coverage not in {lv.id for lv in levels}:
            known = ", ".join(lv.id for lv in levels)
            raise ServiceError(f"Coverage {coverage!r} is not one of the form's coverage levels ({known}).")

    def set_coverage(self, eid: int, coverage: str | None) -> None:
        """Override the coverage answer with ``coverage``, or follow the answer again (None)."""
        if coverage is not None:
            self._check_coverage(self.core.header(eid), coverage)
        self._update_pricing(eid, coverage=coverage)

    def set_lanes_run(self, eid: int, lanes: Iterable[Lane | str]) -> None:
        """Which lanes the provider runs (and prices monthly)."""
        chosen: set[Lane] = set()
        for lane in lanes:
            try:
                chosen.add(Lane(lane))
            except ValueError:
                raise ServiceError(f"The lane must be run, change or govern, not {lane!r}.") from None
        ordered = [lane for lane in matrix_mod.LANES if lane in chosen]
        self._update_pricing(eid, lanes_run_by_provider=ordered)

    @staticmethod
    def _count(value: int | str | None, what: str) -> int | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, bool):
            raise ServiceError(f"The {what} must be a whole number.")
        try:
            n = int(str(value).strip().replace(",", ""))
        except ValueError:
            raise ServiceError(f"The {what} must be a whole number, not {value!r}.") from None
        if n < 0 or n > 1_000_000:
            raise ServiceError(f"The {what} must be between 0 and 1,000,000.")
        return n

    def set_user_count_override(self, eid: int, count: int | str | None) -> None:
        """Price this many users instead of the derived count; ``None`` (or "") uses the derived one."""
        self._update_pricing(eid, user_count_override=self._count(count, "user count"))

    def set_device_count_override(self, eid: int, kind: str, count: int | str | None) -> None:
        """Price this many devices of ``kind``; ``None`` (or "") goes back to the inventory's count."""
        header = self.core.header(eid)
        current = self.pricing_inputs(eid)
        known = set(self.core.form_of(header).device_kinds) | {k for (_c, k) in repo.inventory_kind_counts(self.store, eid) if k}
        known |= set(current.device_count_overrides)
        if kind not in known:
            raise ServiceError(f"{kind!r} is not a device kind of this engagement's form.")
        n = self._count(count, f"number of {kind.replace('_', ' ')} devices")
        overrides = dict(current.device_count_overrides)
        if n is None:
            overrides.pop(kind, None)
        else:
            overrides[kind] = n
        self._update_pricing(eid, device_count_overrides=overrides)

    def set_discount(self, eid: int, percent: Decimal | str | int, reason: str | None = None) -> Decimal:
        """Set the requested discount (and its reason, unless ``None``); returns the percent stored."""
        pct = parse_percent(percent)
        changes: dict[str, object] = {"discount_percent": pct}
        if reason is not None:
            changes["discount_reason"] = reason.strip()
        self._update_pricing(eid, **changes)
        return pct

    def set_discount_reason(self, eid: int, reason: str) -> None:
        self._update_pricing(eid, discount_reason=(reason or "").strip())

    def set_credit_discovery_fee(self, eid: int, credit: bool) -> None:
        self._update_pricing(eid, credit_discovery_fee=bool(credit))

    # ---- discount approvals -------------------------------------------------------------------

    def discount_approvals(self, eid: int) -> list[DiscountApproval]:
        """The approvals typed by hand before approvals were signed: shown as unverified, they clear
        nothing (a signed approval is added with :meth:`Approvals.add <.approvals.Approvals.add>`)."""
        self.core.header(eid)
        return [DiscountApproval.model_validate(r) for r in repo.children(self.store, eid, "discount_approvals")]

    def remove_discount_approval(self, eid: int, index: int) -> DiscountApproval:
        approvals = self.discount_approvals(eid)
        if not 0 <= index < len(approvals):
            raise ServiceError("That approval is no longer recorded.")
        removed = approvals.pop(index)
        repo.replace_children(self.store, eid, "discount_approvals", approvals)
        return removed

    def set_discount_approvals(self, eid: int, approvals: Sequence[DiscountApproval]) -> None:
        """Replace the recorded approvals (used to undo and redo edits)."""
        self.core.header(eid)
        validated = [DiscountApproval.model_validate(a.model_dump()) for a in approvals]
        repo.replace_children(self.store, eid, "discount_approvals", validated)

    # ---- pricing and the responsibility matrix ---------------------------------------------

    def pricing_basis(self, eid: int) -> PricingBasis:
        """Everything a quote of ``eid`` needs, read without the inventory's records."""
        header = self.core.header(eid)
        data = header.model_dump()
        for attr in QUOTE_CHILDREN:
            data[attr] = repo.children(self.store, eid, attr)
        data["pricing"] = repo.pricing_inputs(self.store, eid)
        counts = repo.inventory_kind_counts(self.store, eid)
        return PricingBasis(Basis(Engagement.model_validate(data), counts, self.core.approvers()), self.core.form_of(header),
                            self.assessments.sentence_locale())

    @staticmethod
    def quote_of(basis: PricingBasis) -> pricing_mod.Quote:
        """Price a basis (no store access)."""
        try:
            return pricing_mod.build_quote(basis.basis, basis.form, basis.locale)
        except pricing_mod.PricingError as exc:
            raise ServiceError(f"Cannot price engagement {basis.engagement.id}: {exc}") from exc

    def quote(self, eid: int) -> pricing_mod.Quote:
        """The engagement priced with the form it was run with."""
        return self.quote_of(self.pricing_basis(eid))

    def matrix(self, eid: int) -> matrix_mod.MatrixReport:
        """The responsibility matrix checked for exactly one Accountable party, with lane shares."""
        return matrix_mod.build_matrix(self.core.get(eid).responsibilities)
