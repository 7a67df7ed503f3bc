"""Every write of the exchange. Each function checks who may do it, validates everything at once, saves, records
the step in the audit log (and, for orders and invoices, in their history) and tells the other party, in one
transaction. Pages, the API, imports, the demo and scheduled tasks all come through here.

Orders and invoices are state machines: ORDER_STEPS and INVOICE_STEPS say which step may follow which, and a
step is taken by a conditional UPDATE on the state it starts from, so of two people acting at once (one accepts,
the other declines) exactly one wins and the other is told."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cicopa.core import audit, money, versions
from cicopa.core.errors import EditConflict, PermissionDenied, ValidationError
from cicopa.core.i18n import CONTENT_LANGUAGES
from cicopa.core.models import Country, Sector
from cicopa.core.roles import is_secretariat
from cicopa.exchange import notices, permissions, search
from cicopa.exchange.models import (
    MAX_AMOUNT_MINOR,
    MAX_QUANTITY,
    Category,
    Direction,
    Enquiry,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    InvoiceSource,
    InvoiceStatus,
    Listing,
    ListingKind,
    ListingStatus,
    ListingTranslation,
    Message,
    Order,
    OrderProposal,
    OrderStatus,
    ProposalStatus,
    Scope,
    TradeEvent,
    Unit,
    line_amount,
)
from cicopa.registry.models import Organisation, OrganisationStatus

# ---------------------------------------------------------------------------------------------------------------
# Listings

LISTING_FIELDS = (
    "direction",
    "kind",
    "language",
    "title",
    "description",
    "category",
    "sector",
    "quantity",
    "unit",
    "price_minor",
    "currency",
    "country",
    "city",
    "scope",
    "valid_from",
    "valid_until",
)
# What the publisher may do to its listing's status, from which status.
LISTING_STEPS: dict[str, tuple[str, ...]] = {
    ListingStatus.DRAFT: (ListingStatus.PUBLISHED, ListingStatus.CLOSED),
    ListingStatus.PUBLISHED: (ListingStatus.PAUSED, ListingStatus.CLOSED),
    ListingStatus.PAUSED: (ListingStatus.PUBLISHED, ListingStatus.CLOSED),
    ListingStatus.EXPIRED: (ListingStatus.PUBLISHED, ListingStatus.CLOSED),  # after its dates are moved on
    ListingStatus.CLOSED: (),
}


def listing_snapshot(listing: Listing) -> dict[str, Any]:
    """The listing's state as its audit entries and its version see it (a form carries it, see core.versions)."""
    return _snapshot_listing(listing)


def listing_version(listing: Listing) -> str:
    """The listing's version: its ETag in the API, and what listing_update's `based_on` names."""
    return versions.version(_snapshot_listing(listing))


def _snapshot_listing(listing: Listing) -> dict[str, Any]:
    data = audit.snapshot(
        listing,
        [f + "_id" if f in {"category", "sector", "unit", "country"} else f for f in (*LISTING_FIELDS, "status")],
    )
    data["translations"] = (
        {t.language: [t.title, t.description] for t in listing.translations.all().order_by("language")}
        if listing.pk
        else {}
    )
    return data


def _trading_party(actor: Any, organisation: Organisation, message: str) -> None:
    if not permissions.can_act_for(actor, organisation):
        raise PermissionDenied(message)
    if organisation.status == OrganisationStatus.DISSOLVED:
        raise ValidationError({"organisation": _("A dissolved organisation does not trade.")})


def _reference(model: Any, value: Any, field: str, message: str, errors: dict[str, list[str]]) -> Any:
    if value in (None, ""):
        return None
    if isinstance(value, model):
        return value
    found = model.objects.filter(pk=value).first()
    if found is None:
        errors.setdefault(field, []).append(message % {"value": value})
    return found


def _decimal(value: Any, field: str, errors: dict[str, list[str]]) -> Decimal | None:
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


def _amount(value: Any, field: str, errors: dict[str, list[str]], *, allow_zero: bool = True) -> int | None:
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
            _("The amount may be at most %(limit)s minor units.") % {"limit": f"{MAX_AMOUNT_MINOR:,}"}
        )
    return value


def _currency(value: Any, field: str, errors: dict[str, list[str]]) -> str:
    code = str(value or "").strip().upper()
    if code and not money.is_known_currency(code):
        errors.setdefault(field, []).append(_("“%(code)s” is not an ISO 4217 currency in use.") % {"code": value})
    return code


def _choice(value: Any, choices: Any, field: str, errors: dict[str, list[str]]) -> str:
    if value not in choices.values:
        errors.setdefault(field, []).append(
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(str(v) for v in choices.values)}
        )
    return str(value or "")


def _date(value: Any, field: str, errors: dict[str, list[str]]) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        errors.setdefault(field, []).append(_("Enter a date as YYYY-MM-DD."))
        return None


def _clean_listing(listing: Listing, data: Mapping[str, Any]) -> None:
    """Apply `data` to `listing`, checking every field at once; raises ValidationError with all problems."""
    unknown = set(data) - set(LISTING_FIELDS) - {"translations"}
    if unknown:
        raise ValidationError({f: _("This field cannot be changed here.") for f in sorted(unknown)})
    errors: dict[str, list[str]] = {}
    values = {
        f: getattr(listing, f + "_id" if f in {"category", "sector", "unit", "country"} else f) for f in LISTING_FIELDS
    }
    values.update(data)
    listing.direction = _choice(values["direction"], Direction, "direction", errors)
    listing.kind = _choice(values["kind"], ListingKind, "kind", errors)
    listing.scope = _choice(values["scope"] or Scope.NATIONAL, Scope, "scope", errors)
    if values["language"] not in CONTENT_LANGUAGES:
        errors.setdefault("language", []).append(_("Choose English, French or Spanish."))
    listing.language = str(values["language"] or "")
    listing.title = " ".join(str(values["title"] or "").split())
    listing.description = str(values["description"] or "").strip()
    listing.city = " ".join(str(values["city"] or "").split())
    category = _reference(Category, values["category"], "category", _("Unknown category “%(value)s”."), errors)
    if category is None and "category" not in errors:
        errors["category"] = [_("Choose a category.")]
    else:
        listing.category = category
    listing.sector = _reference(Sector, values["sector"], "sector", _("Unknown sector “%(value)s”."), errors)
    country = _reference(Country, values["country"], "country", _("Unknown country “%(value)s”."), errors)
    if country is None and "country" not in errors:
        errors["country"] = [_("Choose a country.")]
    else:
        listing.country = country
    listing.unit = _reference(Unit, values["unit"], "unit", _("Unknown unit “%(value)s”."), errors)
    listing.quantity = _decimal(values["quantity"], "quantity", errors)
    if listing.quantity is not None and listing.unit is None and "unit" not in errors:
        errors["unit"] = [_("Give the unit of the quantity.")]
    listing.price_minor = _amount(values["price_minor"], "price_minor", errors)
    listing.currency = _currency(values["currency"], "currency", errors)
    if listing.price_minor is not None and not listing.currency and "currency" not in errors:
        errors["currency"] = [_("Give the currency of the price.")]
    if listing.price_minor is None:
        listing.currency = listing.currency if listing.currency else ""
    listing.valid_from = _date(values["valid_from"], "valid_from", errors) or timezone.localdate()
    listing.valid_until = _date(values["valid_until"], "valid_until", errors)
    if listing.valid_until and listing.valid_until < listing.valid_from:
        errors.setdefault("valid_until", []).append(_("A listing cannot end before it starts."))
    if not listing.title:
        errors.setdefault("title", []).append(_("Give the listing a title."))
    try:
        listing.clean_fields(exclude=[f for f in ("organisation", "category", "country") if f not in errors])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(m for m in messages if m not in errors.get(field, []))
    translations = data.get("translations")
    if translations is not None:
        _check_translations(listing, translations, errors)
    if errors:
        raise ValidationError(errors)


def _check_translations(listing: Listing, translations: Any, errors: dict[str, list[str]]) -> None:
    if not isinstance(translations, Mapping):
        errors.setdefault("translations", []).append(_("Give translations by language."))
        return
    for language, text in translations.items():
        if language not in CONTENT_LANGUAGES or language == listing.language:
            errors.setdefault("translations", []).append(
                _("A translation is into English, French or Spanish, other than the language written in.")
            )
            continue
        if not isinstance(text, Mapping):
            errors.setdefault("translations", []).append(_("Give a title and a description."))
            continue
        row = ListingTranslation(
            listing=listing,
            language=language,
            title=" ".join(str(text.get("title") or "").split()),
            description=str(text.get("description") or "").strip(),
        )
        if not row.title and not row.description:
            continue  # an empty translation: none
        if not row.title:
            errors.setdefault(f"translations.{language}", []).append(_("A translation needs a title."))
        try:
            row.clean_fields(exclude=["listing"])
        except ValidationError as exc:
            for messages in exc.message_dict.values():
                errors.setdefault(f"translations.{language}", []).extend(messages)


def _save_translations(listing: Listing, translations: Mapping[str, Any] | None) -> None:
    if translations is None:
        return
    for language in CONTENT_LANGUAGES:
        text = translations.get(language)
        title = " ".join(str((text or {}).get("title") or "").split())
        description = str((text or {}).get("description") or "").strip()
        if language == listing.language or not (title or description):
            ListingTranslation.objects.filter(listing=listing, language=language).delete()
        else:
            ListingTranslation.objects.update_or_create(
                listing=listing, language=language, defaults={"title": title, "description": description}
            )


def _publishable(listing: Listing) -> None:
    today = timezone.localdate()
    if listing.valid_until is not None and listing.valid_until < today:
        raise ValidationError({"valid_until": _("This listing's validity has ended: move its dates on first.")})


@transaction.atomic
def listing_create(
    *, actor: Any, organisation: Organisation, data: Mapping[str, Any], publish: bool = False
) -> Listing:
    """A new offer or need of `organisation`, as a draft or published at once."""
    _trading_party(actor, organisation, _("You may not publish listings for this organisation."))
    listing = Listing(organisation=organisation, created_by=actor if getattr(actor, "pk", None) else None)
    defaults = {"country": organisation.country_id, "city": organisation.city, "scope": Scope.NATIONAL}
    _clean_listing(listing, {**{k: v for k, v in defaults.items() if k not in data}, **data})
    if publish:
        _publishable(listing)
        listing.status = ListingStatus.PUBLISHED
        listing.published_at = timezone.now()
    search.fill_columns(listing, data.get("translations"))
    listing.save()
    _save_translations(listing, data.get("translations"))
    audit.record(
        actor=actor,
        action="exchange.listing.create",
        obj=listing,
        changes=audit.diff({}, _snapshot_listing(listing)),
    )
    if listing.status == ListingStatus.PUBLISHED:
        notices.listing_published(listing, actor=actor)
    return listing


@transaction.atomic
def listing_update(*, actor: Any, listing: Listing, data: Mapping[str, Any], based_on: str | None = None) -> Listing:
    """Change a listing. Only the fields in `data` change. With `based_on` (the version the editor read, see
    listing_version), a listing changed since by someone else is not overwritten: EditConflict instead."""
    if not permissions.can_manage_listing(actor, listing):
        raise PermissionDenied(_("You may not edit this listing."))
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    if listing.status == ListingStatus.CLOSED:
        raise ValidationError({"status": _("A closed listing cannot be changed.")})
    before = _snapshot_listing(listing)
    if based_on is not None and based_on != versions.version(before):
        raise EditConflict(
            _("Someone else changed this listing after you opened it; your changes were not saved."),
            current=versions.version(before),
        )
    _clean_listing(listing, data)
    translations = data.get("translations")
    if translations is None:
        translations = {
            t.language: {"title": t.title, "description": t.description} for t in listing.translations.all()
        }
    search.fill_columns(listing, translations)
    listing.save()
    _save_translations(listing, data.get("translations"))
    changes = audit.diff(before, _snapshot_listing(listing))
    if changes:
        audit.record(actor=actor, action="exchange.listing.update", obj=listing, changes=changes)
    return listing


@transaction.atomic
def listing_set_status(*, actor: Any, listing: Listing, status: str) -> Listing:
    """Publish, pause, reopen or close a listing (the secretariat may pause or close any)."""
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    publisher = permissions.can_manage_listing(actor, listing)
    if not publisher and not (
        permissions.can_moderate_listing(actor, listing) and status in (ListingStatus.PAUSED, ListingStatus.CLOSED)
    ):
        raise PermissionDenied(_("You may not change this listing."))
    if status not in LISTING_STEPS.get(listing.status, ()):
        raise ValidationError(
            {
                "status": _("A listing that is %(current)s cannot become %(new)s.")
                % {"current": listing.get_status_display().lower(), "new": _status_label(ListingStatus, status)}
            }
        )
    if status == ListingStatus.PUBLISHED:
        _publishable(listing)
    before = listing.status
    listing.status = status
    first_publication = status == ListingStatus.PUBLISHED and listing.published_at is None
    if status == ListingStatus.PUBLISHED:
        listing.published_at = listing.published_at or timezone.now()
    search.fill_columns(listing, None)
    listing.save()
    audit.record(actor=actor, action="exchange.listing.status", obj=listing, changes={"status": [before, status]})
    if first_publication:
        notices.listing_published(listing, actor=actor)
    return listing


def _status_label(choices: Any, value: str) -> str:
    return str(dict(choices.choices).get(value, value)).lower()


def expire_listings(*, today: datetime.date | None = None) -> int:
    """Published and paused listings whose validity ended before `today` become expired (a scheduled task)."""
    today = today or timezone.localdate()
    expired = 0
    while True:
        with transaction.atomic():
            batch = list(
                Listing.objects.select_for_update()
                .filter(status__in=(ListingStatus.PUBLISHED, ListingStatus.PAUSED), valid_until__lt=today)
                .order_by("pk")[:500]
            )
            if not batch:
                return expired
            for listing in batch:
                previous = listing.status
                listing.status = ListingStatus.EXPIRED
                search.fill_columns(listing, None)
                listing.save(update_fields=["status", "search_tags", "updated_at"])
                audit.record(
                    actor=None,
                    action="exchange.listing.expire",
                    obj=listing,
                    changes={"status": [previous, ListingStatus.EXPIRED]},
                )
            expired += len(batch)


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
    _trading_party(actor, organisation, _("You may not write for this organisation."))
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
    quantity = _decimal(data.get("quantity"), "quantity", errors)
    if quantity is None and "quantity" not in errors:
        errors["quantity"] = [_("Give a quantity.")]
    unit_default = listing.unit_id if listing is not None else None
    unit = _reference(Unit, data.get("unit", unit_default), "unit", _("Unknown unit “%(value)s”."), errors)
    price = _amount(data.get("unit_price_minor"), "unit_price_minor", errors, allow_zero=False)
    if price is None and "unit_price_minor" not in errors:
        errors["unit_price_minor"] = [_("Give a price per unit.")]
    currency = _currency(data.get("currency") or (listing.currency if listing else ""), "currency", errors)
    if not currency and "currency" not in errors:
        errors["currency"] = [_("Give the currency of the price.")]
    delivery = _date(data.get("delivery_date"), "delivery_date", errors)
    note = str(data.get("note") or "").strip()
    if len(note) > 500:
        errors["note"] = [_("Write at most 500 characters.")]
    if quantity is not None and price is not None and not errors and line_amount(quantity, price) > MAX_AMOUNT_MINOR:
        errors["quantity"] = [
            _("The order's total may be at most %(limit)s minor units.") % {"limit": f"{MAX_AMOUNT_MINOR:,}"}
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


def _event(
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
    _trading_party(actor, as_organisation, _("You may not order for this organisation."))
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
    proposal = OrderProposal.objects.create(order=order, organisation=as_organisation, author=_user(actor), **terms)
    audit.record(
        actor=actor,
        action="exchange.order.create",
        obj=order,
        changes={"seller": [None, seller.pk], "buyer": [None, buyer.pk]},
    )
    _event(
        actor=actor,
        organisation=as_organisation,
        action=TradeEvent.Action.PROPOSED,
        order=order,
        detail=_terms_text(proposal),
    )
    notices.proposal_made(order, proposal, to=other, actor=actor)
    return order


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _terms_text(proposal: OrderProposal) -> str:
    unit = f" {proposal.unit.short()}" if proposal.unit_id and proposal.unit else ""
    price = money.format_money(proposal.unit_price_minor, proposal.currency)
    text = f"{proposal.quantity.normalize():f}{unit} \N{MULTIPLICATION SIGN} {price}"
    if proposal.delivery_date:
        text += f", {proposal.delivery_date.isoformat()}"
    return text


def _side(actor: Any, order: Order) -> Organisation:
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
    side = _side(actor, order)
    _step_allowed(order, "propose")
    terms = _terms(data, listing=order.listing)
    OrderProposal.objects.filter(order=order, status=ProposalStatus.PENDING).update(
        status=ProposalStatus.SUPERSEDED, decided_at=timezone.now()
    )
    proposal = OrderProposal.objects.create(order=order, organisation=side, author=_user(actor), **terms)
    Order.objects.filter(pk=order.pk).update(updated_at=timezone.now())
    audit.record(actor=actor, action="exchange.proposal.create", obj=proposal, changes={"order": [None, order.pk]})
    _event(actor=actor, organisation=side, action=TradeEvent.Action.PROPOSED, order=order, detail=_terms_text(proposal))
    other = order.buyer if side.pk == order.seller_id else order.seller
    notices.proposal_made(order, proposal, to=other, actor=actor)
    return proposal


def _step_allowed(order: Order, step: str) -> None:
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
    side = _side(actor, order)
    if to == ProposalStatus.WITHDRAWN:
        if side.pk != proposal.organisation_id:
            raise PermissionDenied(_("Only those who proposed terms withdraw them."))
    elif side.pk == proposal.organisation_id:
        raise PermissionDenied(_("The other party answers this proposal, not the one who made it."))
    step = {"accepted": "accept", "declined": "decline", "withdrawn": "withdraw"}[str(to)]
    _step_allowed(order, step)
    now = timezone.now()
    # The conditional update is the lock: of two people answering at once, one changes the row, the other none.
    won = OrderProposal.objects.filter(pk=proposal.pk, status=ProposalStatus.PENDING).update(
        status=to, decided_at=now, decided_by=_user(actor)
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
    _event(actor=actor, organisation=side, action=action, order=order)
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
    if _side(actor, order).pk != order.seller_id:
        raise PermissionDenied(_("The seller marks an order delivered."))
    now = timezone.now()
    if not Order.objects.filter(pk=order.pk, status=OrderStatus.AGREED).update(
        status=OrderStatus.DELIVERED, delivered_at=now, updated_at=now
    ):
        order.refresh_from_db()
        _step_allowed(order, "deliver")
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
    _event(actor=actor, organisation=order.seller, action=TradeEvent.Action.DELIVERED, order=order)
    notices.order_step(order, step="deliver", to=order.buyer, actor=actor)
    return order


# ---------------------------------------------------------------------------------------------------------------
# Invoices

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
        quantity = _decimal(line.get("quantity") or 1, "quantity", line_errors)
        unit = _reference(Unit, line.get("unit"), "unit", _("Unknown unit “%(value)s”."), line_errors)
        price = _amount(line.get("unit_price_minor"), "unit_price_minor", line_errors, allow_zero=False)
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
    issue = _date(data.get("issue_date"), "issue_date", errors) or timezone.localdate()
    due = _date(data.get("due_date"), "due_date", errors) or issue + datetime.timedelta(days=30)
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
                    _("The invoice's total may be at most %(limit)s minor units.") % {"limit": f"{MAX_AMOUNT_MINOR:,}"}
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
        created_by=_user(actor),
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
        _event(actor=actor, organisation=seller, action=TradeEvent.Action.ISSUED, invoice=invoice)
        notices.invoice_issued(invoice, actor=actor)
    return invoice


@transaction.atomic
def invoice_from_order(*, actor: Any, order: Order, data: Mapping[str, Any] | None = None) -> Invoice:
    """The seller invoices a delivered order, for its agreed terms."""
    order = Order.objects.select_for_update(of=("self",)).select_related("seller", "buyer", "unit").get(pk=order.pk)
    if _side(actor, order).pk != order.seller_id:
        raise PermissionDenied(_("The seller invoices an order."))
    _step_allowed(order, "invoice")
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
    currency = _currency(data.get("currency"), "currency", errors)
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
    _event(actor=actor, organisation=party, action=action, invoice=invoice, detail=reason)
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
