"""An approver's key file and the approval request file: what travels between the consultant's
machine and the approver's, with no store needed on the approver's side.

* :func:`create_key` writes an Ed25519 private key protected by a passphrase (PKCS #8 with the best
  encryption ``cryptography`` offers), readable only by its owner, and returns the public key line
  to give the practice.
* A request file is JSON: the statement to sign, who asks and a summary in words. :func:`sign_request`
  fills in the signature and the public key on the approver's machine; the consultant then adds it
  (:meth:`discovery_app.services.approvals.Approvals.add`).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import platformdirs
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ..domain import approvals as ap
from ..export.atomic import write_atomic
from ..paths import APP_AUTHOR, APP_NAME
from .base import ServiceError

REQUEST_FORMAT = "discovery.approval-request/1"
MIN_PASSPHRASE = 8


def default_key_path(name: str) -> Path:
    """``<user data folder>/approver-keys/<name>.key``."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "approver"
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR)) / "approver-keys" / f"{slug}.key"


def create_key(path: Path, passphrase: str) -> str:
    """Write a new private key to ``path`` (refused if a file is there); the public key line."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise ServiceError(f"Choose a passphrase of at least {MIN_PASSPHRASE} characters; it protects the key.")
    if path.exists():
        raise ServiceError(f"{path} already exists; a key is never overwritten (choose another --key-out).")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.BestAvailableEncryption(passphrase.encode("utf-8")))
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        write_atomic(path, lambda f: f.write(pem))
        os.chmod(path, 0o600)
    except OSError as exc:
        raise ServiceError(f"Cannot write the key to {path}: {exc.strerror or exc}.") from None
    return ap.public_key_text(key.public_key())


def load_key(path: Path, passphrase: str) -> Ed25519PrivateKey:
    """The private key in ``path``; a sentence when the file or the passphrase is wrong."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ServiceError(f"Cannot read the key file {path}: {exc.strerror or exc}.") from None
    try:
        key = serialization.load_pem_private_key(data, passphrase.encode("utf-8") if passphrase else None)
    except TypeError:
        raise ServiceError(f"The key file {path} needs its passphrase.") from None
    except ValueError:
        raise ServiceError(f"The passphrase does not open {path} (or it is not a key file).") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ServiceError(f"{path} is not an Ed25519 approver key.")
    return key


@dataclass(frozen=True)
class SignerKey:
    """An approver's key file and its passphrase, loaded only when something is signed."""

    path: Path
    passphrase: str

    def load(self) -> Ed25519PrivateKey:
        return load_key(self.path, self.passphrase)


Signer = Ed25519PrivateKey | SignerKey


def private_key(signer: Signer) -> Ed25519PrivateKey:
    """The private key of ``signer`` (a key file is opened with its passphrase)."""
    return signer.load() if isinstance(signer, SignerKey) else signer


# ---- request files ----------------------------------------------------------------------------


def request_document(statement: ap.ApprovalStatement, summary: str) -> dict[str, Any]:
    return {"format": REQUEST_FORMAT, "summary": summary, "statement": statement.model_dump(mode="json"),
            "public_key": None, "signature": None}


def write_json(path: Path, doc: dict[str, Any]) -> Path:
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    try:
        return write_atomic(path, lambda f: f.write(text.encode("utf-8")))
    except OSError as exc:
        raise ServiceError(f"Cannot write {path}: {exc.strerror or exc}.") from None


def read_request(path: Path) -> dict[str, Any]:
    """A request (or signed) file, checked for its shape; a sentence naming the file otherwise."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ServiceError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ServiceError(f"{path.name} is not an approval request (not JSON: {exc}).") from None
    if not isinstance(doc, dict) or doc.get("format") != REQUEST_FORMAT:
        raise ServiceError(f"{path.name} is not an approval request from Discovery (its format is not "
                           f"{REQUEST_FORMAT!r}).")
    try:
        ap.parse_statement(doc.get("statement"))
    except ap.ApprovalError as exc:
        raise ServiceError(f"{path.name}: {exc}") from None
    return doc


def sign_request(path: Path, key: Ed25519PrivateKey, *, out: Path | None = None, today: date | None = None) -> Path:
    """Sign the statement in ``path`` with ``key``, dated ``today``; written to ``out`` (default: in place)."""
    doc = read_request(path)
    statement = ap.parse_statement(doc["statement"]).model_copy(update={"date": today or date.today()})
    doc["statement"] = statement.model_dump(mode="json")
    doc["public_key"] = ap.public_key_text(key.public_key())
    doc["signature"] = ap.sign(statement, key)
    return write_json(out or path, doc)


def describe(statement: ap.ApprovalStatement) -> str:
    """What is approved, in a few lines for the approver to read before signing."""
    return "\n".join(f"{label}: {value}" for label, value in ap.statement_facts(statement))
