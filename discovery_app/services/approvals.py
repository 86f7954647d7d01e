"""Signed discount approvals: the practice's approvers, the request a consultant sends, and
adding the signed file back (verified, in words when it does not count).

The rules live in :mod:`discovery_app.domain.approvals`; the key and request files in
:mod:`.approval_files`. What an engagement's quote counts is decided by the one pricing engine,
which re-checks every recorded approval against the figures priced now.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from ..domain import approvals as ap
from ..domain import authority, locale_text
from ..domain import baseline as bl
from ..domain import pricing as pricing_mod
from ..domain.engagement import PricingOption, new_uid
from ..storage import repository as repo
from ..storage.db import StoreError
from . import approval_files as files
from .base import Core, Feature, ServiceError
from .offer import Offer


class Approvals(Feature):
    """The practice's approvers (settings) and each engagement's signed discount approvals."""

    def __init__(self, core: Core, offer: Offer):
        super().__init__(core)
        self.offer = offer

    # ---- the practice's approvers ---------------------------------------------------------------

    def approvers(self) -> list[ap.Approver]:
        """The approvers who count: the form packages' roots and the signed log's approvers."""
        return list(self.core.approvers())

    def listing(self) -> list[authority.Listed]:
        """Everyone ``approver list`` shows, with those that do not count and why."""
        return authority.listing(self.core.approver_log(), self.core.unsigned_approvers())

    def matrix_roles(self) -> list[str]:
        """The roles the installed forms' approval matrices name (lowest level first)."""
        out: list[str] = []
        for pkg in self.core.forms.available():
            for level in sorted(pkg.pricing.discount_approvals, key=lambda lv: lv.max_percent):
                if level.role and ap.norm(level.role) not in {ap.norm(r) for r in out}:
                    out.append(level.role)
        return out

    def add_approver(self, name: str, role: str, public_key: str, *, signer: files.Signer | None = None,
                     valid_from: date | None = None, valid_to: date | None = None) -> ap.Approver:
        """List an approver by a change signed with ``signer`` (the key of an approver who counts
        and whose role is at least the new one's; the very first approver of a practice without
        roots signs with their own key). Refused, nothing stored, for a bad key, a role no matrix
        names, a key already listed or a signer without that authority."""
        approver = self.check_approver(name, role, public_key, valid_from=valid_from, valid_to=valid_to)
        self._sign_change("add", approver, signer)
        return approver

    def check_approver(self, name: str, role: str, public_key: str, *, valid_from: date | None = None,
                       valid_to: date | None = None) -> ap.Approver:
        """The approver the fields describe, before anything is signed; :class:`ServiceError` naming
        the field otherwise (a bad key, a role no matrix names, a key already listed)."""
        try:
            approver = ap.Approver(name=name, role=role, public_key=public_key, valid_from=valid_from, valid_to=valid_to)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = str(err["loc"][0]).replace("_", " ") if err["loc"] else "approver"
            msg = str(err.get("ctx", {}).get("error") or err["msg"])
            raise ServiceError(f"Approver, {where}: {msg.removeprefix('Value error, ')}") from None
        roles = self.matrix_roles()
        match = next((r for r in roles if ap.norm(r) == ap.norm(approver.role)), None)
        if match is None:
            raise ServiceError(f"{approver.role!r} is not a role of the approval matrix; the forms name "
                               f"{', '.join(roles) or 'no approving role'}.")
        approver = approver.model_copy(update={"role": match})
        for a in self.approvers():
            if a.public_key == approver.public_key:
                raise ServiceError(f"That key (fingerprint {a.fingerprint}) is already listed for {a.name} as "
                                   f"{a.role}; remove it first to change the role or dates.")
        return approver

    def remove_approver(self, who: str, *, signer: files.Signer | None = None) -> list[ap.Approver]:
        """Remove the approver named ``who`` (or whose key fingerprint starts with ``who``) by a
        change signed with ``signer``. Entries written straight into the settings count for
        nothing and go without a key."""
        want = ap.norm(who)
        compact = who.replace(" ", "").upper()

        def hit(a: ap.Approver) -> bool:
            return ap.norm(a.name) == want or (len(compact) >= 4 and a.fingerprint.replace(" ", "").startswith(compact))

        log = self.core.approver_log()
        gone = [a for a in log.approvers if hit(a)]
        unsigned = [a for a in self.core.unsigned_approvers() if hit(a)]
        if not gone and not unsigned:
            roots = [a for a in log.roots if hit(a)]
            if roots:
                raise ServiceError(f"{roots[0].name} is listed in the form package (approvers.yaml); remove them there.")
            never = [x for x in log.not_counted() if hit(x.approver)]
            if never:
                raise ServiceError(f"{never[0].approver.name}'s entry never counted ({never[0].reason.rstrip('.')}); it "
                                   "stays in the signed log as a record and approves nothing.")
            raise ServiceError(f"No approver is listed as {who!r}; `approver list` shows who is.")
        if gone:
            if len(gone) == len(log.counting):
                raise ServiceError(f"{gone[0].name} is the last approver who counts; list another approver first, "
                                   "or nobody could sign a change again.")
            for a in gone:
                self._sign_change("remove", a, signer)
        if unsigned:
            keep = [a for a in self.core.unsigned_approvers() if not hit(a)]
            self.core.set_setting(ap.APPROVERS_KEY, [a.model_dump(mode="json") for a in keep])
        return [*gone, *unsigned]

    def _sign_change(self, action: Literal["add", "remove"], approver: ap.Approver, signer: files.Signer | None) -> None:
        """Sign the change, check that it counts when replayed after the stored log (the one rule,
        :func:`~discovery_app.domain.authority.replay`), then append it; nothing is stored otherwise."""
        if signer is None:
            raise ServiceError(f"{'Adding' if action == 'add' else 'Removing'} an approver is a change signed with "
                               "the key of an approver who counts (--key KEY); the first approver signs with "
                               "their own key.")
        key = files.private_key(signer)
        log = self.core.approver_log()
        change = authority.new_change(action, approver, key=key, at=datetime.now(UTC), after=log)
        entry = change.model_dump(mode="json")
        tried = self.core.approver_log([entry]).entries[-1]
        if not tried.counts:
            raise ServiceError(f"Not saved: {tried.reason}")
        try:
            # The change links to the log as replayed: refused if another program appended since.
            repo.append_setting(self.store, authority.CHANGES_KEY, entry, expect_count=len(log.entries))
        except StoreError as exc:
            raise ServiceError(str(exc)) from None

    # ---- an engagement's approvals --------------------------------------------------------------

    def records(self, eid: int) -> list[ap.SignedApproval]:
        self.core.header(eid)
        return [ap.SignedApproval.model_validate(r) for r in repo.children(self.store, eid, "signed_approvals")]

    def statement(self, eid: int, option: int = 0, *, requested_by: str | None = None,
                  day: date | None = None) -> tuple[ap.ApprovalStatement, pricing_mod.Quote]:
        """What an approver of the discount of ``option`` (0: the pricing page) approves, priced now."""
        basis = self.offer.pricing_basis(eid)
        eng = basis.engagement
        label = ""
        if option:
            # The quote's basis leaves the options out: read them (a narrow read) for this one.
            eng = eng.model_copy(update={"options": [PricingOption.model_validate(r)
                                                     for r in repo.children(self.store, eid, "options")]})
            try:
                inputs = bl.option_inputs(eng, option)
            except bl.BaselineError as exc:
                raise ServiceError(str(exc)) from None
            basis = basis.with_inputs(inputs)
            label = next(o.label for o in eng.options if o.number == option)
        quote = self.offer.quote_of(basis)
        who = eng.consultant if requested_by is None else requested_by.strip()
        stmt = pricing_mod.current_statement(basis.engagement, quote.currency, quote.stabilization, quote.monthly,
                                             day=day or date.today(), option=option,
                                             option_label=label, requested_by=who)
        return stmt, quote

    def approvable(self, eid: int, option: int = 0, *, requested_by: str | None = None,
                   day: date | None = None) -> tuple[ap.ApprovalStatement, pricing_mod.Quote]:
        """The statement to approve, priced now; refused when the discount needs no approval or
        is above the matrix (nobody can approve it)."""
        stmt, quote = self.statement(eid, option, requested_by=requested_by, day=day)
        req = quote.discount.requirement
        pct = pricing_mod.percent(stmt.discount_percent)
        if not req.allowed:
            raise ServiceError(f"A {pct} discount is above the approval matrix; nobody can approve it.")
        if not req.needs_approval:
            raise ServiceError(f"A {pct} discount needs no approval.")
        return stmt, quote

    def request(self, eid: int, path: Path, *, option: int = 0, requested_by: str | None = None,
                day: date | None = None) -> Path:
        """Write the request file an approver signs; refused when the discount needs no approval."""
        stmt, quote = self.approvable(eid, option, requested_by=requested_by, day=day)
        req = quote.discount.requirement
        pct = pricing_mod.percent(stmt.discount_percent)
        header = self.core.header(eid)
        summary = (f"Please approve a {pct} discount for {header.client_name}: it needs the "
                   f"{pricing_mod.role_label(req.role or '')}. Sign with: discovery-app approval sign FILE --key KEY")
        return files.write_json(path, files.request_document(stmt, summary))

    def add(self, eid: int, path: Path, *, today: date | None = None) -> ap.VerifiedApproval:
        """Verify a signed request file and record it; :class:`ServiceError` says why it does not
        count (nothing is recorded then)."""
        doc = files.read_request(path)
        if not doc.get("signature") or not doc.get("public_key"):
            raise ServiceError(f"{path.name} is not signed yet: the approver signs it with "
                               "`discovery-app approval sign FILE --key KEY`.")
        if not isinstance(doc["signature"], str) or not isinstance(doc["public_key"], str):
            raise ServiceError(f"{path.name}: the signature and the public key must be text.")
        stmt = ap.parse_statement(doc["statement"])
        header = self.core.header(eid)
        if stmt.engagement_uid != header.uid:
            raise ServiceError(f"{path.name} approves another engagement, not engagement {eid}.")
        record = ap.SignedApproval(uid=new_uid(), statement=doc["statement"], signature=doc["signature"],
                                   public_key=doc["public_key"], verified_at=datetime.now(UTC))
        return self._record(eid, record, stmt.option, f"The approval in {path.name} does not count: ", today=today)

    def approve(self, eid: int, signer: files.Signer, *, option: int = 0, today: date | None = None,
                expect: ap.ApprovalStatement | None = None) -> ap.VerifiedApproval:
        """Team mode: sign the engagement's statement as priced now (``option``; 0: the pricing
        page) with the approver's own key and record it, checked as a signed file is (the role
        and the matrix; nobody approves their own discount). ``expect``: the statement the
        approver was shown; refused when the figures moved since."""
        key = files.private_key(signer)
        # The statement carries this machine's own day (what the approver sees and signs); the
        # verification below allows for any time zone's today.
        stmt, _quote = self.approvable(eid, option, day=today or date.today())
        if expect is not None and expect.figures() != stmt.figures():
            raise ServiceError("The pricing changed since this was shown (someone saved a change); nothing was "
                               "signed. Look at it again.")
        record = ap.SignedApproval(uid=new_uid(), statement=stmt.model_dump(mode="json"), signature=ap.sign(stmt, key),
                                   public_key=ap.public_key_text(key.public_key()), verified_at=datetime.now(UTC))
        return self._record(eid, record, option, "Not approved: ", today=today)

    def _record(self, eid: int, record: ap.SignedApproval, option: int, refused: str, *,
                today: date | None) -> ap.VerifiedApproval:
        """Verify ``record`` against the engagement priced now and record it (the one path for a
        signed file and a direct approval); :class:`ServiceError` (``refused`` + why) otherwise."""
        header = self.core.header(eid)
        current, _quote = self.statement(eid, option)
        pkg = self.core.form_of(header)
        try:
            verified = ap.verify(record, approvers=ap.merge_approvers(self.core.approvers(), pkg.approvers or ()),
                                 levels=pkg.pricing.discount_approvals, current=current,
                                 consultant=header.consultant, today=today or locale_text.latest_today())
        except ap.ApprovalError as exc:
            raise ServiceError(f"{refused}{exc}") from None
        record = record.model_copy(update={"approver": verified.approver, "role": verified.role})
        kept = [r for r in self.records(eid) if r.signature != record.signature]
        repo.replace_children(self.store, eid, "signed_approvals", [*kept, record])
        return verified

    def remove(self, eid: int, uid: str) -> ap.SignedApproval:
        records = self.records(eid)
        gone = next((r for r in records if r.uid == uid), None)
        if gone is None:
            raise ServiceError("That approval is no longer recorded.")
        repo.replace_children(self.store, eid, "signed_approvals", [r for r in records if r.uid != uid])
        return gone

    def checks(self, eid: int) -> list[ap.ApprovalCheck]:
        """Each recorded approval checked against the figures of its own option, priced now."""
        header = self.core.header(eid)
        pkg = self.core.form_of(header)
        approvers = ap.merge_approvers(self.core.approvers(), pkg.approvers or ())
        out = []
        currents: dict[int, ap.ApprovalStatement | None] = {}
        for r in self.records(eid):
            option = _option_of(r.statement)
            if option not in currents:
                try:
                    currents[option] = self.statement(eid, option)[0]
                except ServiceError:
                    currents[option] = None
            out += ap.check([r], approvers=approvers, levels=pkg.pricing.discount_approvals,
                            current=currents[option], consultant=header.consultant)
        return out


def _option_of(statement: Any) -> int:
    value = statement.get("option", 0) if isinstance(statement, dict) else 0
    return value if isinstance(value, int) else 0
