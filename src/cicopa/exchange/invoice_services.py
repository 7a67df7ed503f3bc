"""Every write of the exchange's invoices: an invoice of a delivered order, one entered by hand for trade done off
the platform, and the steps that follow. Each function checks who may do it, validates everything at once, saves,
records the step in the audit log and in the invoice's history and tells the other party, in one transaction.
Pages and the API come through here; an import of invoices checks each row here (check_invoice) and writes the
good file in bulk itself.

Invoices are a state machine: INVOICE_STEPS says which step may start from which status, and a step is taken by a
conditional UPDATE on the states it may start from, so of two people acting at once exactly one wins and the other
is told. The clearing house's set-off, the one write on invoices it makes, is in `setoff.py`."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cicopa.core import audit
from cicopa.core.errors import PermissionDenied, ValidationError
from cicopa.core.formats import format_number
from cicopa.core.roles import is_secretariat
from cicopa.exchange import notices, permissions
from cicopa.exchange.models import (
    MAX_AMOUNT_MINOR,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    InvoiceSource,
    InvoiceStatus,
    Order,
    TradeEvent,
    Unit,
    line_amount,
)
from cicopa.exchange.service_inputs import (
    acting_user,
    clean_amount,
    clean_currency,
    clean_date,
    clean_decimal,
    clean_reference,
    record_event,
)
from cicopa.exchange.trade_services import acting_side, check_order_step
from cicopa.registry.models import Organisation, OrganisationStatus

# Which invoice status each step may start from. partly_cleared and cleared are set by the clearing house.
INVOICE_STEPS: dict[str, tuple[str, ...]] = {
    "acknowledge": (InvoiceStatus.OPEN, InvoiceStatus.DISPUTED),
    "dispute": (InvoiceStatus.OPEN, InvoiceStatus.ACKNOWLEDGED),
    "pay": (InvoiceStatus.OPEN, InvoiceStatus.ACKNOWLEDGED, InvoiceStatus.PARTLY_CLEARED),
    "cancel": (InvoiceStatus.OPEN, InvoiceStatus.DISPUTED),
}
INVOICE_STEP_TO = {
    "acknowledge": InvoiceStatus.ACKNOWLEDGED,
    "dispute": InvoiceStatus.DISPUTED,
    "pay": InvoiceStatus.PAID,
    "cancel": InvoiceStatus.CANCELLED,
}
# Who takes each step: the buyer answers an invoice, the seller records payment or cancels it.
INVOICE_STEP_BY = {"acknowledge": "buyer", "dispute": "buyer", "pay": "seller", "cancel": "seller"}
MAX_LINES = 200


def next_sequence(seller: Organisation, year: int) -> int:
    """Take the next invoice sequence of `seller` in `year`, inside the caller's transaction."""
    counter, _created = InvoiceCounter.objects.select_for_update().get_or_create(seller=seller, year=year)
    InvoiceCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return counter.last


def _clean_lines(lines: Iterable[Mapping[str, Any]], errors: dict[str, list[str]]) -> list[InvoiceLine]:
    cleaned = []
    for n, line in enumerate(lines, 1):
        if n > MAX_LINES:
            errors.setdefault("lines", []).append(_("An invoice has at most %(n)d lines.") % {"n": MAX_LINES})
            break
        field = f"lines.{n}"
        line_errors: dict[str, list[str]] = {}
        description = " ".join(str(line.get("description") or "").split())
        if not description:
            line_errors.setdefault("description", []).append(_("Say what is invoiced."))
        quantity = clean_decimal(line.get("quantity") or 1, "quantity", line_errors)
        unit = clean_reference(Unit, line.get("unit"), "unit", _("Unknown unit “%(value)s”."), line_errors)
        price = clean_amount(line.get("unit_price_minor"), "unit_price_minor", line_errors, allow_zero=False)
        if price is None and "unit_price_minor" not in line_errors:
            line_errors["unit_price_minor"] = [_("Give a price per unit.")]
        if line_errors:
            errors.setdefault(field, []).extend(m for ms in line_errors.values() for m in ms)
            continue
        assert quantity is not None and price is not None
        row = InvoiceLine(
            position=n,
            description=description[:300],
            quantity=quantity,
            unit=unit,
            unit_price_minor=price,
            amount_minor=line_amount(quantity, price),
        )
        if len(description) > 300:
            errors.setdefault(field, []).append(_("Write at most 300 characters."))
        cleaned.append(row)
    if not cleaned and not errors:
        errors["lines"] = [_("An invoice needs at least one line.")]
    return cleaned


def _clean_invoice_head(data: Mapping[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    issue = clean_date(data.get("issue_date"), "issue_date", errors) or timezone.localdate()
    due = clean_date(data.get("due_date"), "due_date", errors) or issue + datetime.timedelta(days=30)
    if due < issue:
        errors.setdefault("due_date", []).append(_("An invoice cannot fall due before it is issued."))
    if issue > timezone.localdate() + datetime.timedelta(days=1):
        errors.setdefault("issue_date", []).append(_("An invoice cannot be issued in the future."))
    notes = str(data.get("notes") or "").strip()
    if len(notes) > 2000:
        errors.setdefault("notes", []).append(_("Write at most 2,000 characters."))
    external = " ".join(str(data.get("external_number") or "").split())
    if len(external) > 60:
        errors.setdefault("external_number", []).append(_("Write at most 60 characters."))
    return {"issue_date": issue, "due_date": due, "notes": notes, "external_number": external}


def _write_invoice(
    *,
    actor: Any,
    seller: Organisation,
    buyer: Organisation,
    head: Mapping[str, Any],
    currency: str,
    lines: list[InvoiceLine],
    source: str,
    order: Order | None = None,
    audited: bool = True,
) -> Invoice:
    total = sum(line.amount_minor for line in lines)
    if total > MAX_AMOUNT_MINOR:
        raise ValidationError(
            {
                "lines": [
                    _("The invoice's total may be at most %(limit)s minor units.")
                    % {"limit": format_number(MAX_AMOUNT_MINOR)}
                ]
            }
        )
    year = head["issue_date"].year
    invoice = Invoice.objects.create(
        seller=seller,
        buyer=buyer,
        order=order,
        year=year,
        sequence=next_sequence(seller, year),
        currency=currency,
        total_minor=total,
        source=source,
        created_by=acting_user(actor),
        **head,
    )
    for line in lines:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(lines)
    if audited:
        audit.record(
            actor=actor,
            action="exchange.invoice.create",
            obj=invoice,
            changes={"total_minor": [None, total], "currency": [None, currency], "buyer": [None, buyer.pk]},
        )
        record_event(actor=actor, organisation=seller, action=TradeEvent.Action.ISSUED, invoice=invoice)
        notices.invoice_issued(invoice, actor=actor)
    return invoice


@transaction.atomic
def invoice_from_order(*, actor: Any, order: Order, data: Mapping[str, Any] | None = None) -> Invoice:
    """The seller invoices a delivered order, for its agreed terms."""
    order = Order.objects.select_for_update(of=("self",)).select_related("seller", "buyer", "unit").get(pk=order.pk)
    if acting_side(actor, order).pk != order.seller_id:
        raise PermissionDenied(_("The seller invoices an order."))
    check_order_step(order, "invoice")
    if order.invoices.exclude(status=InvoiceStatus.CANCELLED).exists():
        raise ValidationError({"order": _("This order is invoiced already.")})
    errors: dict[str, list[str]] = {}
    head = _clean_invoice_head(data or {}, errors)
    if errors:
        raise ValidationError(errors)
    assert order.quantity is not None and order.unit_price_minor is not None
    line = InvoiceLine(
        position=1,
        description=order.description,
        quantity=order.quantity,
        unit=order.unit,
        unit_price_minor=order.unit_price_minor,
        amount_minor=line_amount(order.quantity, order.unit_price_minor),
    )
    return _write_invoice(
        actor=actor,
        seller=order.seller,
        buyer=order.buyer,
        head=head,
        currency=order.currency,
        lines=[line],
        source=InvoiceSource.ORDER,
        order=order,
    )


def check_invoice(
    *, seller: Organisation, buyer: Organisation | None, data: Mapping[str, Any]
) -> tuple[dict[str, Any], str, list[InvoiceLine]]:
    """Everything wrong with an invoice entered by hand or read from a file, at once (nothing is written)."""
    errors: dict[str, list[str]] = {}
    if buyer is None:
        errors["buyer"] = [_("Choose the buyer.")]
    elif buyer.pk == seller.pk:
        errors["buyer"] = [_("The seller and the buyer must be two organisations.")]
    elif buyer.status == OrganisationStatus.DISSOLVED:
        errors["buyer"] = [_("A dissolved organisation does not trade.")]
    head = _clean_invoice_head(data, errors)
    currency = clean_currency(data.get("currency"), "currency", errors)
    if not currency and "currency" not in errors:
        errors["currency"] = [_("Give the invoice's currency.")]
    lines = _clean_lines(data.get("lines") or [], errors)
    if errors:
        raise ValidationError(errors)
    return head, currency, lines


@transaction.atomic
def invoice_enter(
    *,
    actor: Any,
    seller: Organisation,
    buyer: Organisation | None,
    data: Mapping[str, Any],
    source: str = InvoiceSource.ENTERED,
) -> Invoice:
    """An invoice for trade done off the platform, entered by the seller's people (or the secretariat)."""
    if not (is_secretariat(actor) or permissions.can_act_for(actor, seller)):
        raise PermissionDenied(_("You may not issue invoices for this organisation."))
    head, currency, lines = check_invoice(seller=seller, buyer=buyer, data=data)
    assert buyer is not None
    return _write_invoice(
        actor=actor, seller=seller, buyer=buyer, head=head, currency=currency, lines=lines, source=source
    )


@transaction.atomic
def invoice_step(*, actor: Any, invoice: Invoice, step: str, reason: str = "") -> Invoice:
    """Acknowledge or dispute (the buyer), record as paid or cancel (the seller)."""
    if step not in INVOICE_STEPS:
        raise ValidationError({"step": _("Unknown step.")})
    invoice = Invoice.objects.select_related("seller", "buyer").get(pk=invoice.pk)
    party = invoice.buyer if INVOICE_STEP_BY[step] == "buyer" else invoice.seller
    if not permissions.can_act_for(actor, party):
        raise PermissionDenied(
            _("Only the buyer answers an invoice.")
            if INVOICE_STEP_BY[step] == "buyer"
            else _("Only the seller records a payment or cancels an invoice.")
        )
    reason = str(reason or "").strip()
    if step == "dispute" and not reason:
        raise ValidationError({"reason": _("Say why the invoice is disputed.")})
    if len(reason) > 2000:
        raise ValidationError({"reason": _("Write at most 2,000 characters.")})
    to = INVOICE_STEP_TO[step]
    changes: dict[str, Any] = {"status": to}
    if step == "dispute":
        changes["dispute_reason"] = reason
    won = Invoice.objects.filter(pk=invoice.pk, status__in=INVOICE_STEPS[step]).update(
        **changes, updated_at=timezone.now()
    )
    if not won:
        invoice.refresh_from_db()
        raise ValidationError(
            {
                "status": _("This invoice is %(status)s: that cannot be done now.")
                % {"status": invoice.get_status_display().lower()}
            }
        )
    before = invoice.status
    invoice.refresh_from_db()
    audit.record(actor=actor, action=f"exchange.invoice.{step}", obj=invoice, changes={"status": [before, to]})
    action = {
        "acknowledge": TradeEvent.Action.ACKNOWLEDGED,
        "dispute": TradeEvent.Action.DISPUTED,
        "pay": TradeEvent.Action.PAID,
        "cancel": TradeEvent.Action.CANCELLED,
    }[step]
    record_event(actor=actor, organisation=party, action=action, invoice=invoice, detail=reason)
    notices.invoice_step(
        invoice, step=step, to=invoice.seller if party.pk == invoice.buyer_id else invoice.buyer, actor=actor
    )
    return invoice


STEP_LABELS = {
    "acknowledge": gettext_lazy("Acknowledge"),
    "dispute": gettext_lazy("Dispute"),
    "pay": gettext_lazy("Record as paid"),
    "cancel": gettext_lazy("Cancel"),
}
