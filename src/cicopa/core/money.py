"""Money for the reader (placeholder until the full module lands: formats and currency checks from CLDR)."""

from __future__ import annotations

from babel.numbers import format_currency, get_currency_precision, list_currencies
from django.utils.translation import get_language


def is_known_currency(code: str) -> bool:
    return code in list_currencies()


def format_money(minor: int, currency: str, language: str | None = None) -> str:
    digits = get_currency_precision(currency)
    return format_currency(minor / 10**digits, currency, locale=(language or get_language() or "en")[:2])
