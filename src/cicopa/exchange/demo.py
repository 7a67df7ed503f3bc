"""The exchange's demo data, the same every time (fixed seed): offers and needs of the demo co-operatives in
their own language (French, Spanish, else English; a third of them translated into the other two), enquiries
between co-operatives of different countries, orders at every step, and invoices, among them a trade network of
euro invoices between co-operatives of the euro area with chains and cycles for the clearing house to clear.

The records are written in bulk, like the registry's demo co-operatives, with one audit entry for the whole."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from babel.numbers import get_territory_currencies
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cicopa.core import audit
from cicopa.core.models import Profile
from cicopa.exchange import search
from cicopa.exchange.demo_catalogue import CATALOGUE, Item
from cicopa.exchange.models import (
    Direction,
    Enquiry,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    InvoiceSource,
    InvoiceStatus,
    Listing,
    ListingStatus,
    ListingTranslation,
    Message,
    Order,
    OrderProposal,
    OrderStatus,
    ProposalStatus,
    Scope,
    TradeEvent,
    line_amount,
)
from cicopa.registry import access_services
from cicopa.registry.models import AccessRole, Organisation, OrganisationKind

SEED = 2026
COOPERATIVES = 360  # co-operatives that trade in the demo
NETWORK = 40  # euro-area co-operatives of the invoice network
LANGUAGE_OF = {
    "FR": "fr",
    "BE": "fr",
    "SN": "fr",
    "CI": "fr",
    "ML": "fr",
    "BF": "fr",
    "CM": "fr",
    "MA": "fr",
    "TN": "fr",
    "ES": "es",
    "AR": "es",
    "CO": "es",
    "MX": "es",
    "UY": "es",
    "PE": "es",
    "CL": "es",
}
EURO = {
    "FR",
    "ES",
    "IT",
    "PT",
    "BE",
    "DE",
    "SK",
    "FI",
    "NL",
    "AT",
    "IE",
    "GR",
    "SI",
    "LT",
    "LV",
    "EE",
    "LU",
    "MT",
    "CY",
    "HR",
}
DEMO_USER = ("cooperativa", "cicopa-cooperativa", "editor of one Spanish building co-operative (reads Spanish)")
MESSAGES = {
    "en": (
        "Hello, we are interested in your listing. Could you tell us more about quantities and delivery?",
        "Thank you: yes, we can deliver within three weeks. Shall we agree an order?",
    ),
    "fr": (
        "Bonjour, votre annonce nous intéresse. Pouvez-vous nous en dire plus sur les quantités et la livraison ?",
        "Merci : oui, nous pouvons livrer sous trois semaines. Passons-nous commande ?",
    ),
    "es": (
        "Hola, nos interesa su anuncio. ¿Nos pueden dar más detalles sobre cantidades y entrega?",
        "Gracias: sí, podemos entregar en tres semanas. ¿Acordamos un pedido?",
    ),
}


def _activity(description: str) -> str | None:
    if description.startswith("A ") and " co-operative in " in description:
        word = description[2 : description.index(" co-operative in ")]
        return word if word in CATALOGUE else None
    return None


def _currency(iso: str) -> str:
    if iso in EURO:
        return "EUR"
    found = get_territory_currencies(iso, tender=True, non_tender=False)
    return found[0] if found else "USD"


def _price(rng: random.Random, item: Item) -> int | None:
    return None if item.price is None else rng.randrange(item.price[0], item.price[1] + 1, 10)


def demo_user() -> Any:
    username, password, _what = DEMO_USER
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"email": f"{username}@demo.invalid"}
    )
    if created:
        user.set_password(password)
        user.save()
    Profile.objects.update_or_create(user=user, defaults={"language": "es"})
    return user


def load_demo(*, progress: Callable[[str], None] = lambda s: None) -> None:
    rng = random.Random(SEED)
    coops = [
        (org, activity)
        for org in Organisation.objects.filter(
            kind=OrganisationKind.COOPERATIVE, is_demo=True, country__isnull=False
        ).order_by("id")
        if (activity := _activity(org.description))
    ]
    # The co-operatives of the demo's users first, then an even spread over countries.
    by_country: dict[str, list[tuple[Organisation, str]]] = defaultdict(list)
    for org, activity in coops:
        by_country[org.country_id or ""].append((org, activity))
    chosen: list[tuple[Organisation, str]] = []
    while len(chosen) < COOPERATIVES and any(by_country.values()):
        for iso in sorted(by_country):
            if by_country[iso] and len(chosen) < COOPERATIVES:
                chosen.append(by_country[iso].pop(0))
    if not chosen:
        return
    with transaction.atomic():
        spanish_builder = next((o for o, a in chosen if o.country_id == "ES" and a == "building"), None)
        if spanish_builder is not None:
            user = demo_user()
            if not user.organisation_access.exists():
                access_services.access_grant(
                    actor=None, user=user, organisation=spanish_builder, role=AccessRole.EDITOR
                )
        listings = _listings(rng, chosen)
        progress(f"{len(listings)} offers and needs")
        enquiries, orders, invoices = _trade(rng, listings)
        invoices += _network(rng, [o for o, _a in chosen if o.country_id in EURO][:NETWORK])
        progress(f"{enquiries} enquiries, {orders} orders, {invoices} invoices")
        audit.record(
            actor=None,
            action="exchange.demo.load",
            obj=chosen[0][0],
            changes={"listings": len(listings), "enquiries": enquiries, "orders": orders, "invoices": invoices},
        )


def _listings(rng: random.Random, chosen: list[tuple[Organisation, str]]) -> list[Listing]:
    today = timezone.localdate()
    now = timezone.now()
    made: list[Listing] = []
    texts: list[tuple[Listing, Item | None]] = []
    for org, activity in chosen:
        offers, needs = CATALOGUE[activity]
        language = LANGUAGE_OF.get(org.country_id or "", "en")
        for direction, item in ((Direction.OFFER, rng.choice(offers)), (Direction.NEED, rng.choice(needs))):
            roll = rng.random()
            status = (
                ListingStatus.DRAFT
                if roll < 0.04
                else ListingStatus.PAUSED
                if roll < 0.08
                else ListingStatus.EXPIRED
                if roll < 0.12
                else ListingStatus.PUBLISHED
            )
            start = today - datetime.timedelta(days=rng.randint(5, 200))
            until = (
                start + datetime.timedelta(days=rng.randint(1, 4))
                if status == ListingStatus.EXPIRED
                else (None if rng.random() < 0.4 else today + datetime.timedelta(days=rng.randint(20, 300)))
            )
            price = _price(rng, item) if direction == Direction.OFFER else None
            quantity = Decimal(rng.choice((10, 20, 50, 100, 200, 500, 1000))) if item.kind == "goods" else None
            listing = Listing(
                organisation=org,
                direction=direction,
                kind=item.kind,
                language=language,
                title=item.title[language],
                description=item.description[language],
                category_id=item.division,
                quantity=quantity,
                unit_id=item.unit if quantity is not None or price is not None else None,
                price_minor=price,
                currency=_currency(org.country_id or "") if price is not None else "",
                country_id=str(org.country_id),
                city=org.city,
                scope=rng.choice((Scope.NATIONAL, Scope.REGIONAL, Scope.INTERNATIONAL, Scope.INTERNATIONAL)),
                valid_from=start,
                valid_until=until,
                status=status,
                published_at=None
                if status == ListingStatus.DRAFT
                else now - datetime.timedelta(days=(today - start).days),
            )
            translated = rng.random() < 0.34
            texts.append((listing, item if translated else None))
            made.append(listing)
    for listing, text in texts:
        other = (
            {}
            if text is None
            else {
                lang: {"title": text.title[lang], "description": text.description[lang]}
                for lang in ("en", "fr", "es")
                if lang != listing.language
            }
        )
        search.fill_columns(listing, other)
    Listing.objects.bulk_create(made, batch_size=500)
    ListingTranslation.objects.bulk_create(
        [
            ListingTranslation(
                listing=listing, language=lang, title=item.title[lang], description=item.description[lang]
            )
            for listing, item in texts
            if item is not None
            for lang in ("en", "fr", "es")
            if lang != listing.language
        ],
        batch_size=1000,
    )
    return made


def _trade(rng: random.Random, listings: list[Listing]) -> tuple[int, int, int]:
    """Enquiries from co-operatives that offer what a published need asks for, in another country; orders from
    most of them, at every step; invoices for the delivered ones."""
    now = timezone.now()
    offers_by_division: dict[str, list[Listing]] = defaultdict(list)
    for x in listings:
        if x.direction == Direction.OFFER and x.status == ListingStatus.PUBLISHED:
            offers_by_division[x.category_id].append(x)
    needs = [x for x in listings if x.direction == Direction.NEED and x.status == ListingStatus.PUBLISHED]
    rng.shuffle(needs)
    enquiries = orders = invoices = 0
    for need in needs[:140]:
        sellers = [o for o in offers_by_division.get(need.category_id, []) if o.organisation_id != need.organisation_id]
        if not sellers:
            continue
        offer = rng.choice(sellers)
        seller, buyer = offer.organisation, need.organisation
        when = now - datetime.timedelta(days=rng.randint(10, 90))
        enquiry = Enquiry.objects.create(listing=need, organisation=seller, last_message_at=when)
        seller_lang = LANGUAGE_OF.get(seller.country_id or "", "en")
        buyer_lang = need.language
        Message.objects.bulk_create(
            [
                Message(enquiry=enquiry, organisation=seller, body=MESSAGES[seller_lang][0]),
                Message(enquiry=enquiry, organisation=buyer, body=MESSAGES[buyer_lang][1]),
            ]
        )
        enquiries += 1
        if rng.random() < 0.25:
            continue
        price = offer.price_minor or rng.randrange(5000, 50000, 100)
        quantity = need.quantity or Decimal(rng.choice((5, 10, 20, 40)))
        roll = rng.random()
        status = OrderStatus.PROPOSED if roll < 0.15 else OrderStatus.AGREED if roll < 0.35 else OrderStatus.DELIVERED
        order = Order.objects.create(
            listing=need,
            enquiry=enquiry,
            seller=seller,
            buyer=buyer,
            description=need.title,
            status=status,
            delivered_at=now - datetime.timedelta(days=rng.randint(1, 9)) if status == OrderStatus.DELIVERED else None,
        )
        currency = offer.currency or "EUR"
        proposal = OrderProposal.objects.create(
            order=order,
            organisation=buyer,
            quantity=quantity,
            unit_id=need.unit_id or offer.unit_id,
            unit_price_minor=price,
            currency=currency,
            status=ProposalStatus.PENDING if status == OrderStatus.PROPOSED else ProposalStatus.ACCEPTED,
        )
        events = [TradeEvent(order=order, organisation=buyer, action=TradeEvent.Action.PROPOSED)]
        if status != OrderStatus.PROPOSED:
            Order.objects.filter(pk=order.pk).update(
                quantity=quantity, unit_id=proposal.unit_id, unit_price_minor=price, currency=currency
            )
            events.append(TradeEvent(order=order, organisation=seller, action=TradeEvent.Action.ACCEPTED))
        if status == OrderStatus.DELIVERED:
            events.append(TradeEvent(order=order, organisation=seller, action=TradeEvent.Action.DELIVERED))
        TradeEvent.objects.bulk_create(events)
        orders += 1
        if status == OrderStatus.DELIVERED:
            order.refresh_from_db()
            _invoice(
                rng, seller, buyer, currency, [(order.description, quantity, proposal.unit_id, price)], order=order
            )
            invoices += 1
    return enquiries, orders, invoices


def _invoice(
    rng: random.Random,
    seller: Organisation,
    buyer: Organisation,
    currency: str,
    lines: list[tuple[str, Decimal, str | None, int]],
    *,
    order: Order | None = None,
) -> Invoice:
    today = timezone.localdate()
    issue = today - datetime.timedelta(days=rng.randint(3, 80))
    counter, _created = InvoiceCounter.objects.get_or_create(seller=seller, year=issue.year)
    counter.last += 1
    counter.save(update_fields=["last"])
    roll = rng.random()
    status = (
        InvoiceStatus.OPEN
        if roll < 0.2
        else InvoiceStatus.DISPUTED
        if roll < 0.25
        else InvoiceStatus.PAID
        if roll < 0.4
        else InvoiceStatus.ACKNOWLEDGED
    )
    rows = [
        InvoiceLine(
            position=n, description=d, quantity=q, unit_id=u, unit_price_minor=p, amount_minor=line_amount(q, p)
        )
        for n, (d, q, u, p) in enumerate(lines, 1)
    ]
    invoice = Invoice.objects.create(
        seller=seller,
        buyer=buyer,
        order=order,
        year=issue.year,
        sequence=counter.last,
        issue_date=issue,
        due_date=issue + datetime.timedelta(days=30),
        currency=currency,
        total_minor=sum(r.amount_minor for r in rows),
        status=status,
        source=InvoiceSource.ORDER if order else InvoiceSource.ENTERED,
        dispute_reason="Quantities do not match the delivery note." if status == InvoiceStatus.DISPUTED else "",
    )
    for r in rows:
        r.invoice = invoice
    InvoiceLine.objects.bulk_create(rows)
    events = [TradeEvent(invoice=invoice, organisation=seller, action=TradeEvent.Action.ISSUED)]
    step = {
        InvoiceStatus.ACKNOWLEDGED: (buyer, TradeEvent.Action.ACKNOWLEDGED),
        InvoiceStatus.DISPUTED: (buyer, TradeEvent.Action.DISPUTED),
        InvoiceStatus.PAID: (seller, TradeEvent.Action.PAID),
    }.get(status)
    if step:
        events.append(TradeEvent(invoice=invoice, organisation=step[0], action=step[1]))
    TradeEvent.objects.bulk_create(events)
    return invoice


def _network(rng: random.Random, members: list[Organisation]) -> int:
    """Euro invoices among `members`: random trade plus cycles of three to five co-operatives, so that much of
    what they owe each other could be set off."""
    if len(members) < 5:
        return 0
    made = 0
    pairs: list[tuple[Organisation, Organisation]] = []
    for _ in range(6):
        ring = rng.sample(members, rng.randint(3, 5))
        pairs += list(zip(ring, ring[1:] + ring[:1], strict=True))
    for _ in range(90):
        seller, buyer = rng.sample(members, 2)
        pairs.append((seller, buyer))
    for seller, buyer in pairs:
        amount = rng.randrange(50_000, 2_000_000, 100)
        _invoice(rng, seller, buyer, "EUR", [("Goods and services delivered", Decimal(1), "LS", amount)])
        made += 1
    return made
