"""Every write of the exchange's trade between two organisations: enquiries about a listing and their messages,
and orders, from the first terms proposed to delivery. Each function checks who may do it, validates everything at
once, saves, records the step in the audit log (and, for orders, in their history) and tells the other party, in
one transaction. Pages and the API both come through here.

Orders are a state machine: ORDER_STEPS says which step may follow which, and a step is taken by a conditional
UPDATE on the state it starts from, so of two people acting at once (one accepts, the other declines) exactly one
wins and the other is told. Invoicing a delivered order is in `invoice_services.py`."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cicopa.core import audit, money
from cicopa.core.errors import PermissionDenied, ValidationError
from cicopa.core.formats import format_number
from cicopa.exchange import notices, permissions
from cicopa.exchange.models import (
    MAX_AMOUNT_MINOR,
    Direction,
    Enquiry,
    Listing,
    ListingStatus,
    Message,
    Order,
    OrderProposal,
    OrderStatus,
    ProposalStatus,
    TradeEvent,
    Unit,
    line_amount,
)
from cicopa.exchange.service_inputs import (
    acting_user,
    check_trading_party,
    clean_amount,
    clean_currency,
    clean_date,
    clean_decimal,
    clean_reference,
    record_event,
)
from cicopa.registry.models import Organisation, OrganisationStatus

# ---------------------------------------------------------------------------------------------------------------
# Enquiries


def _message_text(body: Any) -> str:
    text = str(body or "").strip()
    probe = Message(body=text)
    errors: dict[str, list[str]] = {}
    if not text:
        errors["body"] = [_("Write a message.")]
    else:
        try:
            probe.clean_fields(exclude=["enquiry", "organisation", "author"])
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return text


@transaction.atomic
def enquiry_send(*, actor: Any, listing: Listing, organisation: Organisation, body: str) -> Enquiry:
    """`organisation` writes to the publisher of `listing`: a new thread, or the next message of theirs."""
    check_trading_party(actor, organisation, _("You may not write for this organisation."))
    listing = Listing.objects.select_related("organisation").get(pk=listing.pk)
    if listing.organisation_id == organisation.pk:
        raise ValidationError({"listing": _("This is your own listing: an enquiry goes to another organisation.")})
    if listing.status != ListingStatus.PUBLISHED:
        raise ValidationError({"listing": _("This listing is not open: it takes no enquiries.")})
    text = _message_text(body)
    now = timezone.now()
    enquiry, created = Enquiry.objects.get_or_create(
        listing=listing,
        organisation=organisation,
        defaults={"created_by": actor if getattr(actor, "pk", None) else None, "last_message_at": now},
    )
    if created:
        audit.record(actor=actor, action="exchange.enquiry.create", obj=enquiry)
    _add_message(actor=actor, enquiry=enquiry, organisation=organisation, text=text, now=now)
    return enquiry


@transaction.atomic
def message_send(*, actor: Any, enquiry: Enquiry, body: str) -> Message:
    """A reply in an enquiry, written for the actor's side of it."""
    enquiry = Enquiry.objects.select_related("listing__organisation", "organisation").get(pk=enquiry.pk)
    mine = permissions.trading_organisation_ids(actor)
    if enquiry.organisation_id in mine:
        side = enquiry.organisation
    elif enquiry.listing.organisation_id in mine:
        side = enquiry.listing.organisation
    else:
        raise PermissionDenied(_("You may not write in this enquiry."))
    return _add_message(actor=actor, enquiry=enquiry, organisation=side, text=_message_text(body), now=timezone.now())


def _add_message(
    *, actor: Any, enquiry: Enquiry, organisation: Organisation, text: str, now: datetime.datetime
) -> Message:
    message = Message.objects.create(
        enquiry=enquiry, organisation=organisation, author=actor if getattr(actor, "pk", None) else None, body=text
    )
    Enquiry.objects.filter(pk=enquiry.pk).update(last_message_at=now)
    audit.record(actor=actor, action="exchange.message.create", obj=message, changes={"enquiry": [None, enquiry.pk]})
    other = enquiry.listing.organisation if organisation.pk == enquiry.organisation_id else enquiry.organisation
    notices.message_received(enquiry, message, to=other, actor=actor)
    return message


# ---------------------------------------------------------------------------------------------------------------
# Orders

# Which order status a step may start from.
ORDER_STEPS: dict[str, tuple[str, ...]] = {
    "propose": (OrderStatus.PROPOSED, OrderStatus.AGREED),
    "accept": (OrderStatus.PROPOSED, OrderStatus.AGREED),
    "decline": (OrderStatus.PROPOSED, OrderStatus.AGREED),
    "withdraw": (OrderStatus.PROPOSED, OrderStatus.AGREED),
    "deliver": (OrderStatus.AGREED,),
    "invoice": (OrderStatus.DELIVERED,),
}


def _terms(data: Mapping[str, Any], *, listing: Listing | None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    quantity = clean_decimal(data.get("quantity"), "quantity", errors)
    if quantity is None and "quantity" not in errors:
        errors["quantity"] = [_("Give a quantity.")]
    unit_default = listing.unit_id if listing is not None else None
    unit = clean_reference(Unit, data.get("unit", unit_default), "unit", _("Unknown unit “%(value)s”."), errors)
    price = clean_amount(data.get("unit_price_minor"), "unit_price_minor", errors, allow_zero=False)
    if price is None and "unit_price_minor" not in errors:
        errors["unit_price_minor"] = [_("Give a price per unit.")]
    currency = clean_currency(data.get("currency") or (listing.currency if listing else ""), "currency", errors)
    if not currency and "currency" not in errors:
        errors["currency"] = [_("Give the currency of the price.")]
    delivery = clean_date(data.get("delivery_date"), "delivery_date", errors)
    note = str(data.get("note") or "").strip()
    if len(note) > 500:
        errors["note"] = [_("Write at most 500 characters.")]
    if quantity is not None and price is not None and not errors and line_amount(quantity, price) > MAX_AMOUNT_MINOR:
        errors["quantity"] = [
            _("The order's total may be at most %(limit)s minor units.") % {"limit": format_number(MAX_AMOUNT_MINOR)}
        ]
    if errors:
        raise ValidationError(errors)
    return {
        "quantity": quantity,
        "unit": unit,
        "unit_price_minor": price,
        "currency": currency,
        "delivery_date": delivery,
        "note": note,
    }


@transaction.atomic
def order_propose(
    *,
    actor: Any,
    seller: Organisation,
    buyer: Organisation,
    as_organisation: Organisation,
    data: Mapping[str, Any],
    listing: Listing | None = None,
    enquiry: Enquiry | None = None,
) -> Order:
    """A new order, proposed by one of its two parties (the other accepts or declines it). From a listing, the
    seller is the publisher of an offer, or the enquirer on a need."""
    if as_organisation.pk not in (seller.pk, buyer.pk):
        raise PermissionDenied(_("An order is proposed by its seller or its buyer."))
    check_trading_party(actor, as_organisation, _("You may not order for this organisation."))
    if seller.pk == buyer.pk:
        raise ValidationError({"buyer": _("The seller and the buyer must be two organisations.")})
    other = buyer if as_organisation.pk == seller.pk else seller
    if other.status == OrganisationStatus.DISSOLVED:
        raise ValidationError({"buyer": _("A dissolved organisation does not trade.")})
    if listing is not None:
        listing = Listing.objects.get(pk=listing.pk)  # as it is now, not as the caller read it
        if listing.status != ListingStatus.PUBLISHED:
            raise ValidationError(
                {
                    "listing": _("This listing is %(status)s: it takes no orders.")
                    % {"status": listing.get_status_display().lower()}
                }
            )
        publisher_sells = listing.direction == Direction.OFFER
        if listing.organisation_id != (seller.pk if publisher_sells else buyer.pk):
            raise ValidationError({"listing": _("The order's parties do not match this listing.")})
    if enquiry is not None and set(enquiry.parties) != {seller.pk, buyer.pk}:
        raise ValidationError({"enquiry": _("The order's parties do not match this enquiry.")})
    terms = _terms(data, listing=listing)
    description = " ".join(str(data.get("description") or (listing.title if listing else "")).split())
    if not description:
        raise ValidationError({"description": _("Say what is ordered.")})
    if len(description) > 300:
        raise ValidationError({"description": _("Write at most 300 characters.")})
    order = Order.objects.create(
        listing=listing,
        enquiry=enquiry,
        seller=seller,
        buyer=buyer,
        description=description,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    proposal = OrderProposal.objects.create(
        order=order, organisation=as_organisation, author=acting_user(actor), **terms
    )
    audit.record(
        actor=actor,
        action="exchange.order.create",
        obj=order,
        changes={"seller": [None, seller.pk], "buyer": [None, buyer.pk]},
    )
    record_event(
        actor=actor,
        organisation=as_organisation,
        action=TradeEvent.Action.PROPOSED,
        order=order,
        detail=_terms_text(proposal),
    )
    notices.proposal_made(order, proposal, to=other, actor=actor)
    return order


def _terms_text(proposal: OrderProposal) -> str:
    unit = f" {proposal.unit.short()}" if proposal.unit_id and proposal.unit else ""
    price = money.format_money(proposal.unit_price_minor, proposal.currency)
    text = f"{proposal.quantity.normalize():f}{unit} \N{MULTIPLICATION SIGN} {price}"
    if proposal.delivery_date:
        text += f", {proposal.delivery_date.isoformat()}"
    return text


def acting_side(actor: Any, order: Order) -> Organisation:
    mine = permissions.trading_organisation_ids(actor)
    if order.seller_id in mine and order.buyer_id in mine:
        # Someone who acts for both (an officer of a federation whose two members trade) acts for the seller.
        return order.seller
    if order.seller_id in mine:
        return order.seller
    if order.buyer_id in mine:
        return order.buyer
    raise PermissionDenied(_("You may not act on this order."))


@transaction.atomic
def proposal_make(*, actor: Any, order: Order, data: Mapping[str, Any]) -> OrderProposal:
    """New terms for an order (a counter-proposal, or a change of agreed terms); a pending proposal of either
    side is replaced by it."""
    order = Order.objects.select_for_update(of=("self",)).select_related("seller", "buyer", "listing").get(pk=order.pk)
    side = acting_side(actor, order)
    check_order_step(order, "propose")
    terms = _terms(data, listing=order.listing)
    OrderProposal.objects.filter(order=order, status=ProposalStatus.PENDING).update(
        status=ProposalStatus.SUPERSEDED, decided_at=timezone.now()
    )
    proposal = OrderProposal.objects.create(order=order, organisation=side, author=acting_user(actor), **terms)
    Order.objects.filter(pk=order.pk).update(updated_at=timezone.now())
    audit.record(actor=actor, action="exchange.proposal.create", obj=proposal, changes={"order": [None, order.pk]})
    record_event(
        actor=actor, organisation=side, action=TradeEvent.Action.PROPOSED, order=order, detail=_terms_text(proposal)
    )
    other = order.buyer if side.pk == order.seller_id else order.seller
    notices.proposal_made(order, proposal, to=other, actor=actor)
    return proposal


def check_order_step(order: Order, step: str) -> None:
    if order.status not in ORDER_STEPS[step]:
        raise ValidationError(
            {
                "status": _("This order is %(status)s: that cannot be done now.")
                % {"status": order.get_status_display().lower()}
            }
        )


def _decide(*, actor: Any, proposal: OrderProposal, to: str) -> OrderProposal:
    """Take a pending proposal to `to`, or tell that someone else decided it first."""
    proposal = OrderProposal.objects.select_related("order__seller", "order__buyer").get(pk=proposal.pk)
    order = proposal.order
    side = acting_side(actor, order)
    if to == ProposalStatus.WITHDRAWN:
        if side.pk != proposal.organisation_id:
            raise PermissionDenied(_("Only those who proposed terms withdraw them."))
    elif side.pk == proposal.organisation_id:
        raise PermissionDenied(_("The other party answers this proposal, not the one who made it."))
    step = {"accepted": "accept", "declined": "decline", "withdrawn": "withdraw"}[str(to)]
    check_order_step(order, step)
    now = timezone.now()
    # The conditional update is the lock: of two people answering at once, one changes the row, the other none.
    won = OrderProposal.objects.filter(pk=proposal.pk, status=ProposalStatus.PENDING).update(
        status=to, decided_at=now, decided_by=acting_user(actor)
    )
    if not won:
        proposal.refresh_from_db()
        raise ValidationError(
            {
                "proposal": _("This proposal was answered already: it is now %(status)s.")
                % {"status": proposal.get_status_display().lower()}
            }
        )
    proposal.refresh_from_db()
    before = order.status
    if to == ProposalStatus.ACCEPTED:
        order.quantity = proposal.quantity
        order.unit = proposal.unit
        order.unit_price_minor = proposal.unit_price_minor
        order.currency = proposal.currency
        order.delivery_date = proposal.delivery_date
        order.status = OrderStatus.AGREED
    elif before == OrderStatus.PROPOSED and not order.proposals.filter(status=ProposalStatus.PENDING).exists():
        order.status = OrderStatus.DECLINED  # the first terms were refused or withdrawn: nothing was agreed
    order.save()
    audit.record(
        actor=actor,
        action=f"exchange.proposal.{step}",
        obj=proposal,
        changes={"status": [ProposalStatus.PENDING, to], "order_status": [before, order.status]},
    )
    action = {
        "accept": TradeEvent.Action.ACCEPTED,
        "decline": TradeEvent.Action.DECLINED,
        "withdraw": TradeEvent.Action.WITHDRAWN,
    }[step]
    record_event(actor=actor, organisation=side, action=action, order=order)
    other = order.buyer if side.pk == order.seller_id else order.seller
    notices.order_step(order, step=step, to=other, actor=actor)
    return proposal


@transaction.atomic
def proposal_accept(*, actor: Any, proposal: OrderProposal) -> OrderProposal:
    return _decide(actor=actor, proposal=proposal, to=ProposalStatus.ACCEPTED)


@transaction.atomic
def proposal_decline(*, actor: Any, proposal: OrderProposal) -> OrderProposal:
    return _decide(actor=actor, proposal=proposal, to=ProposalStatus.DECLINED)


@transaction.atomic
def proposal_withdraw(*, actor: Any, proposal: OrderProposal) -> OrderProposal:
    return _decide(actor=actor, proposal=proposal, to=ProposalStatus.WITHDRAWN)


@transaction.atomic
def order_deliver(*, actor: Any, order: Order) -> Order:
    """The seller says the agreed order was delivered; a change still under discussion lapses."""
    order = Order.objects.select_related("seller", "buyer").get(pk=order.pk)
    if acting_side(actor, order).pk != order.seller_id:
        raise PermissionDenied(_("The seller marks an order delivered."))
    now = timezone.now()
    if not Order.objects.filter(pk=order.pk, status=OrderStatus.AGREED).update(
        status=OrderStatus.DELIVERED, delivered_at=now, updated_at=now
    ):
        order.refresh_from_db()
        check_order_step(order, "deliver")
    OrderProposal.objects.filter(order=order, status=ProposalStatus.PENDING).update(
        status=ProposalStatus.WITHDRAWN, decided_at=now
    )
    order.refresh_from_db()
    audit.record(
        actor=actor,
        action="exchange.order.deliver",
        obj=order,
        changes={"status": [OrderStatus.AGREED, OrderStatus.DELIVERED]},
    )
    record_event(actor=actor, organisation=order.seller, action=TradeEvent.Action.DELIVERED, order=order)
    notices.order_step(order, step="deliver", to=order.buyer, actor=actor)
    return order
