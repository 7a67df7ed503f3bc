"""Money, numbers, percentages and dates in templates, as the reader writes them (`core/money.py`,
`core/formats.py`):

    {% load cicopa_formats %}
    {{ invoice.total|money:invoice.currency }}   {# minor units: 123450 EUR -> "1 234,50 €" in French #}
    {{ count|number }} {{ share|number:1 }}        {# 22 750 / exactly one decimal #}
    {{ figure|number:"-2" }}                       {# as floatformat:"-2": 12, 12.50, 1 234,46 #}
    {{ 0.125|percent }} {{ growth|signed_percent }}  {# 12.5% in English, 12,5 % in French; +4.0% #}
    {{ task.percent|whole_percent }}               {# 42 -> 42%, 42 % #}
    {{ invoice.due_date|day }}                     {# December 4, 2026 / 4 décembre 2026 / 4 de diciembre de 2026 #}
    {{ invoice.due_date|day_short }}               {# 12/4/26 / 04/12/2026 / 4/12/26, for columns of dates #}
    {{ message.created_at|moment }}                {# Dec 4, 2026, 3:05 PM / 4 déc. 2026, 15:05 (current time zone) #}

Like Django's own filters they fail quietly: a missing amount, a value that is not one or an unknown currency
show nothing rather than break the page. In a `{% blocktranslate count counter=n %}` the counter stays the
raw integer (it chooses the plural form); the number shown is passed beside it: `with shown=n|number`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import template

from cicopa.core import formats
from cicopa.core import money as money_formats

register = template.Library()


@register.filter
def money(amount: Any, currency: Any) -> str:
    """An amount in minor units (an int) of `currency`, in the active language."""
    if isinstance(amount, bool) or not isinstance(amount, int) or not isinstance(currency, str):
        return ""
    try:
        return money_formats.format_money(amount, currency)
    except ValueError:
        return ""


@register.filter
def number(value: Any, digits: Any = None) -> str:
    """A number in the active language, grouped; with an argument, exactly that many decimals, and with a negative
    one ("-2") as many unless the value is whole (as Django's floatformat)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return ""
    try:
        places = None if digits in (None, "") else int(digits)
        if places is not None and places < 0:
            return formats.format_number(value, digits=-places, trim=True)
        return formats.format_number(value, digits=places)
    except (TypeError, ValueError, ArithmeticError):
        return ""


@register.filter
def percent(share: Any, digits: Any = 1) -> str:
    """A share (0.125) as a percentage in the active language ("12.5%", "12,5 %"), one decimal by default."""
    return _percent(share, digits, signed=False)


@register.filter
def signed_percent(share: Any, digits: Any = 1) -> str:
    """A change (0.04) as a signed percentage in the active language: "+4.0%", "+4,0 %", "-2.5%"."""
    return _percent(share, digits, signed=True)


@register.filter
def whole_percent(value: Any) -> str:
    """A percentage already counted in hundredths (a task's 42) as the reader writes it: "42%", "42 %"."""
    if isinstance(value, bool) or not isinstance(value, int):
        return ""
    return _percent(Decimal(value) / 100, 0, signed=False)


def _percent(share: Any, digits: Any, *, signed: bool) -> str:
    if isinstance(share, bool) or not isinstance(share, int | float | Decimal):
        return ""
    try:
        return formats.format_percent(share, digits=int(digits), signed=signed)
    except (TypeError, ValueError, ArithmeticError):
        return ""


def _date(write: Callable[[datetime.date], str], value: Any) -> str:
    if not isinstance(value, datetime.date):
        return ""
    try:
        return write(value)
    except (TypeError, ValueError, OverflowError):
        return ""


@register.filter
def day(value: Any) -> str:
    """A date (or the day of a datetime, in the current time zone) as a sentence writes it: "4 décembre 2026"."""
    return _date(formats.format_date, value)


@register.filter
def day_short(value: Any) -> str:
    """A date (or the day of a datetime) as a column of dates writes it: "04/12/2026"."""
    return _date(formats.format_date_short, value)


@register.filter
def moment(value: Any) -> str:
    """A datetime to the minute, in the current time zone: "4 déc. 2026, 15:05"."""
    return _date(formats.format_datetime, value)


@register.filter
def month(value: Any) -> str:
    """The month and year of a date: "décembre 2026"."""
    return _date(formats.format_month, value)
