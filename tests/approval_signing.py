"""Signing discount approvals in tests: throwaway Ed25519 keys, never a committed private key."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from discovery_app.domain import approvals as ap

# Every throwaway key made here, by its public key line: the helpers sign list changes with them.
KEYS: dict[str, Ed25519PrivateKey] = {}


def approver(name: str = "Ana Ruiz", role: str = "ceo", **dates: date | None) -> tuple[ap.Approver, Ed25519PrivateKey]:
    """A listed approver and their (throwaway) private key."""
    key = Ed25519PrivateKey.generate()
    KEYS[ap.public_key_text(key.public_key())] = key
    return ap.Approver(name=name, role=role, public_key=ap.public_key_text(key.public_key()), **dates), key


def signer_for(service: Any, role: str, own: Ed25519PrivateKey | None = None) -> Ed25519PrivateKey:
    """The key that may sign a change for ``role``: the highest-ranked listed approver whose key
    these helpers made; with nobody listed, the new approver's own key (trusted on first use)."""
    levels = [lv for pkg in service.approvals.core.forms.available() for lv in pkg.pricing.discount_approvals]
    known = [a for a in service.approvals.approvers() if a.public_key in KEYS]
    known.sort(key=lambda a: -(ap.role_ceiling(levels, a.role) or 0))
    if known:
        return KEYS[known[0].public_key]
    assert own is not None, "nobody is listed yet: the first approver signs with their own key"
    return own


def list_approver(service: Any, person: ap.Approver, key: Ed25519PrivateKey | None = None) -> ap.Approver:
    """List ``person`` by a signed change, as ``approver add --key`` does."""
    own = key or KEYS.get(person.public_key)
    return service.approvals.add_approver(person.name, person.role, person.public_key,
                                          signer=signer_for(service, person.role, own),
                                          valid_from=person.valid_from, valid_to=person.valid_to)


def signed(statement: ap.ApprovalStatement, key: Ed25519PrivateKey, **changes: Any) -> ap.SignedApproval:
    """``statement`` signed with ``key``; ``changes`` alter the statement after signing (tampering)."""
    signature = ap.sign(statement, key)
    data = statement.model_dump(mode="json")
    data.update({k: str(v) if not isinstance(v, (int, str)) else v for k, v in changes.items()})
    return ap.SignedApproval(uid=ap.fingerprint(signature), statement=data, signature=signature,
                             public_key=ap.public_key_text(key.public_key()), verified_at=datetime.now(UTC))


def approve(service: Any, eid: int, *, name: str = "Ana Ruiz", role: str = "ceo", option: int = 0,
            day: date | None = None, tmp: Any = None) -> ap.VerifiedApproval:
    """List a throwaway approver in the settings and record their signed approval of the
    engagement's discount as priced now (request -> sign -> add, as the command line does)."""
    import tempfile
    from pathlib import Path

    from discovery_app.services import approval_files

    person, key = approver(name, role)
    if all(a.public_key != person.public_key for a in service.approvals.approvers()):
        list_approver(service, person, key)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(tmp or folder) / f"approval-{eid}-{option}.json"
        service.approvals.request(eid, path, option=option, requested_by="")
        approval_files.sign_request(path, key, today=day)
        return service.approvals.add(eid, path, today=day)
