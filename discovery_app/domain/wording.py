"""How counts are worded in everything a person reads: one place for "1 task" / "2 tasks".

Every surface (documents, pages, the command line) words a count through :func:`count`, so no
sentence can say "1 tasks".
"""

from __future__ import annotations

#: Plurals English does not make by adding "s".
IRREGULAR = {"day": "days", "person": "people", "company": "companies", "party": "parties",
             "category": "categories", "entry": "entries", "reply": "replies", "this": "these", "is": "are"}


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """The word for ``n`` things: ``singular`` for exactly one, else its plural."""
    if n == 1:
        return singular
    if plural_form is not None:
        return plural_form
    if singular in IRREGULAR:
        return IRREGULAR[singular]
    if singular.endswith(("s", "x", "ch", "sh")):
        return singular + "es"
    if singular.endswith("y") and singular[-2:-1] not in ("a", "e", "i", "o", "u"):
        return singular[:-1] + "ies"
    return singular + "s"


def count(n: int, singular: str, plural_form: str | None = None) -> str:
    """``"1 task"``, ``"0 tasks"``, ``"2 categories"``."""
    return f"{n} {plural(n, singular, plural_form)}"


#: Device kinds whose id is not a noun on its own ("6 networks" reads wrong).
DEVICE_NOUNS = {"network": "network device", "mobile": "mobile device", "storage": "storage device",
                "other": "other device", "iot": "IoT device"}


def device_noun(kind: str) -> str:
    """The singular noun for a device kind id: "virtual_server" -> "virtual server"."""
    return DEVICE_NOUNS.get(kind, kind.replace("_", " "))
