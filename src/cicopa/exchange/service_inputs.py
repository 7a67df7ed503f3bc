"""What the exchange's services share: reading the values a write is given (a reference to a record, a quantity,
an amount in minor units, a currency, a choice, a date), each adding what is wrong with it to the errors of the
whole, so that every problem is told at once; whether someone may trade for an organisation; and the history
(`TradeEvent`) of orders and invoices."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from cicopa.core import money
from cicopa.core.errors import PermissionDenied, ValidationError
from cicopa.core.formats import format_number
from cicopa.exchange import permissions
from cicopa.exchange.models import MAX_AMOUNT_MINOR, MAX_QUANTITY, Invoice, Order, TradeEvent
from cicopa.registry.models import Organisation, OrganisationStatus


def clean_reference(model: Any, value: Any, field: str, message: str, errors: dict[str, list[str]]) -> Any:
    if value in (None, ""):
        return None
    if isinstance(value, model):
        return value
    found = model.objects.filter(pk=value).first()
    if found is None:
        errors.setdefault(field, []).append(message % {"value": value})
    return found


def clean_decimal(value: Any, field: str, errors: dict[str, list[str]]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.setdefault(field, []).append(_("Enter a number."))
        return None
    if not number.is_finite():
        errors.setdefault(field, []).append(_("Enter a number."))
        return None
    if number <= 0:
        errors.setdefault(field, []).append(_("The quantity must be more than zero."))
    elif number > MAX_QUANTITY:
        errors.setdefault(field, []).append(_("The quantity may be at most 999,999,999.999."))
    elif number != number.quantize(Decimal("0.001")):
        errors.setdefault(field, []).append(_("Give the quantity with at most three decimals."))
    return number


def clean_amount(value: Any, field: str, errors: dict[str, list[str]], *, allow_zero: bool = True) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value).strip())
        except ValueError:
            errors.setdefault(field, []).append(_("Enter a whole number of minor units (cents)."))
            return None
    if value < 0 or (value == 0 and not allow_zero):
        errors.setdefault(field, []).append(_("The amount must be more than zero."))
    elif value > MAX_AMOUNT_MINOR:
        errors.setdefault(field, []).append(
            _("The amount may be at most %(limit)s minor units.") % {"limit": format_number(MAX_AMOUNT_MINOR)}
        )
    return value


def clean_currency(value: Any, field: str, errors: dict[str, list[str]]) -> str:
    code = str(value or "").strip().upper()
    if code and not money.is_known_currency(code):
        errors.setdefault(field, []).append(_("“%(code)s” is not an ISO 4217 currency in use.") % {"code": value})
    return code


def clean_choice(value: Any, choices: Any, field: str, errors: dict[str, list[str]]) -> str:
    if value not in choices.values:
        errors.setdefault(field, []).append(
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(str(v) for v in choices.values)}
        )
    return str(value or "")


def clean_date(value: Any, field: str, errors: dict[str, list[str]]) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        errors.setdefault(field, []).append(_("Enter a date as YYYY-MM-DD."))
        return None


def check_trading_party(actor: Any, organisation: Organisation, message: str) -> None:
    if not permissions.can_act_for(actor, organisation):
        raise PermissionDenied(message)
    if organisation.status == OrganisationStatus.DISSOLVED:
        raise ValidationError({"organisation": _("A dissolved organisation does not trade.")})


def acting_user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def record_event(
    *,
    actor: Any,
    organisation: Organisation | None,
    action: str,
    order: Order | None = None,
    invoice: Invoice | None = None,
    detail: str = "",
) -> None:
    TradeEvent.objects.create(
        order=order,
        invoice=invoice,
        actor=actor if getattr(actor, "pk", None) else None,
        organisation=organisation,
        action=action,
        detail=detail[:500],
    )
