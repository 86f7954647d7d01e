"""Numbers, money, percents and dates as people write them: the one place that reads and writes them.

Every surface that shows or takes a number or a date goes through this module (answer fields,
pricing inputs, the documents), so "12,5" means the same everywhere and a value is never silently
read as something else. Built on Babel's locale data (decimal mark, thousands separator, grouping,
short date pattern); pure Python, no Qt.

Reading (``parse_*``) is strict and explains itself: text that does not read as a number in the
locale, or that could be read two ways, raises :class:`ReadError` whose message says how it was
read and what to type instead. Writing (``format_*``) gives what the same locale reads back:
``parse_number(format_number(x, loc), loc) == x`` for every supported locale.

    >>> parse_number("1.234,50", "de_DE")
    Decimal('1234.50')
    >>> format_money(Decimal("24376.5"), "de_DE", "EUR")
    '24.376,50\\xa0€'
    >>> parse_date("15.01.2026", "de_DE"), parse_date("2026-01-15", "de_DE")
    (datetime.date(2026, 1, 15), datetime.date(2026, 1, 15))

A locale is a Babel/CLDR name such as ``en_US`` or ``de_DE``. ``""`` (or ``None``) means the
computer's own locale (:func:`system_locale`); anything Babel does not know falls back to
:data:`DEFAULT_LOCALE`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import Enum
from functools import lru_cache

DEFAULT_LOCALE = "en_US"

#: The locales offered in Settings (any other Babel locale works too when stored another way).
SUPPORTED_LOCALES: tuple[str, ...] = (
    "en_US", "en_CA", "en_GB", "en_IE", "en_AU", "en_NZ", "en_IN", "en_ZA",
    "de_DE", "de_AT", "de_CH", "fr_FR", "fr_BE", "fr_CA", "fr_CH", "it_IT", "it_CH",
    "es_ES", "es_MX", "nl_NL", "nl_BE", "pt_BR", "pt_PT", "sv_SE", "da_DK", "nb_NO",
    "fi_FI", "pl_PL", "cs_CZ", "ja_JP",
)

_SPACES = frozenset(" \u00a0\u202f\u2009")
_APOSTROPHES = frozenset("'\u2019")
_MINUS = ("-", "\u2212", "\u2012", "\u2013")


class Kind(Enum):
    """What a field holds; decides which readings are refused as ambiguous."""

    WHOLE = "whole"  # counts: no decimals; "1.234" under a "." grouping locale is refused
    DECIMAL = "decimal"  # hours, ages: "1.234" under a "." grouping locale is refused
    MONEY = "money"  # amounts: "4.500" under de_DE is 4500 (shown back as "4.500,00")
    PERCENT = "percent"  # percent points: "12,5 %" -> 12.5


class ReadError(ValueError):
    """Text that does not read as a value in the locale; the message is for the consultant."""


# ---- locales ------------------------------------------------------------------------------------


def system_locale() -> str:
    """The computer's locale as Babel names it (``de_DE``), or :data:`DEFAULT_LOCALE`."""
    from babel import default_locale

    for category in ("LC_NUMERIC", "LC_ALL", "LC_CTYPE", "LANG"):
        found = default_locale(category)
        if found:
            name = _known(found.split("@")[0].split(".")[0])
            if name:
                return name
    return DEFAULT_LOCALE


def resolve(locale: str | None) -> str:
    """The Babel locale to use: ``locale`` if Babel knows it; the computer's for ``""``/None."""
    if not locale:
        return system_locale()
    return _known(locale) or DEFAULT_LOCALE


@lru_cache(maxsize=64)
def _known(name: str) -> str | None:
    from babel import Locale, UnknownLocaleError

    try:
        loc = Locale.parse(name)
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    if loc.language == "en" and loc.territory is None and loc.variant == "POSIX":
        return DEFAULT_LOCALE
    return str(loc) if not loc.variant else f"{loc.language}_{loc.territory}" if loc.territory else loc.language


def locale_name(locale: str | None) -> str:
    """``"de_DE"`` -> ``"German (Germany)"``: for messages and the Settings list."""
    from babel import Locale

    return Locale.parse(resolve(locale)).english_name or resolve(locale)


@dataclass(frozen=True)
class _Symbols:
    decimal: str
    group: str
    grouping: tuple[int, int]  # (primary, secondary): (3, 3), or (3, 2) for lakh grouping
    percent: str
    name: str


@lru_cache(maxsize=64)
def _symbols(locale: str) -> _Symbols:
    from babel import Locale
    from babel.numbers import format_percent as babel_percent
    from babel.numbers import get_decimal_symbol, get_group_symbol

    loc = Locale.parse(locale)
    pattern = loc.decimal_formats.get(None)
    grouping = tuple(pattern.grouping) if pattern is not None else (3, 3)
    return _Symbols(get_decimal_symbol(locale), get_group_symbol(locale), (grouping[0], grouping[1]),
                    babel_percent(0, locale=locale).replace("0", "").strip() or "%", loc.english_name or locale)


# ---- numbers: reading ---------------------------------------------------------------------------


def parse_number(text: str, locale: str | None, kind: Kind = Kind.DECIMAL, *, currency: str | None = None) -> Decimal:
    """Read ``text`` as the locale writes numbers; raise :class:`ReadError` when it does not fit.

    Accepts the locale's decimal mark and thousands separator (grouped as the locale groups, or in
    threes), a leading minus, spaces around; for money also the currency's symbol or code, for
    percents a percent sign. Refuses exponents, two decimal marks, misplaced separators, a
    decimal in a whole-number field, and (for whole numbers and decimals) a single "." separating
    three digits under a locale that groups with ".", because "1.234" may mean 1234 or 1.234.
    """
    loc = resolve(locale)
    sym = _symbols(loc)
    raw = text
    s = text.strip()
    if kind is Kind.PERCENT:
        s = s.strip().removesuffix("%").removesuffix(sym.percent).removeprefix("%").strip()
    negative, s = _take_sign(s)
    if kind is Kind.MONEY:  # "-$12.50", "$-12.50", "-12,50 €"
        s = _strip_currency(s, loc, currency)
        if not negative:
            negative, s = _take_sign(s)
    if not s:
        raise ReadError(f"“{raw.strip()}” is not a number")
    group = sym.group
    if group in _SPACES | _APOSTROPHES:  # a space or an apostrophe: any of them groups (fr_CH, de_CH)
        s = "".join(group if ch in _SPACES | _APOSTROPHES else ch for ch in s)
    allowed = set("0123456789") | {sym.decimal, group}
    bad = [ch for ch in s if ch not in allowed]
    if bad:
        raise ReadError(_not_a_number(raw, loc, bad[0]))
    if s.count(sym.decimal) > 1:
        raise ReadError(_not_a_number(raw, loc))
    whole, _sep, frac = s.partition(sym.decimal)
    if group in frac or (not whole and not frac) or (_sep and not frac):
        raise ReadError(_not_a_number(raw, loc))
    if group in whole:
        groups = whole.split(group)
        if not _grouping_ok(groups, sym.grouping):
            raise ReadError(_not_a_number(raw, loc))
        if (not _sep and len(groups) == 2 and group == "." and len(groups[1]) == 3
                and kind in (Kind.WHOLE, Kind.DECIMAL, Kind.PERCENT)):
            digits = "".join(groups)
            raise ReadError(
                f"“{raw.strip()}” could mean {digits} or {groups[0]}{'.'}{groups[1]}: in {sym.name} "
                f"“.” separates thousands, so it reads as {digits}. Type {digits} without the dot, "
                f"or {groups[0]}{sym.decimal}{groups[1]} for the decimal")
        whole = "".join(groups)
    try:
        number = Decimal(f"{'-' if negative else ''}{whole or '0'}.{frac or '0'}") if frac else Decimal(
            f"{'-' if negative else ''}{whole}")
    except InvalidOperation:  # pragma: no cover - the characters were checked above
        raise ReadError(_not_a_number(raw, loc)) from None
    if kind is Kind.WHOLE and number != number.to_integral_value():
        raise ReadError(f"“{raw.strip()}” reads as {format_number(number, loc)}, and this takes a whole number")
    if kind is Kind.WHOLE:
        return number.quantize(Decimal(1))
    return number


def parse_whole(text: str, locale: str | None) -> int:
    """A whole number (a count): ``"1234"``, ``"1,234"`` (en_US); ``"1.234"`` (de_DE) is refused."""
    return int(parse_number(text, locale, Kind.WHOLE))


def parse_money(text: str, locale: str | None, currency: str | None = None) -> Decimal:
    """An amount with at most two decimals: ``"1.234,50 €"`` (de_DE) -> ``Decimal("1234.50")``."""
    number = parse_number(text, locale, Kind.MONEY, currency=currency)
    if number != number.quantize(Decimal("0.01")):
        raise ReadError(f"“{text.strip()}” has more than two decimals; an amount is in cents at most")
    return number


def parse_percent(text: str, locale: str | None) -> Decimal:
    """Percent points: ``"12,5 %"`` (de_DE) -> ``Decimal("12.5")``."""
    return parse_number(text, locale, Kind.PERCENT)


def _take_sign(s: str) -> tuple[bool, str]:
    for m in _MINUS:
        if s.startswith(m):
            return True, s[len(m):].strip()
    if s.startswith("+"):
        return False, s[1:].strip()
    return False, s


def _grouping_ok(groups: list[str], grouping: tuple[int, int]) -> bool:
    if not all(g.isdigit() for g in groups):
        return False

    def fits(primary: int, secondary: int) -> bool:
        if len(groups[-1]) != primary:
            return False
        if any(len(g) != secondary for g in groups[1:-1]):
            return False
        return 1 <= len(groups[0]) <= (secondary if len(groups) > 2 else max(primary, secondary))

    return fits(*grouping) or fits(3, 3)


def _strip_currency(s: str, locale: str, currency: str | None) -> str:
    from babel.numbers import get_currency_symbol

    marks = {"$", "€", "£", "¥", "₹"}
    if currency:
        marks |= {currency.upper(), currency.lower(), get_currency_symbol(currency.upper(), locale=locale)}
    for mark in sorted(marks, key=len, reverse=True):
        if mark and s.startswith(mark):
            s = s[len(mark):].strip()
            break
        if mark and s.endswith(mark):
            s = s[: -len(mark)].strip()
            break
    return s


def _not_a_number(raw: str, locale: str, bad: str | None = None) -> str:
    sym = _symbols(locale)
    example = format_number(Decimal("1234.5"), locale)
    alternative = _other_reading(raw, sym)
    if alternative is not None:
        return (f"“{raw.strip()}” is not a number in {sym.name}: “{sym.group}” separates thousands and "
                f"“{sym.decimal}” marks the decimals. Did you mean {format_number(alternative, locale)}?")
    return f"“{raw.strip()}” is not a number; in {sym.name} numbers are written like {example}"


def _other_reading(raw: str, sym: _Symbols) -> Decimal | None:
    """What ``raw`` means written the other way round ("12,5" under en_US -> 12.5), if anything."""
    s = raw.strip()
    if sym.decimal not in (".", ","):
        return None
    other = "," if sym.decimal == "." else "."
    if not re.fullmatch(r"-?[0-9]+([.,][0-9]+)*", s) or other not in s:
        return None
    head, _sep, tail = s.rpartition(other)
    candidate = head.replace(sym.decimal, "") + "." + tail
    try:
        return Decimal(candidate)
    except InvalidOperation:  # pragma: no cover
        return None


# ---- numbers: writing ---------------------------------------------------------------------------


def format_number(value: Decimal | int, locale: str | None, *, decimals: int | None = None,
                  grouping: bool = True) -> str:
    """``Decimal("1234.5")`` -> ``"1,234.5"`` (en_US), ``"1.234,5"`` (de_DE), ``"1,234.5"`` (en_IN
    groups lakhs from 1,00,000). Every digit is kept unless ``decimals`` fixes their number.

    Babel gives the digits, decimal mark and minus sign; the thousands are grouped here, by the
    locale's grouping (Babel 2.19 groups some fr_CH numbers only once: ``1000000'000``)."""
    from babel.numbers import format_decimal

    loc = resolve(locale)
    sym = _symbols(loc)
    number = Decimal(value)
    if decimals is not None:
        number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        pattern = "0" + ("." + "0" * decimals if decimals else "")
        text = format_decimal(abs(number), format=pattern, locale=loc, decimal_quantization=False)
    else:
        text = format_decimal(abs(number), locale=loc, decimal_quantization=False, group_separator=False)
    if grouping:
        whole, sep, frac = text.partition(sym.decimal)
        text = _group(whole, sym.group, sym.grouping) + sep + frac
    if number < 0:
        from babel.numbers import get_minus_sign_symbol

        text = get_minus_sign_symbol(loc) + text
    return text


def _group(digits: str, sep: str, grouping: tuple[int, int]) -> str:
    primary, secondary = grouping
    if len(digits) <= primary:
        return digits
    head, tail = digits[:-primary], [digits[-primary:]]
    while len(head) > secondary:
        tail.insert(0, head[-secondary:])
        head = head[:-secondary]
    return sep.join([head, *tail])


def format_whole(value: int, locale: str | None) -> str:
    return format_number(Decimal(value), locale, decimals=0)


def format_amount(value: Decimal, locale: str | None) -> str:
    """An amount without its currency, two decimals: ``"24.376,50"`` (de_DE)."""
    return format_number(value, locale, decimals=2)


def format_money(value: Decimal, locale: str | None, currency: str) -> str:
    """An amount with its currency as the locale writes it: ``"$24,376.50"``, ``"24.376,50 €"``."""
    from babel.numbers import format_currency

    loc = resolve(locale)
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = format_currency(amount, currency, locale=loc, group_separator=False)
    plain = format_number(abs(amount), loc, decimals=2, grouping=False)
    return text.replace(plain, format_number(abs(amount), loc, decimals=2), 1)


def format_hours(hours: Decimal | int, locale: str | None) -> str:
    """Hours with up to two decimals, trailing zeros dropped: ``"1,234.5"``, ``"12"``."""
    h = Decimal(hours).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
    if h == h.to_integral_value():
        h = h.quantize(Decimal(1))
    return format_number(h, locale)


def currency_symbol(currency: str, locale: str | None) -> str:
    """The locale's symbol for ``currency``: ``"$"`` for USD in en_US, ``"US$"`` in en_AU."""
    from babel.numbers import get_currency_symbol

    return get_currency_symbol(currency, locale=resolve(locale))


def format_percent(points: Decimal | int, locale: str | None, *, decimals: int = 2) -> str:
    """Percent points as the locale writes them, up to ``decimals`` decimals, trailing zeros
    dropped: ``Decimal("12.50")`` -> ``"12.5%"`` (en_US), ``"12,5 %"`` (de_DE)."""
    from babel.numbers import format_percent as babel_percent

    p = Decimal(points).quantize(Decimal(1).scaleb(-decimals)).normalize()
    if p == p.to_integral_value():
        p = p.quantize(Decimal(1))
    return babel_percent(p / 100, locale=resolve(locale), decimal_quantization=False)


def format_percent_input(points: Decimal | int, locale: str | None) -> str:
    """Percent points for an input box that has the % beside it: ``"12,5"`` (de_DE)."""
    p = Decimal(points).normalize()
    if p == p.to_integral_value():
        p = p.quantize(Decimal(1))
    return format_number(p, locale)


# ---- dates --------------------------------------------------------------------------------------

_ISO = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")


@lru_cache(maxsize=64)
def _short_order(locale: str) -> tuple[str, str]:
    """(order of the fields, e.g. "dmy", and the separator) of the locale's short date."""
    from babel.dates import get_date_format

    pattern = get_date_format("short", locale=locale).pattern
    order = "".join(dict.fromkeys(ch for ch in pattern.lower() if ch in "dmy"))
    sep = next((ch for ch in pattern if not ch.isalpha() and ch not in "'"), "/")
    return (order if sorted(order) == ["d", "m", "y"] else "ymd"), sep


def date_pattern(locale: str | None) -> str:
    """How the locale's short date is typed, for a hint: ``"DD.MM.YYYY"``, ``"M/D/YYYY"``."""
    order, sep = _short_order(resolve(locale))
    from babel.dates import get_date_format

    pattern = get_date_format("short", locale=resolve(locale)).pattern
    parts = {"d": "DD" if "dd" in pattern else "D", "m": "MM" if "MM" in pattern else "M", "y": "YYYY"}
    return sep.join(parts[ch] for ch in order)


def format_date_short(day: date, locale: str | None) -> str:
    """A date in the locale's short form with a four-digit year: ``"15.01.2026"``, ``"1/15/2026"``."""
    from babel.dates import format_date, get_date_format

    loc = resolve(locale)
    pattern = re.sub(r"y+", "yyyy", get_date_format("short", locale=loc).pattern)
    return format_date(day, format=pattern, locale=loc)


def format_date_long(day: date, locale: str | None) -> str:
    """A date as a letter writes it: ``"January 15, 2026"``, ``"15. Januar 2026"``."""
    from babel.dates import format_date

    return format_date(day, format="long", locale=resolve(locale))


def latest_today(now: datetime | None = None) -> date:
    """The latest calendar day anywhere now (UTC+14, Kiribati): a day recorded where it happened is
    never "in the future" for a laptop that has since flown west (Auckland's 4 December is still
    3 December in Los Angeles)."""
    instant = now or datetime.now(UTC)
    return (instant.astimezone(UTC) + timedelta(hours=14)).date()


def parse_date(text: str, locale: str | None) -> date:
    """A date typed in ISO (``2026-01-15``) or in the locale's short form (``15.01.2026``,
    ``15.1.26`` under de_DE; ``1/15/2026`` under en_US). Two-digit years are 2000-2099."""
    loc = resolve(locale)
    s = text.strip()
    if _ISO.fullmatch(s):
        y, m, d = (int(p) for p in s.split("-"))
        return _make_date(y, m, d, text, loc)
    parts = re.split(r"\s*[./\-]\s*|\s+", s.rstrip("."))
    order, _sep = _short_order(loc)
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ReadError(_not_a_date(text, loc))
    fields = dict(zip(order, parts, strict=True))
    y_text = fields["y"]
    if len(y_text) == 2:
        year = 2000 + int(y_text)
    elif len(y_text) == 4:
        year = int(y_text)
    else:
        raise ReadError(_not_a_date(text, loc))
    if len(fields["d"]) > 2 or len(fields["m"]) > 2:
        raise ReadError(_not_a_date(text, loc))
    return _make_date(year, int(fields["m"]), int(fields["d"]), text, loc)


def _make_date(y: int, m: int, d: int, text: str, loc: str) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise ReadError(f"“{text.strip()}” is not a day of the calendar (read as day {d}, month {m}, "
                        f"year {y}); type it as {date_pattern(loc)} or YYYY-MM-DD") from None


def _not_a_date(text: str, loc: str) -> str:
    example = format_date_short(date(2026, 1, 15), loc)
    return (f"“{text.strip()}” is not a date; type it as {date_pattern(loc)} ({example}) "
            f"or as YYYY-MM-DD (2026-01-15)")


def format_moment(moment: datetime, locale: str | None, now: datetime | None = None) -> str:
    """A moment in local time: "14:32" today, else the short date and the time ("3/12/2026 14:32")."""
    local = moment.astimezone()
    today = (now or datetime.now(local.tzinfo)).astimezone().date()
    clock = f"{local:%H:%M}"
    return clock if local.date() == today else f"{format_date_short(local.date(), locale)} {clock}"
