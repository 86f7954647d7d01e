"""Passphrase encryption for archives: AES-256-GCM with a key from scrypt.

A sealed file is a small header followed by the AES-GCM ciphertext of the whole archive::

    magic "DSCVSEAL" | version 1 | kdf 1 (scrypt) | log2(n) | r | p | salt (16) | nonce (12)
    | check (16) | ciphertext + 16-byte tag

* The key is derived with scrypt (n = 2**17, r = 8, p = 1: about 128 MB of memory and a few
  tenths of a second per guess) from the passphrase and a random salt; salt and nonce are fresh
  for every file.
* AES-GCM authenticates the ciphertext *and* the header (passed as associated data), so any
  changed byte is detected.
* ``check`` is 16 more bytes of the scrypt output. It lets us tell a wrong passphrase ("the
  passphrase is not the one...") from a file changed after it was written, in words. It gives an
  attacker nothing the GCM tag does not already give: each guess still costs one scrypt.
"""

from __future__ import annotations

import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"DSCVSEAL"
VERSION = 1
KDF_SCRYPT = 1
LOG2_N = 17
R, P = 8, 1
# A file could ask for absurd scrypt costs to exhaust memory: accept only a sane range.
LOG2_N_RANGE = (14, 20)
_HEAD = struct.Struct(">8sBBBBB16s12s16s")
HEADER_SIZE = _HEAD.size
MIN_PASSPHRASE = 8


class SealError(ValueError):
    """The sealed file cannot be opened; the message says why, in words."""


class WrongPassphrase(SealError):
    pass


class Tampered(SealError):
    pass


def is_sealed(data: bytes) -> bool:
    return data.startswith(MAGIC)


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise SealError(f"Choose a passphrase of at least {MIN_PASSPHRASE} characters.")


def _derive(passphrase: str, salt: bytes, log2_n: int, r: int, p: int) -> tuple[bytes, bytes]:
    out = Scrypt(salt=salt, length=48, n=2**log2_n, r=r, p=p).derive(passphrase.encode("utf-8"))
    return out[:32], out[32:]


def seal(data: bytes, passphrase: str, *, log2_n: int | None = None) -> bytes:
    check_passphrase(passphrase)
    log2_n = LOG2_N if log2_n is None else log2_n
    salt, nonce = os.urandom(16), os.urandom(12)
    key, check = _derive(passphrase, salt, log2_n, R, P)
    header = _HEAD.pack(MAGIC, VERSION, KDF_SCRYPT, log2_n, R, P, salt, nonce, check)
    return header + AESGCM(key).encrypt(nonce, data, header)


def unseal(data: bytes, passphrase: str) -> bytes:
    if len(data) < HEADER_SIZE + 16 or not is_sealed(data):
        raise Tampered("The file is too short or not an encrypted Discovery archive: it is damaged.")
    magic, version, kdf, log2_n, r, p, salt, nonce, check = _HEAD.unpack_from(data)
    if version != VERSION or kdf != KDF_SCRYPT:
        raise SealError(
            f"The archive is encrypted in a format this version does not know ({version}/{kdf}); "
            "update Discovery."
        )
    lo, hi = LOG2_N_RANGE
    if not (lo <= log2_n <= hi and 1 <= r <= 16 and 1 <= p <= 4):
        raise Tampered("The archive's encryption header is not valid: the file was changed or is damaged.")
    key, expected = _derive(passphrase, salt, log2_n, r, p)
    if not _same(expected, check):
        raise WrongPassphrase("The passphrase is wrong: it is not the one this archive was encrypted with.")
    header = data[:HEADER_SIZE]
    try:
        return AESGCM(key).decrypt(nonce, data[HEADER_SIZE:], header)
    except InvalidTag:
        raise Tampered(
            "The archive was changed or damaged after it was written (its content does not match "
            "its authentication tag). Nothing was imported; ask for a fresh copy."
        ) from None


def _same(a: bytes, b: bytes) -> bool:
    import hmac

    return hmac.compare_digest(a, b)
