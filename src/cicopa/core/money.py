"""Money as the reader writes it, through CLDR (Babel): "€1,234.50" in English, "1 234,50 €" in French,
"1.234,50 €" in Spanish. (Other numbers, percentages and dates: `core/formats.py`.)

Amounts are integers of the currency's minor unit (cents; yen, which have none; thousandths of a Kuwaiti
dinar), as CLDR counts them (`babel.numbers.get_currency_precision`), so that no float ever holds money. The
language is the reader's: by default Django's active language, else any language CLDR knows ("de", "pt-BR").

Currencies offered for new amounts are the ISO 4217 currencies legal tender somewhere today (CLDR's territory
data): the euro, the franc CFA, the Kenyan shilling, not the Deutsche Mark or the French franc. Amounts in any
currency CLDR knows, withdrawn ones included, can still be formatted, for documents of their time.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterable
from decimal import Decimal

from babel import Locale, numbers
from babel.core import get_global
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cicopa.core import formats
from cicopa.core.text import fold

# Numbers and percentages are written by formats.py, with the reader's locale; the names they had here still work.
language_locale = formats.language_locale
format_decimal = formats.format_number
format_percent = formats.format_percent

# The currencies most traded in the world (the BIS triennial survey), offered first in a choice of currency.
COMMON_CURRENCIES = ("USD", "EUR", "JPY", "GBP", "CNY", "AUD", "CAD", "CHF")
# The largest amount accepted, in minor units: fifteen digits, below 2**53, so that every amount survives a
# JavaScript reader of the API (whose numbers are doubles) and any 64-bit column.
MAX_MINOR = 10**15 - 1
# What a person types is read only this far: no amount is longer.
_MAX_TYPED = 64

_SPACES = re.compile(r"[\s'\u2019]+")  # \s includes the no-break and thin spaces of CLDR's group separators
_NUMBER = re.compile(r"[0-9.,]*[0-9][0-9.,]*", re.ASCII)
_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_NEGATIVE = ("-", "\u2212", "\u2013", "(")  # hyphen-minus, minus sign, en dash, accountants' parentheses


# --------------------------------------------------------------------------------------------------
# Currencies
# --------------------------------------------------------------------------------------------------


@functools.cache
def _cldr_currencies() -> frozenset[str]:
    return frozenset(numbers.list_currencies())


@functools.lru_cache(maxsize=2)
def _tender_on(day: datetime.date) -> frozenset[str]:
    codes: set[str] = set()
    for territory in get_global("territory_currencies"):
        codes.update(numbers.get_territory_currencies(territory, start_date=day, tender=True, non_tender=False))
    return frozenset(codes)


def active_currencies() -> frozenset[str]:
    """ISO 4217 codes of the currencies that are legal tender in some territory today (CLDR): no withdrawn
    currency (DEM, FRF, ESP, VEB), no fund or precious-metal code (XAU, CLF, XDR)."""
    return _tender_on(datetime.date.today())


def is_known_currency(code: str) -> bool:
    """Whether `code` (upper case, as ISO 4217 writes it) is a currency in use, one a new amount may be in."""
    return isinstance(code, str) and code in active_currencies()


def currency_name(code: str, language: str | None = None) -> str:
    """The currency's name in the reader's language ("Euro", "franc CFA (BCEAO)", "chelín keniano")."""
    return str(numbers.get_currency_name(_currency(code), locale=language_locale(language)))


def currency_choices(language: str | None = None, first: Iterable[str] = COMMON_CURRENCIES) -> list[tuple[str, str]]:
    """(code, "Name (CODE)", capitalised) of every currency in use, for a select: those of `first` (by default the most
    traded), then all the others, each group in the alphabetical order of the reader's language."""
    loc = language_locale(language)
    active = active_currencies()
    leading = [code for code in dict.fromkeys(first) if code in active]

    def choices(codes: Iterable[str]) -> list[tuple[str, str]]:
        named = [(str(numbers.get_currency_name(code, locale=loc)), code) for code in codes]
        named.sort(key=lambda item: (fold(item[0]), item[1]))
        return [(code, f"{capfirst(name)} ({code})") for name, code in named]

    return choices(leading) + choices(sorted(active - set(leading)))


def currency_digits(currency: str) -> int:
    """How many decimals the currency's minor unit has: 2 for EUR, 0 for JPY and XOF, 3 for KWD and TND."""
    return int(numbers.get_currency_precision(_currency(currency)))


def _currency(code: str) -> str:
    if not isinstance(code, str) or code.strip().upper() not in _cldr_currencies():
        raise ValueError(_("Unknown currency: %(code)s.") % {"code": code})
    return code.strip().upper()


# --------------------------------------------------------------------------------------------------
# Amounts
# --------------------------------------------------------------------------------------------------


def minor_to_decimal(minor: int, currency: str) -> Decimal:
    """An amount in minor units as an exact decimal of the currency: 123450 EUR -> Decimal("1234.50")."""
    if isinstance(minor, bool) or not isinstance(minor, int):
        raise TypeError(f"an amount is an int of minor units, not {type(minor).__name__}")
    return Decimal(minor).scaleb(-currency_digits(currency))


def decimal_to_minor(value: Decimal, currency: str) -> int:
    """An exact decimal of the currency as minor units: Decimal("1234.5") EUR -> 123450. A value with more
    decimals than the currency has is refused (ValueError), never rounded."""
    digits = currency_digits(currency)
    if not isinstance(value, Decimal):
        raise TypeError(f"an amount is a Decimal here, not {type(value).__name__}")
    if not value.is_finite():
        raise ValueError(f"not a finite amount: {value}")
    scaled = value.scaleb(digits)
    if scaled != scaled.to_integral_value():
        raise ValueError(_too_many_decimals(_currency(currency), digits))
    return int(scaled)


def format_money(minor: int, currency: str, language: str | None = None) -> str:
    """An amount in minor units as the reader writes it: format_money(123450, "EUR") is "€1,234.50" in English,
    "1 234,50 €" in French (with CLDR's no-break spaces), "1.234,50 €" in Spanish."""
    code = _currency(currency)
    return str(
        numbers.format_currency(
            minor_to_decimal(minor, code), code, locale=language_locale(language), currency_digits=True
        )
    )


def parse_money(text: str, currency: str, language: str | None = None) -> int:
    """What a person typed, as minor units of `currency`: "1 234,50", "1.234,50", "1,234.50", "1234.5", with or
    without the currency's code or symbol. The reader's language settles a lone separator: "1,234" is 1234 in
    English, "1.234" is 1234 in Spanish; otherwise the last of '.' and ',' is the decimal mark. Negative
    amounts, more decimals than the currency has, and anything that is not an amount raise a ValueError whose
    message, in the active language, says what to type."""
    code = _currency(currency)
    digits = currency_digits(code)
    loc = language_locale(language)
    typed = _strip_currency(str(text).strip(), code, loc) if isinstance(text, str) else ""
    if not typed:
        raise ValueError(_("Give an amount."))
    if typed.startswith(_NEGATIVE) or typed.endswith(("-", "\u2212", ")")):
        raise ValueError(_("The amount cannot be negative."))
    value = _read_number(typed, loc) if len(typed) <= _MAX_TYPED else None
    if value is None:
        example = formats.format_number(Decimal(123450).scaleb(-digits), language, digits=digits)
        raise ValueError(_("Give the amount as a number, such as %(example)s.") % {"example": example})
    minor = decimal_to_minor(value, code)
    if minor > MAX_MINOR:
        raise ValueError(_("The amount is too large."))
    return minor


def _too_many_decimals(code: str, digits: int) -> str:
    if digits == 0:
        return _("Amounts in %(currency)s have no decimals.") % {"currency": code}
    return ngettext(
        "Amounts in %(currency)s have at most %(digits)s decimal.",
        "Amounts in %(currency)s have at most %(digits)s decimals.",
        digits,
    ) % {"currency": code, "digits": digits}


def _strip_currency(text: str, code: str, loc: Locale) -> str:
    """`text` without the currency's code or symbol before or after the amount ("€1,234.50", "12 KWD")."""
    marks = {code, str(numbers.get_currency_symbol(code, locale=loc)), str(numbers.get_currency_symbol(code, "en"))}
    for mark in sorted(marks, key=len, reverse=True):
        if text.upper().startswith(mark.upper()):
            return text[len(mark) :].strip()
        if text.upper().endswith(mark.upper()):
            return text[: -len(mark)].strip()
    return text


def _read_number(text: str, loc: Locale) -> Decimal | None:
    """The decimal that `text` writes, group separators and all, or None when it is no plain number."""
    text = _SPACES.sub("", text)
    if not _NUMBER.fullmatch(text):
        return None
    dots, commas = text.count("."), text.count(",")
    decimal_mark: str | None
    group: str | None
    if dots and commas:  # both: the last one is the decimal mark
        decimal_mark = "." if text.rfind(".") > text.rfind(",") else ","
        group = "," if decimal_mark == "." else "."
    elif dots or commas:
        mark = "." if dots else ","
        after = len(text) - text.index(mark) - 1
        if dots + commas > 1:
            decimal_mark, group = None, mark
        elif mark == str(numbers.get_decimal_symbol(loc)):
            decimal_mark, group = mark, None
        elif mark == str(numbers.get_group_symbol(loc)) and after == 3:
            decimal_mark, group = None, mark
        else:
            decimal_mark, group = mark, None
    else:
        decimal_mark = group = None
    whole, _sep, fraction = text.partition(decimal_mark) if decimal_mark else (text, "", "")
    if decimal_mark and (decimal_mark in fraction or (group and group in fraction)):
        return None
    if fraction and not _DIGITS.fullmatch(fraction):
        return None
    if group:
        if not _grouped(whole.split(group)):
            return None
        whole = whole.replace(group, "")
    if not whole and not fraction:
        return None
    return Decimal(f"{whole or '0'}.{fraction or '0'}")


def _grouped(groups: list[str]) -> bool:
    """Whether the groups of an integer are written as people group digits: 1,234,567 or (India) 12,34,567."""
    if len(groups) < 2 or not all(_DIGITS.fullmatch(g) for g in groups):
        return False
    first, *middle, last = groups
    return (
        1 <= len(first) <= 3
        and len(last) == 3
        and (all(len(g) == 3 for g in middle) or all(len(g) == 2 for g in middle))
    )
