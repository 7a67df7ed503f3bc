"""Numbers, percentages and dates as the reader writes them, through CLDR (Babel).

Every figure or date a person reads (pages, e-mails, notifications, PDFs, charts, task progress, messages of
commands) is written here, in the reader's language: by default Django's active language, else any language CLDR
knows, so that a language added to settings.LANGUAGES (German, Portuguese, ...) is written its own way with
nothing typed by hand:

    format_number(22750)              "22,750" (en)   "22 750" (fr, U+202F)   "22.750" (es, de, pt)
    format_number(1234.5, digits=2)   "1,234.50"      "1 234,50"               "1.234,50"
    format_number(3.0, digits=2, trim=True)  "3"; 3.25 gives "3.25" (as Django's floatformat:"-2")
    format_percent(0.125)             "12.5%"         "12,5 %" (U+00A0)        "12,5 %"
    format_date(day)                  "December 4, 2026"  "4 décembre 2026"    "4 de diciembre de 2026"
    format_date_short(day)            "12/4/26"       "04/12/2026"             "4/12/26"
    format_datetime(moment)           "Dec 4, 2026, 3:05 PM"  "4 déc. 2026, 15:05"  "4 dic 2026, 15:05"
    format_month(day)                 "December 2026" "décembre 2026"          "diciembre de 2026"

Dates are CLDR's 'long' dates (what Django's DATE_FORMAT showed: day, month by name, year), short dates its
'short' ones, and a moment CLDR's 'medium' date with its 'short' time (to the minute, as DATETIME_FORMAT showed),
joined as CLDR joins them. An aware datetime is first put into the current time zone (`timezone.localtime`).

Money is in `core/money.py`. Machine-readable values (the API, CSV and XLSX downloads, `datetime=""`
attributes) are not written here: they stay ISO 8601 and plain numbers.
"""

from __future__ import annotations

import copy
import datetime
import functools
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Literal

from babel import Locale, UnknownLocaleError, dates, numbers
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language

Number = int | Decimal | float
# CLDR's lengths: 'long' for a date in a sentence or a page, 'short' for a column of dates, 'medium' for the date
# of a moment, which CLDR writes with its 'short' time (to the minute).
Length = Literal["full", "long", "medium", "short"]
DATE_LENGTH: Length = "long"
SHORT_DATE_LENGTH: Length = "short"
MOMENT_DATE_LENGTH: Length = "medium"
MOMENT_TIME_LENGTH: Length = "short"


def language_locale(language: str | None = None) -> Locale:
    """The CLDR locale of `language` ("fr", "pt-BR", "zh-hans"), by default Django's active language; a language
    that CLDR does not know falls back on its first two letters, then on English."""
    return _locale(language or get_language() or settings.LANGUAGE_CODE)


@functools.lru_cache(maxsize=64)
def _locale(language: str) -> Locale:
    for candidate in (language.replace("_", "-"), language[:2]):
        try:
            return Locale.parse(candidate, sep="-")
        except (ValueError, TypeError, UnknownLocaleError):
            continue
    return Locale.parse("en")


# --------------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------------


def _decimal(value: Number) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal | float):
        raise TypeError(f"not a number: {type(value).__name__}")
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value}")
    return number


def format_number(value: Number, language: str | None = None, *, digits: int | None = None, trim: bool = False) -> str:
    """A number as the reader writes it, grouped: 22750 is "22,750", "22 750" (fr), "22.750" (es).

    With `digits`, exactly that many decimals (rounded half to even); with `trim` too, none when the value
    rounds to a whole number, as Django's floatformat with a negative argument did (12 is "12", 12.5 is
    "12.50"). Without `digits`, every decimal the value has and no trailing zero."""
    number = _decimal(value)
    if digits is not None and trim:
        rounded = number.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN)
        if rounded == rounded.to_integral_value():
            digits = 0
    return _format_number(number, language_locale(language), digits)


# The name money.py gave it first.
format_decimal = format_number


def _format_number(number: Decimal, loc: Locale, digits: int | None) -> str:
    if digits is None:
        return str(numbers.format_decimal(number, locale=loc, decimal_quantization=False))
    pattern = copy.copy(loc.decimal_formats[None])
    pattern.frac_prec = (digits, digits)
    return str(pattern.apply(number, loc))


def format_percent(share: Number, language: str | None = None, *, digits: int = 1, signed: bool = False) -> str:
    """A share (0.125) as a percentage as the reader writes it: "12.5%", "12,5 %" (fr), "12,5 %" (es), with
    `digits` decimals; `signed` puts the plus sign before a rise ("+12.5%")."""
    number = _decimal(share)
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    loc = language_locale(language)
    symbol = numbers.format_percent(1, locale=loc)  # "100%", "100 %": where the sign goes, with its space
    text = numbers.format_decimal(number * 100, format=pattern, locale=loc)
    shown = symbol.replace(numbers.format_decimal(100, locale=loc), text, 1)
    if signed and number > 0:
        shown = numbers.get_plus_sign_symbol(loc) + shown
    return str(shown)


# --------------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------------


def _local(value: datetime.date) -> datetime.date:
    """`value`, put into the current time zone when it is an aware datetime."""
    if not isinstance(value, datetime.date):
        raise TypeError(f"not a date: {type(value).__name__}")
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _day(value: datetime.date) -> datetime.date:
    local = _local(value)
    return local.date() if isinstance(local, datetime.datetime) else local


def format_date(value: datetime.date, language: str | None = None) -> str:
    """A day as the reader writes it in a sentence or a page: "December 4, 2026", "4 décembre 2026",
    "4 de diciembre de 2026" (CLDR's long date). A datetime gives its day in the current time zone."""
    return str(dates.format_date(_day(value), DATE_LENGTH, locale=language_locale(language)))


def format_date_short(value: datetime.date, language: str | None = None) -> str:
    """A day in a column of dates: "12/4/26", "04/12/2026", "4/12/26" (CLDR's short date)."""
    return str(dates.format_date(_day(value), SHORT_DATE_LENGTH, locale=language_locale(language)))


def format_datetime(value: datetime.date, language: str | None = None) -> str:
    """A moment to the minute, in the current time zone: "Dec 4, 2026, 3:05 PM", "4 déc. 2026, 15:05",
    "4 dic 2026, 15:05" (CLDR's medium date and short time, joined as CLDR joins them). A date gives its day."""
    local = _local(value)
    if not isinstance(local, datetime.datetime):
        return str(dates.format_date(local, MOMENT_DATE_LENGTH, locale=language_locale(language)))
    loc = language_locale(language)
    day = dates.format_date(local.date(), MOMENT_DATE_LENGTH, locale=loc)
    time = dates.format_time(local.time(), MOMENT_TIME_LENGTH, locale=loc)
    glue = str(dates.get_datetime_format(MOMENT_DATE_LENGTH, locale=loc)).replace("'", "")
    return glue.replace("{0}", str(time)).replace("{1}", str(day))


def format_month(value: datetime.date, language: str | None = None) -> str:
    """A month of a year: "December 2026", "décembre 2026", "diciembre de 2026" (CLDR's yMMMM skeleton)."""
    return str(dates.format_skeleton("yMMMM", _day(value), locale=language_locale(language)))
