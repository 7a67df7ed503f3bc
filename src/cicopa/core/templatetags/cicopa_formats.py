"""Money and numbers in templates, as the reader writes them (`core/money.py`):

    {% load cicopa_formats %}
    {{ invoice.total|money:invoice.currency }}   {# minor units: 123450 EUR -> "1 234,50 €" in French #}
    {{ share|number }} {{ share|number:1 }}        {# 1 234,5 / exactly one decimal #}
    {{ 0.125|percent }}                             {# 12.5% in English, 12,5 % in French #}

Like Django's own filters they fail quietly: a missing amount, a value that is not one or an unknown currency
show nothing rather than break the page.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

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
    """A number in the active language; with an argument, exactly that many decimals."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return ""
    try:
        places = None if digits in (None, "") else int(digits)
        return money_formats.format_decimal(value, digits=places)
    except (TypeError, ValueError, ArithmeticError):
        return ""


@register.filter
def percent(share: Any, digits: Any = 1) -> str:
    """A share (0.125) as a percentage in the active language ("12.5%", "12,5 %"), one decimal by default."""
    if isinstance(share, bool) or not isinstance(share, int | float | Decimal):
        return ""
    try:
        return money_formats.format_percent(share, digits=int(digits))
    except (TypeError, ValueError, ArithmeticError):
        return ""
