"""The content fingerprint of a client proposal: SHA-256 of what the document says.

The PDF's own SHA-256 proves which file was sent; it cannot tell whether the engagement still
says the same thing when the client signs weeks later. This fingerprint can: it is taken over the
client report model (every figure, sentence, table and option the proposal renders) at export and
taken again, for the same issue date, when acceptance is recorded. Equal fingerprints mean the
proposal made now would read exactly like the one the client holds; anything that changed what the
client reads since (an answer, a risk, a price input, an option, the provider's terms) changes it.

It is computed from the model, not the PDF bytes, so the same content renders to the same
fingerprint whatever the PDF library writes into its file (ids, timestamps, version strings).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel

from .report import Report


def _plain(value: Any) -> Any:
    """A JSON-ready copy of ``value``; refuses what has no stable text (an object's repr would
    carry a memory address, making two equal proposals differ)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Decimal):
        return str(value.normalize()) if value.is_finite() else str(value)
    if isinstance(value, Enum):
        return _plain(value.value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    if isinstance(value, BaseModel):
        return _plain(value.model_dump(mode="python"))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # A field left out of comparison (a photo's loader) is not part of what the value says.
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value) if f.compare}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(json.dumps(_plain(v), sort_keys=True) for v in value)
    raise TypeError(f"cannot fingerprint a {type(value).__name__}")


def proposal_fingerprint(report: Report) -> str:
    """SHA-256 (hex) of what the client proposal of ``report`` says."""
    if not report.is_client:
        raise ValueError("only the client proposal has a fingerprint")
    text = json.dumps(_plain(report), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
