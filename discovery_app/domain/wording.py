"""How counts are worded in everything a person reads: one place for "1 task" / "2 tasks".

Every surface (documents, pages, the command line) words a count through :func:`count`, so no
sentence can say "1 tasks".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

#: Plurals English does not make by adding "s".
IRREGULAR = {"day": "days", "person": "people", "company": "companies", "party": "parties",
             "category": "categories", "entry": "entries", "reply": "replies", "this": "these", "is": "are"}


@lru_cache(maxsize=32)
def _plural_rule(locale: str) -> Callable[[int], str] | None:
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(locale.replace("-", "_")).plural_form
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def is_singular(n: int, locale: str | None = None) -> bool:
    """Whether ``n`` takes the singular form: Babel's (CLDR) plural rule for ``locale`` when one is
    given ("one" category: 1 in English, 0 and 1 in French), else English's (exactly 1)."""
    if locale:
        rule = _plural_rule(locale)
        if rule is not None:
            return bool(rule(abs(n)) == "one")
    return n == 1


def plural(n: int, singular: str, plural_form: str | None = None, locale: str | None = None) -> str:
    """The word for ``n`` things: ``singular`` for exactly one, else its plural."""
    if is_singular(n, locale):
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


def count(n: int, singular: str, plural_form: str | None = None, locale: str | None = None) -> str:
    """``"1 task"``, ``"0 tasks"``, ``"2 categories"``."""
    return f"{n} {plural(n, singular, plural_form, locale)}"


#: Words whose first letter is a vowel but whose first sound is not ("a user", "a one-off"), and
#: the reverse ("an hour", "an MSP").
_CONSONANT_SOUND = ("uni", "use", "usu", "uti", "eu", "one", "once", "ubi", "ura", "ure", "uro")
_VOWEL_SOUND = ("hour", "honest", "honour", "honor", "heir")
#: Letters that are said with a vowel sound when a word is spelled out (an "8", an "SLA", an "MSP").
_VOWEL_LETTERS = set("aefhilmnorsx")
_VOWEL_DIGITS = ("8", "11", "18")


def article(word: str) -> str:
    """``"a"`` or ``"an"`` for the word (or figure) that follows it: "an 8 %", "a 10 %",
    "an hour", "a user", "an MSP", "an IT manager", "a laptop"."""
    w = word.strip().lstrip("“\"'(")
    if not w:
        return "a"
    if w[0].isdigit():
        digits = "".join(ch for ch in w.split()[0] if ch.isdigit() or ch in ",.").replace(",", "")
        whole = digits.split(".")[0]
        if whole.startswith("8"):
            return "an"
        # 11, 18, 11,000, 18 million: said "eleven", "eighteen".
        if len(whole) % 3 == 2 and whole[:2] in ("11", "18"):
            return "an"
        return "a"
    first = w.split()[0].strip(".,;:")
    lower = first.lower()
    if len(first) > 1 and first.isupper() and first.isalpha():
        return "an" if first[0].lower() in _VOWEL_LETTERS else "a"  # an MSP, a CFO, an SLA
    if lower.startswith(_VOWEL_SOUND):
        return "an"
    if lower.startswith(_CONSONANT_SOUND):
        return "a"
    return "an" if lower[0] in "aeiou" else "a"


def with_article(word: str) -> str:
    """``"an 8 % discount"``, ``"a laptop"``."""
    return f"{article(word)} {word}"


def join_and(words: Sequence[str]) -> str:
    """``"a"``, ``"a and b"``, ``"a, b and c"`` (no serial comma, as the documents write)."""
    items = [w for w in words if w]
    if len(items) <= 1:
        return items[0] if items else ""
    return ", ".join(items[:-1]) + " and " + items[-1]


def appositive(name: str, role: str = "") -> str:
    """A person named in the middle of a sentence: "Marcus Ortega, IT Manager," with the closing
    comma an appositive needs ("Marcus Ortega, IT Manager, is your ..."). A name that already
    carries its role after a comma ("Marcus Ortega, IT Manager") gets the closing comma too."""
    name, role = name.strip().rstrip(","), role.strip()
    if role:
        return f"{name}, {role},"
    return f"{name}," if "," in name else name


#: Device kinds whose id is not a noun on its own ("6 networks" reads wrong).
DEVICE_NOUNS = {"network": "network device", "mobile": "mobile device", "storage": "storage device",
                "other": "other device", "iot": "IoT device"}


def device_noun(kind: str) -> str:
    """The singular noun for a device kind id: "virtual_server" -> "virtual server"."""
    return DEVICE_NOUNS.get(kind, kind.replace("_", " "))


def device_label(kind: str) -> str:
    """The label a person reads for a device kind id: "virtual_server" -> "Virtual server"."""
    noun = device_noun(kind)
    return noun[:1].upper() + noun[1:]


def device_kind(text: str) -> str:
    """The kind id back from its label (or the id itself): "Virtual server" -> "virtual_server",
    "IoT device" -> "iot"; anything else is returned as typed, for the caller to check."""
    t = " ".join(text.split())
    folded = t.casefold()
    by_label = {noun.casefold(): kind for kind, noun in DEVICE_NOUNS.items()}
    if folded in by_label:
        return by_label[folded]
    if folded and all(ch.isalpha() or ch in " _" for ch in folded):
        return folded.replace(" ", "_")
    return t
