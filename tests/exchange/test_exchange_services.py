"""The exchange's writes as a user makes them: listings, enquiries, orders and invoices, their state machines
with every illegal step refused, permissions per role, and two people answering one proposal at once."""

import datetime

import pytest
from django.core import mail

from cicopa.core.errors import PermissionDenied, ValidationError
from cicopa.core.models import AuditEntry, Notification
from cicopa.exchange import invoice_services, services, trade_services
from cicopa.exchange.models import (
    Invoice,
    InvoiceStatus,
    Listing,
    ListingStatus,
    Order,
    OrderStatus,
    ProposalStatus,
    TradeEvent,
)

pytestmark = pytest.mark.django_db


def offer(trade, charlie, listing_data, **overrides):
    return services.listing_create(
        actor=charlie, organisation=trade["menuiserie"], data=listing_data(**overrides), publish=True
    )


def agreed_order(trade, charlie, erika, listing_data):
    listing = offer(trade, charlie, listing_data)
    order = trade_services.order_propose(
        actor=erika,
        seller=trade["menuiserie"],
        buyer=trade["constructora"],
        as_organisation=trade["constructora"],
        listing=listing,
        data={"quantity": "40", "unit_price_minor": 24000, "currency": "EUR", "delivery_date": "2027-02-01"},
    )
    trade_services.proposal_accept(actor=charlie, proposal=order.proposals.get())
    order.refresh_from_db()
    return order


def test_a_listing_is_published_with_its_translation_and_audited(trade, charlie, listing_data):
    listing = services.listing_create(
        actor=charlie,
        organisation=trade["menuiserie"],
        data=listing_data(
            language="fr",
            title="Fenêtres en chêne",
            translations={"es": {"title": "Ventanas de roble", "description": "Marcos de roble macizo."}},
        ),
        publish=True,
    )
    assert listing.status == ListingStatus.PUBLISHED and listing.published_at
    assert listing.text_in("es")[:1] == ("Ventanas de roble",)
    assert listing.text_in("en") == ("Fenêtres en chêne", listing.description, "fr")  # the original, marked fr
    assert "ventanas" in listing.search_title and "fenetres" in listing.search_title
    assert AuditEntry.objects.filter(action="exchange.listing.create", object_id=str(listing.pk)).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"quantity": "-3"}, "quantity"),
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "1.2345"}, "quantity"),
        ({"quantity": "lots"}, "quantity"),
        ({"unit": "XXX"}, "unit"),
        ({"currency": "EUX"}, "currency"),
        ({"currency": "DEM"}, "currency"),
        ({"price_minor": 10**13}, "price_minor"),
        ({"price_minor": -1}, "price_minor"),
        ({"category": "00"}, "category"),
        ({"kind": "magic"}, "kind"),
        ({"language": "de"}, "language"),
        ({"title": "   "}, "title"),
        ({"valid_from": "2027-01-10", "valid_until": "2027-01-01"}, "valid_until"),
        ({"description": "x" * 5001}, "description"),
        ({"translations": {"fr": {"title": "", "description": "sans titre"}}}, "translations.fr"),
    ],
)
def test_bad_listings_are_refused_with_what_is_wrong_and_nothing_written(
    trade, charlie, listing_data, overrides, field
):
    with pytest.raises(ValidationError) as exc:
        services.listing_create(actor=charlie, organisation=trade["menuiserie"], data=listing_data(**overrides))
    assert field in exc.value.message_dict
    assert not Listing.objects.exists()


def test_only_the_organisations_people_publish_for_it(trade, bob, charlie, dave, erika, alice, listing_data):
    for outsider in (dave, erika, alice):  # alice: the secretariat does not trade for anyone
        with pytest.raises(PermissionDenied):
            services.listing_create(actor=outsider, organisation=trade["menuiserie"], data=listing_data())
    # The officer of the French federation acts for its member co-operative, as in the registry.
    assert services.listing_create(actor=bob, organisation=trade["menuiserie"], data=listing_data()).pk


def test_listing_status_steps(trade, charlie, alice, erika, listing_data):
    listing = services.listing_create(actor=charlie, organisation=trade["menuiserie"], data=listing_data())
    with pytest.raises(ValidationError):
        services.listing_set_status(actor=charlie, listing=listing, status=ListingStatus.PAUSED)  # draft -> paused
    services.listing_set_status(actor=charlie, listing=listing, status=ListingStatus.PUBLISHED)
    with pytest.raises(PermissionDenied):
        services.listing_set_status(actor=erika, listing=listing, status=ListingStatus.PAUSED)
    with pytest.raises(PermissionDenied):  # the secretariat pauses or closes, never publishes
        services.listing_set_status(actor=alice, listing=listing, status=ListingStatus.PUBLISHED)
    services.listing_set_status(actor=alice, listing=listing, status=ListingStatus.PAUSED)
    services.listing_set_status(actor=charlie, listing=listing, status=ListingStatus.CLOSED)
    for status in ListingStatus.values:
        with pytest.raises((ValidationError, PermissionDenied)):
            services.listing_set_status(actor=charlie, listing=listing, status=status)
    with pytest.raises(ValidationError):
        services.listing_update(actor=charlie, listing=listing, data={"title": "Reopened"})


def test_expiry_by_the_scheduled_task(trade, charlie, listing_data):
    today = datetime.date.today()
    ending = offer(trade, charlie, listing_data, valid_until=(today + datetime.timedelta(days=2)).isoformat())
    lasting = offer(trade, charlie, listing_data, valid_until=None)
    assert services.expire_listings(today=today + datetime.timedelta(days=2)) == 0
    assert services.expire_listings(today=today + datetime.timedelta(days=3)) == 1
    ending.refresh_from_db()
    lasting.refresh_from_db()
    assert (ending.status, lasting.status) == (ListingStatus.EXPIRED, ListingStatus.PUBLISHED)
    assert "qqtexpired" in ending.search_tags
    assert AuditEntry.objects.filter(action="exchange.listing.expire", actor=None).count() == 1


def test_an_enquiry_is_private_to_its_two_parties_and_notifies_the_other(trade, charlie, erika, dave, listing_data):
    listing = offer(trade, charlie, listing_data)
    with pytest.raises(ValidationError):  # on one's own listing
        trade_services.enquiry_send(actor=charlie, listing=listing, organisation=trade["menuiserie"], body="Hello")
    enquiry = trade_services.enquiry_send(
        actor=erika, listing=listing, organisation=trade["constructora"], body="¿Pueden entregar en Valencia?"
    )
    note = Notification.objects.get(user=charlie, kind="exchange.message")
    assert "Constructora" in note.subject and note.url.startswith("/fr/")  # in charlie's language
    trade_services.message_send(actor=charlie, enquiry=enquiry, body="Oui, en mars.")
    assert Notification.objects.filter(user=erika, kind="exchange.message").exists()
    with pytest.raises(PermissionDenied):
        trade_services.message_send(actor=dave, enquiry=enquiry, body="I am not a party")
    assert [m.body for m in enquiry.messages.all()] == ["¿Pueden entregar en Valencia?", "Oui, en mars."]
    with pytest.raises(ValidationError):
        trade_services.message_send(actor=charlie, enquiry=enquiry, body="   ")


def test_ordering_from_a_paused_or_expired_listing_is_refused(trade, charlie, erika, listing_data):
    listing = offer(trade, charlie, listing_data)
    services.listing_set_status(actor=charlie, listing=listing, status=ListingStatus.PAUSED)
    with pytest.raises(ValidationError) as exc:
        trade_services.order_propose(
            actor=erika,
            seller=trade["menuiserie"],
            buyer=trade["constructora"],
            as_organisation=trade["constructora"],
            listing=listing,
            data={"quantity": "1", "unit_price_minor": 100, "currency": "EUR"},
        )
    assert "paused" in str(exc.value)
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "-1"}, "quantity"),
        ({"unit_price_minor": 0}, "unit_price_minor"),
        ({"currency": "ABC"}, "currency"),
        ({"unit": "NOPE"}, "unit"),
        ({"quantity": "999999999", "unit_price_minor": 999_999_999}, "quantity"),
        ({"delivery_date": "31/12/2027"}, "delivery_date"),
    ],
)
def test_bad_order_terms_are_refused(trade, charlie, erika, listing_data, terms, field):
    listing = offer(trade, charlie, listing_data)
    data = {"quantity": "1", "unit_price_minor": 100, "currency": "EUR", **terms}
    with pytest.raises(ValidationError) as exc:
        trade_services.order_propose(
            actor=erika,
            seller=trade["menuiserie"],
            buyer=trade["constructora"],
            as_organisation=trade["constructora"],
            listing=listing,
            data=data,
        )
    assert field in exc.value.message_dict
    assert not Order.objects.exists()


def test_an_order_from_proposal_to_delivery(trade, charlie, erika, listing_data):
    listing = offer(trade, charlie, listing_data)
    order = trade_services.order_propose(
        actor=erika,
        seller=trade["menuiserie"],
        buyer=trade["constructora"],
        as_organisation=trade["constructora"],
        listing=listing,
        data={"quantity": "40", "unit_price_minor": 22000, "currency": "EUR"},
    )
    first = order.proposals.get()
    with pytest.raises(PermissionDenied):  # the proposer does not accept its own terms
        trade_services.proposal_accept(actor=erika, proposal=first)
    counter = trade_services.proposal_make(
        actor=charlie, order=order, data={"quantity": "40", "unit_price_minor": 24000}
    )
    first.refresh_from_db()
    assert first.status == ProposalStatus.SUPERSEDED and counter.currency == "EUR"
    trade_services.proposal_accept(actor=erika, proposal=counter)
    order.refresh_from_db()
    assert (order.status, order.unit_price_minor, order.total_minor) == (OrderStatus.AGREED, 24000, 960000)
    # A change is a new proposal; the agreed terms hold until the other accepts it.
    change = trade_services.proposal_make(actor=erika, order=order, data={"quantity": "50", "unit_price_minor": 24000})
    trade_services.proposal_decline(actor=charlie, proposal=change)
    order.refresh_from_db()
    assert (order.status, order.quantity) == (OrderStatus.AGREED, 40)
    with pytest.raises(PermissionDenied):
        trade_services.order_deliver(actor=erika, order=order)  # the buyer does not deliver
    trade_services.order_deliver(actor=charlie, order=order)
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert [e.action for e in TradeEvent.objects.filter(order=order)] == [
        "proposed",
        "proposed",
        "accepted",
        "proposed",
        "declined",
        "delivered",
    ]
    for step in (
        lambda: trade_services.order_deliver(actor=charlie, order=order),
        lambda: trade_services.proposal_make(actor=charlie, order=order, data={"quantity": "1", "unit_price_minor": 1}),
    ):
        with pytest.raises(ValidationError):
            step()


def test_a_declined_first_proposal_ends_the_order(trade, charlie, erika, listing_data):
    listing = offer(trade, charlie, listing_data)
    order = trade_services.order_propose(
        actor=erika,
        seller=trade["menuiserie"],
        buyer=trade["constructora"],
        as_organisation=trade["constructora"],
        listing=listing,
        data={"quantity": "2", "unit_price_minor": 100, "currency": "EUR"},
    )
    trade_services.proposal_decline(actor=charlie, proposal=order.proposals.get())
    order.refresh_from_db()
    assert order.status == OrderStatus.DECLINED
    with pytest.raises(ValidationError):
        trade_services.proposal_make(actor=erika, order=order, data={"quantity": "1", "unit_price_minor": 1})


def test_the_second_answer_to_a_proposal_is_told_it_was_answered(trade, charlie, bob, erika, listing_data):
    """Charlie and bob (the officer who also acts for the joinery) answer the same proposal: the first wins."""
    listing = offer(trade, charlie, listing_data)
    order = trade_services.order_propose(
        actor=erika,
        seller=trade["menuiserie"],
        buyer=trade["constructora"],
        as_organisation=trade["constructora"],
        listing=listing,
        data={"quantity": "2", "unit_price_minor": 100, "currency": "EUR"},
    )
    proposal = order.proposals.get()
    trade_services.proposal_accept(actor=charlie, proposal=proposal)
    with pytest.raises(ValidationError) as exc:
        trade_services.proposal_decline(actor=bob, proposal=proposal)
    assert "answered already" in str(exc.value)
    order.refresh_from_db()
    assert order.status == OrderStatus.AGREED


def test_invoice_from_a_delivered_order_then_acknowledged(trade, charlie, erika, dave, alice, listing_data):
    order = agreed_order(trade, charlie, erika, listing_data)
    with pytest.raises(ValidationError):
        invoice_services.invoice_from_order(actor=charlie, order=order)  # not delivered yet
    trade_services.order_deliver(actor=charlie, order=order)
    invoice = invoice_services.invoice_from_order(actor=charlie, order=order)
    assert (invoice.total_minor, invoice.currency, invoice.status) == (960000, "EUR", InvoiceStatus.OPEN)
    assert invoice.number == f"{datetime.date.today().year}-00001"
    with pytest.raises(ValidationError):
        invoice_services.invoice_from_order(actor=charlie, order=order)  # invoiced already
    for outsider in (charlie, dave, alice):  # only the buyer acknowledges
        with pytest.raises(PermissionDenied):
            invoice_services.invoice_step(actor=outsider, invoice=invoice, step="acknowledge")
    invoice_services.invoice_step(actor=erika, invoice=invoice, step="acknowledge")
    with pytest.raises(ValidationError):
        invoice_services.invoice_step(
            actor=charlie, invoice=invoice, step="cancel"
        )  # acknowledged: not cancelled alone
    invoice_services.invoice_step(actor=erika, invoice=invoice, step="dispute", reason="Two frames were cracked.")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.DISPUTED and invoice.dispute_reason
    assert Notification.objects.filter(user=charlie, kind="exchange.invoice.dispute").exists()


INVOICE_STEP_TABLE = {
    # status -> steps that may start from it
    InvoiceStatus.OPEN: {"acknowledge", "dispute", "pay", "cancel"},
    InvoiceStatus.ACKNOWLEDGED: {"dispute", "pay"},
    InvoiceStatus.DISPUTED: {"acknowledge", "cancel"},
    InvoiceStatus.PAID: set(),
    InvoiceStatus.PARTLY_CLEARED: {"pay"},
    InvoiceStatus.CLEARED: set(),
    InvoiceStatus.CANCELLED: set(),
}


@pytest.mark.parametrize("status", list(INVOICE_STEP_TABLE))
def test_every_invoice_step_from_every_status(trade, charlie, erika, status):
    for step in invoice_services.INVOICE_STEPS:
        invoice = invoice_services.invoice_enter(
            actor=charlie,
            seller=trade["menuiserie"],
            buyer=trade["constructora"],
            data={"currency": "EUR", "lines": [{"description": "Frames", "quantity": "1", "unit_price_minor": 500}]},
        )
        Invoice.objects.filter(pk=invoice.pk).update(status=status)
        actor = erika if invoice_services.INVOICE_STEP_BY[step] == "buyer" else charlie
        if step in INVOICE_STEP_TABLE[status]:
            invoice_services.invoice_step(actor=actor, invoice=invoice, step=step, reason="Wrong amount")
            invoice.refresh_from_db()
            assert invoice.status == invoice_services.INVOICE_STEP_TO[step]
        else:
            with pytest.raises(ValidationError):
                invoice_services.invoice_step(actor=actor, invoice=invoice, step=step, reason="Wrong amount")
            invoice.refresh_from_db()
            assert invoice.status == status


def test_invoice_numbers_are_gapless_per_seller_and_year(trade, charlie, erika, listing_data):
    lines = [{"description": "Frames", "quantity": "2", "unit_price_minor": 250}]
    numbers = []
    for issue in ("2026-01-05", "2026-03-01", "2025-12-30", "2026-03-02"):
        numbers.append(
            invoice_services.invoice_enter(
                actor=charlie,
                seller=trade["menuiserie"],
                buyer=trade["constructora"],
                data={"currency": "EUR", "issue_date": issue, "lines": lines},
            ).number
        )
    with pytest.raises(ValidationError):  # a refused invoice takes no number
        invoice_services.invoice_enter(
            actor=charlie,
            seller=trade["menuiserie"],
            buyer=trade["constructora"],
            data={"currency": "EUR", "issue_date": "2026-03-03", "lines": [{"description": "", "unit_price_minor": 1}]},
        )
    numbers.append(
        invoice_services.invoice_enter(
            actor=erika,
            seller=trade["constructora"],
            buyer=trade["menuiserie"],
            data={"currency": "EUR", "issue_date": "2026-03-04", "lines": lines},
        ).number
    )
    numbers.append(
        invoice_services.invoice_enter(
            actor=charlie,
            seller=trade["menuiserie"],
            buyer=trade["constructora"],
            data={"currency": "EUR", "issue_date": "2026-03-05", "lines": lines},
        ).number
    )
    assert numbers == ["2026-00001", "2026-00002", "2025-00001", "2026-00003", "2026-00001", "2026-00004"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"currency": "XYZ"}, "currency"),
        ({"lines": []}, "lines"),
        ({"lines": [{"description": "x", "quantity": "-1", "unit_price_minor": 5}]}, "lines.1"),
        ({"lines": [{"description": "x", "unit_price_minor": 10**12}]}, "lines.1"),
        ({"lines": [{"description": "x", "quantity": "999999999", "unit_price_minor": 999_999_999}]}, "lines"),
        ({"issue_date": "2026-05-01", "due_date": "2026-04-01"}, "due_date"),
        ({"issue_date": "2999-01-01"}, "issue_date"),
    ],
)
def test_bad_invoices_are_refused(trade, charlie, data, field):
    base = {"currency": "EUR", "lines": [{"description": "Frames", "quantity": "1", "unit_price_minor": 500}]}
    with pytest.raises(ValidationError) as exc:
        invoice_services.invoice_enter(
            actor=charlie, seller=trade["menuiserie"], buyer=trade["constructora"], data={**base, **data}
        )
    assert field in exc.value.message_dict
    assert not Invoice.objects.exists()


def test_nobody_invoices_for_another_organisation(trade, erika, dave):
    data = {"currency": "EUR", "lines": [{"description": "Frames", "unit_price_minor": 500}]}
    for outsider in (erika, dave):
        with pytest.raises(PermissionDenied):
            invoice_services.invoice_enter(
                actor=outsider, seller=trade["menuiserie"], buyer=trade["constructora"], data=data
            )
    with pytest.raises(ValidationError):
        invoice_services.invoice_enter(
            actor=erika, seller=trade["constructora"], buyer=trade["constructora"], data=data
        )


def test_the_buyer_is_emailed_the_invoice_in_their_language(
    trade, charlie, erika, listing_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invoice_services.invoice_enter(
            actor=charlie,
            seller=trade["menuiserie"],
            buyer=trade["constructora"],
            data={"currency": "EUR", "lines": [{"description": "Frames", "unit_price_minor": 500}]},
        )
    to_erika = [m for m in mail.outbox if m.to == ["erika@example.org"]]
    assert len(to_erika) == 1 and "Factura" in to_erika[0].subject


def test_the_worker_expires_listings_once_a_day(trade, charlie, listing_data, settings):
    from cicopa.core import background

    settings.CICOPA_DIGEST_HOUR = None
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    listing = offer(trade, charlie, listing_data, valid_from=(yesterday - datetime.timedelta(days=5)).isoformat())
    Listing.objects.filter(pk=listing.pk).update(valid_until=yesterday)
    heartbeat = background.Heartbeat("w1")
    heartbeat.tick()
    listing.refresh_from_db()
    assert listing.status == ListingStatus.EXPIRED
    assert heartbeat.started_on["exchange.expire_listings"] == datetime.date.today()
    heartbeat.tick()  # the same day: not again
    assert AuditEntry.objects.filter(action="exchange.listing.expire").count() == 1


def test_a_new_need_notifies_the_publisher_of_a_matching_offer_in_its_language(trade, charlie, erika, listing_data):
    offer(trade, charlie, listing_data, language="fr", title="Fenêtres en chêne massif", description="Sur mesure.")
    services.listing_create(
        actor=erika,
        organisation=trade["constructora"],
        data=listing_data(
            direction="need",
            language="es",
            title="Ventanas de roble",
            description="Para una obra.",
            price_minor=None,
            currency="",
            translations={"fr": {"title": "Fenêtres en chêne", "description": ""}},
        ),
        publish=True,
    )
    note = Notification.objects.get(user=charlie, kind="exchange.match")
    assert note.url.startswith("/fr/exchange/listings/")
    assert "Fenêtres en chêne massif" in note.subject  # the recipient's own listing, named as they wrote it
    assert not Notification.objects.filter(user=erika, kind="exchange.match").exists()  # nobody told of their own
