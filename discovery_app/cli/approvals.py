"""Signed discount approvals: ``approver init|add|list|remove`` and ``approval request|sign|add|list|remove``.

An approver creates a key once (``approver init``) and gives the practice the public key line;
the practice lists it (``approver add``). A consultant writes a request file (``approval request``),
the approver signs it on their own machine with no store (``approval sign``), and the consultant
records it (``approval add``), which checks the signature, the role and the figures.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .export import iso_day

if TYPE_CHECKING:
    from ..domain.approvals import VerifiedApproval
    from ..services import Discovery
    from ..services.approval_files import SignerKey

PASSPHRASE_ENV = "DISCOVERY_APPROVER_PASSPHRASE"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("approver", help="discount approvers: create a signing key, list the practice's approvers",
                       description="Approvers sign discount approvals with their own Ed25519 key. `init` creates "
                       "the key on the approver's machine; `add`, `list` and `remove` keep the practice's list "
                       "of approvers (name, role in the approval matrix, public key, valid dates) in the store.")
    acts = p.add_subparsers(dest="approver_command", metavar="ACTION", required=True)
    a = acts.add_parser("init", help="create a signing key protected by a passphrase; prints the public key line")
    a.add_argument("--name", required=True)
    a.add_argument("--role", required=True, help="the role in the approval matrix, e.g. service_leader or ceo")
    a.add_argument("--key-out", type=Path, metavar="FILE", help="where to write the private key "
                   "(default: the user data folder, approver-keys/NAME.key)")
    _passphrase_args(a)
    a.set_defaults(handler=run_init, needs_store=False)
    a = acts.add_parser("add", help="list an approver of the practice (a change signed with an approver's key)",
                        description="List an approver: a change signed with the key of an approver who counts and "
                        "whose role is at least the new one's. The practice's first approver (with no roots in the "
                        "form package) lists themselves with their own key; --public-key may then be left out.")
    a.set_defaults(writes=True, handler=run_approver)
    a.add_argument("--name", required=True)
    a.add_argument("--role", required=True)
    a.add_argument("--public-key", metavar="ed25519:...", help="the new approver's line from `approver init` "
                   "(default: the public key of --key: you list yourself)")
    a.add_argument("--key", metavar="KEY", help="the signer's private key file (an ed25519:... line here is read as "
                   "--public-key, as before; the signer's key then goes in --signer-key)")
    a.add_argument("--signer-key", type=Path, metavar="KEY", help=argparse.SUPPRESS)
    a.add_argument("--valid-from", type=iso_day, metavar="YYYY-MM-DD")
    a.add_argument("--valid-to", type=iso_day, metavar="YYYY-MM-DD")
    _passphrase_args(a)
    a = acts.add_parser("list", help="the practice's approvers; entries that do not count are marked, with why")
    a.add_argument("--json", action="store_true")
    a.set_defaults(handler=run_approver)
    a = acts.add_parser("remove", help="remove an approver by name or key fingerprint (a signed change)")
    a.add_argument("who", metavar="NAME_OR_FINGERPRINT")
    a.add_argument("--key", type=Path, metavar="KEY", help="the signer's private key file (not needed for an entry "
                   "that does not count)")
    _passphrase_args(a)
    a.set_defaults(writes=True, handler=run_approver)

    p = sub.add_parser("approval", help="signed discount approvals: request, sign, add",
                       description="A discount above the free level needs an approval signed with the key of an "
                       "approver whose role meets the approval matrix. Any change to the priced engagement "
                       "after signing voids it; a consultant cannot approve their own discount.")
    acts = p.add_subparsers(dest="approval_command", metavar="ACTION", required=True)
    a = acts.add_parser("request", help="write the request file the approver signs")
    a.add_argument("id", type=int, metavar="ID")
    a.add_argument("file", type=Path, metavar="FILE")
    a.add_argument("--option", type=int, default=0, metavar="N", help="the option to approve (default: the "
                   "pricing page's own pricing)")
    a.add_argument("--requested-by", metavar="NAME", help="who asks (default: the engagement's consultant)")
    a.set_defaults(handler=run_approval)
    a = acts.add_parser("sign", help="sign a request file with your key (on the approver's machine; no store)")
    a.add_argument("file", type=Path, metavar="FILE")
    a.add_argument("--key", required=True, type=Path, metavar="KEY")
    a.add_argument("--out", type=Path, metavar="FILE", help="write the signed file here (default: in place)")
    a.add_argument("--yes", action="store_true", help="sign without asking to confirm what is approved")
    _passphrase_args(a)
    a.set_defaults(handler=run_sign, needs_store=False)
    a = acts.add_parser("approve", help="team mode: sign the discount as priced now with your key and record it",
                        description="On the shared store, an approver signs the engagement's discount as priced now "
                        "(the pricing page's, or --option N) with their own key; it is checked and recorded as a "
                        "signed file is. Nobody approves their own discount.")
    a.add_argument("id", type=int, metavar="ID")
    a.add_argument("--key", required=True, type=Path, metavar="KEY")
    a.add_argument("--option", type=int, default=0, metavar="N", help="the option to approve (default: the "
                   "pricing page's own pricing)")
    a.add_argument("--yes", action="store_true", help="sign without asking to confirm what is approved")
    _passphrase_args(a)
    a.set_defaults(writes=True, handler=run_approval)
    a = acts.add_parser("add", help="verify a signed file and record the approval")
    a.add_argument("id", type=int, metavar="ID")
    a.add_argument("file", type=Path, metavar="FILE")
    a.set_defaults(writes=True, handler=run_approval)
    a = acts.add_parser("list", help="the recorded approvals and whether each counts now")
    a.add_argument("id", type=int, metavar="ID")
    a.add_argument("--json", action="store_true")
    a.set_defaults(handler=run_approval)
    a = acts.add_parser("remove", help="remove a recorded signed approval (by its number in `approval list`)")
    a.add_argument("id", type=int, metavar="ID")
    a.add_argument("number", type=int, metavar="N")
    a.set_defaults(writes=True, handler=run_approval)


def _passphrase_args(a: argparse.ArgumentParser) -> None:
    a.add_argument("--passphrase-file", type=Path, metavar="FILE",
                   help=f"read the passphrase from FILE (first line); or set {PASSPHRASE_ENV}; else it is asked")


def _passphrase(args: argparse.Namespace, *, confirm: bool) -> str:
    from ..services import ServiceError

    if args.passphrase_file:
        try:
            lines = args.passphrase_file.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise ServiceError(f"Cannot read the passphrase file {args.passphrase_file}: {exc.strerror}.") from None
        return lines[0] if lines else ""
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    first = getpass.getpass("Passphrase for the key: ")
    if confirm and getpass.getpass("The same passphrase again: ") != first:
        raise ServiceError("The two passphrases differ; nothing was written.")
    return first


def _run(handler: Callable[[argparse.Namespace, Discovery | None], int]) -> Callable[[argparse.Namespace, Discovery | None], int]:
    """Errors of a command that runs without a store, in words (the store path has its own)."""
    def run(args: argparse.Namespace, service: Discovery | None) -> int:
        from ..services import ServiceError

        try:
            return int(handler(args, service))
        except ServiceError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    return run


@_run
def run_init(args: argparse.Namespace, _service: Discovery | None) -> int:
    from ..services import ServiceError
    from ..services import approval_files as files

    if not args.name.strip() or not args.role.strip():
        raise ServiceError("Give the approver's --name and --role.")
    path = args.key_out or files.default_key_path(args.name)
    if path.exists():
        raise ServiceError(f"{path} already exists; a key is never overwritten (choose another --key-out).")
    line = files.create_key(path, _passphrase(args, confirm=True))
    print(f"Private key written to {path} (protected by your passphrase; keep it on this machine).")
    print("An approver who counts lists you with (the practice's first approver lists themselves with their own key):")
    print(f"  discovery-app approver add --name {json.dumps(args.name.strip())} --role {args.role.strip()} "
          f"--public-key {line} --key SIGNER_KEY")
    return 0


@_run
def run_sign(args: argparse.Namespace, _service: Discovery | None) -> int:
    from ..domain import approvals as ap
    from ..services import ServiceError
    from ..services import approval_files as files

    doc = files.read_request(args.file)
    statement = ap.parse_statement(doc["statement"])
    print(files.describe(statement))
    key = files.load_key(args.key, _passphrase(args, confirm=False))
    if not args.yes and sys.stdin.isatty():
        if input("Sign this approval? [y/N] ").strip().lower() not in ("y", "yes"):
            raise ServiceError("Not signed; nothing was written.")
    out = files.sign_request(args.file, key, out=args.out, today=date.today())
    print(f"Signed ({ap.fingerprint(ap.public_key_text(key.public_key()))}); send {out} back to the consultant.")
    return 0


def signer_of(args: argparse.Namespace, path: Path | None) -> SignerKey | None:
    """The signer's key file with its passphrase (from --passphrase-file, the environment or a prompt)."""
    from ..services.approval_files import SignerKey

    return None if path is None else SignerKey(path, _passphrase(args, confirm=False))


def run_approver(args: argparse.Namespace, service: Discovery) -> int:
    from ..domain import approvals as ap
    from ..services import ServiceError
    from ..services import approval_files as files

    a = service.approvals
    if args.approver_command == "add":
        public, key_path = args.public_key, args.key
        if key_path and key_path.strip().startswith(ap.KEY_PREFIX) and not public:
            public, key_path = key_path, args.signer_key  # the form before list changes were signed
        elif args.signer_key and not key_path:
            key_path = args.signer_key
        if not key_path:
            raise ServiceError("Listing an approver is a change signed with the key of an approver who counts: "
                               "give it with --key KEY (the first approver uses their own key). Nothing was saved.")
        signer = signer_of(args, Path(key_path))
        assert signer is not None
        if not public:
            public = ap.public_key_text(files.private_key(signer).public_key())
        who = a.add_approver(args.name, args.role, public, signer=signer, valid_from=args.valid_from,
                             valid_to=args.valid_to)
        print(f"{who.name} is listed as {who.role} (key {who.fingerprint}), signed by your key.")
        return 0
    if args.approver_command == "remove":
        for who in a.remove_approver(args.who, signer=signer_of(args, args.key)):
            print(f"Removed {who.name} ({who.role}, key {who.fingerprint}).")
        return 0
    listed = a.listing()
    if args.json:
        print(json.dumps([{**x.approver.model_dump(mode="json"), "fingerprint": x.approver.fingerprint,
                           "counts": x.counts, "source": x.source, "reason": x.reason} for x in listed], indent=2))
        return 0
    if not listed:
        print("No approvers are listed. An approver runs `discovery-app approver init`, then "
              "`discovery-app approver add --key KEY` lists them (the first one lists themselves).")
    for x in listed:
        p = x.approver
        dates = ""
        if p.valid_from or p.valid_to:
            dates = f", valid {p.valid_from.isoformat() if p.valid_from else '…'} to {p.valid_to.isoformat() if p.valid_to else '…'}"
        where = " (form package)" if x.source == "forms" else ""
        state = "" if x.counts else f" - not counted: {x.reason}"
        print(f"{p.name}: {p.role}, key {p.fingerprint}{dates}{where}{state}")
    return 0


def run_approval(args: argparse.Namespace, service: Discovery) -> int:
    a = service.approvals
    cmd = args.approval_command
    if cmd == "request":
        path = a.request(args.id, args.file, option=args.option, requested_by=args.requested_by)
        print(f"Request written to {path}; the approver signs it with "
              f"`discovery-app approval sign {path.name} --key KEY` and sends it back.")
        return 0
    if cmd == "add":
        v = a.add(args.id, args.file)
        print(_recorded(v))
        return 0
    if cmd == "approve":
        from ..services import ServiceError
        from ..services import approval_files as files

        statement, _quote = a.approvable(args.id, args.option)
        print(files.describe(statement))
        signer = signer_of(args, args.key)
        assert signer is not None
        if not args.yes and sys.stdin.isatty():
            if input("Approve and sign this? [y/N] ").strip().lower() not in ("y", "yes"):
                raise ServiceError("Not approved; nothing was recorded.")
        v = a.approve(args.id, signer, option=args.option)
        print(_recorded(v))
        return 0
    checks = a.checks(args.id)
    if cmd == "remove":
        if not 1 <= args.number <= len(checks):
            print(f"error: there is no approval {args.number}; `approval list {args.id}` numbers them.", file=sys.stderr)
            return 1
        gone = a.remove(args.id, checks[args.number - 1].record.uid)
        print(f"Removed the approval by {gone.approver or 'an unknown approver'}.")
        return 0
    typed = service.offer.discount_approvals(args.id)
    if args.json:
        print(json.dumps({
            "signed": [{"approver": c.record.approver, "role": c.record.role, "verified": c.verified,
                        "problem": c.problem, "statement": c.record.statement} for c in checks],
            "typed_by_hand": [{**t.model_dump(mode="json"), "verified": False} for t in typed]}, indent=2))
        return 0
    if not checks and not typed:
        print("No approvals recorded.")
    for n, c in enumerate(checks, 1):
        when = c.statement.date.isoformat() if c.statement else "?"
        state = "verified" if c.verified else f"does not count: {c.problem}"
        print(f"{n}. {c.record.approver or '?'} ({c.record.role or '?'}), {when}: {state}")
    for t in typed:
        print(f"-  {t.approver} ({t.role}), {t.approved_on.isoformat()}: unverified, typed by hand (clears nothing)")
    return 0


def _recorded(v: VerifiedApproval) -> str:
    from ..domain.locale_text import format_percent

    return (f"Approval recorded: {v.approver} ({v.role}) approved a {format_percent(v.percent, None)} discount on "
            f"{v.approved_on.isoformat()}; key {v.fingerprint}, signature verified.")
