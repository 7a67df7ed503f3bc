"""The trade pages for every role: enquiries, orders and invoices are read by their two parties (and the
secretariat) only, and a guessed address of someone else's is not found; amounts are typed and shown in the
reader's language; a step someone else took first is told, with the record as it is now; the invoice prints as
PDF; the public trade overview shows totals only, never a cell of too few invoices or sellers."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pypdf import PdfReader

from cicopa.core import formats
from cicopa.core.models import Notification
from cicopa.exchange import invoice_services, services, trade_queries, trade_services
from cicopa.exchange.models import Invoice, InvoiceStatus, Message, Order, OrderStatus, ProposalStatus

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


@pytest.fixture
def deals(trade, alice, charlie, erika, listing_data):
    """The French joinery's offer, the Spanish builder's enquiry about it, an order agreed between them, delivered
    and invoiced; and, apart, an invoice of the builder to the Madrid taxis, which the joinery's people never see."""
    listing = services.listing_create(
        actor=charlie, organisation=trade["menuiserie"], data=listing_data(), publish=True
    )
    thread = trade_services.enquiry_send(
        actor=erika, listing=listing, organisation=trade["constructora"], body="¿Pueden entregar en Valencia?"
    )
    trade_services.message_send(actor=charlie, enquiry=thread, body="Oui, en février.")
    order = trade_services.order_propose(
        actor=erika,
        seller=trade["menuiserie"],
        buyer=trade["constructora"],
        as_organisation=trade["constructora"],
        listing=listing,
        enquiry=thread,
        data={"quantity": "40", "unit_price_minor": 24000, "currency": "EUR", "delivery_date": "2027-02-01"},
    )
    trade_services.proposal_accept(actor=charlie, proposal=order.proposals.get())
    trade_services.order_deliver(actor=charlie, order=order)
    invoice = invoice_services.invoice_from_order(actor=charlie, order=order)
    # The builder's own trade with the taxis: an enquiry about a need of the builder, an order and an invoice.
    need = services.listing_create(
        actor=erika,
        organisation=trade["constructora"],
        data=listing_data(direction="need", title="Transporte de material", language="es"),
        publish=True,
    )
    other_invoice = invoice_services.invoice_enter(
        actor=erika,
        seller=trade["constructora"],
        buyer=trade["taxi"],
        data={"currency": "EUR", "lines": [{"description": "Obra", "unit_price_minor": 50000}]},
    )
    # The taxis' own editor asks about the builder's need: a thread the joinery's people never see either.
    from django.contrib.auth import get_user_model

    from cicopa.registry import access_services
    from cicopa.registry.models import AccessRole

    tom = get_user_model().objects.create_user("tom", "tom@example.org", "tom-password-1")
    access_services.access_grant(actor=alice, user=tom, organisation=trade["taxi"], role=AccessRole.EDITOR)
    other_thread = trade_services.enquiry_send(
        actor=tom, listing=need, organisation=trade["taxi"], body="¿Cuántos viajes?"
    )
    other_order = trade_services.order_propose(
        actor=erika,
        seller=trade["taxi"],
        buyer=trade["constructora"],
        as_organisation=trade["constructora"],
        listing=need,
        data={"quantity": "1", "unit_price_minor": 9000, "currency": "EUR"},
    )
    return {
        "listing": listing,
        "thread": thread,
        "order": Order.objects.get(pk=order.pk),
        "invoice": invoice,
        "need": need,
        "other_invoice": other_invoice,
        "other_order": other_order,
        "other_thread": other_thread,
    }


def login(client, user):
    if user is not None:
        client.force_login(user)
    return client


PRIVATE_LISTS = ["/exchange/enquiries/", "/exchange/orders/", "/exchange/invoices/"]


@pytest.mark.parametrize("path", [*PRIVATE_LISTS, "/exchange/invoices/new/", "/exchange/invoices/import/"])
def test_the_public_is_sent_to_log_in(client, deals, path):
    r = client.get(path)
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


def test_the_public_is_sent_to_log_in_for_each_record(client, deals):
    for path in (
        deals["thread"].get_absolute_url(),
        deals["order"].get_absolute_url(),
        deals["invoice"].get_absolute_url(),
        f"/exchange/invoices/{deals['invoice'].pk}/pdf/",
        f"/exchange/listings/{deals['listing'].pk}/order/",
        f"/exchange/listings/{deals['listing'].pk}/enquire/",
    ):
        r = client.get(path)
        assert r.status_code == 302 and r["Location"].startswith("/accounts/login/"), path


# Who reads what: the joinery's thread, order and invoice; the builder's invoice and order with the taxis.
READERS = {
    # user: (joinery's records, builder-taxi records)
    "dave": (404, 404),
    "charlie": (200, 404),
    "bob": (200, 404),  # the officer of CG Scop acts for its member, the joinery
    "erika": (200, 200),
    "alice": (200, 200),  # the secretariat reads everything
}


@pytest.mark.parametrize("who", list(READERS))
def test_every_page_per_role(client, deals, request, who):
    user = request.getfixturevalue(who)
    login(client, user)
    for path in PRIVATE_LISTS:
        assert client.get(path).status_code == 200, path
    joinery, builder = READERS[who]
    for path in (
        deals["thread"].get_absolute_url(),
        deals["order"].get_absolute_url(),
        deals["invoice"].get_absolute_url(),
        f"/exchange/invoices/{deals['invoice'].pk}/pdf/",
    ):
        assert client.get(path).status_code == joinery, (who, path)
    for path in (
        deals["other_invoice"].get_absolute_url(),
        deals["other_order"].get_absolute_url(),
        deals["other_thread"].get_absolute_url(),
        f"/exchange/invoices/{deals['other_invoice'].pk}/pdf/",
    ):
        assert client.get(path).status_code == builder, (who, path)
    if builder == 404:  # nor may anything be done to them
        other_order, other_invoice = deals["other_order"], deals["other_invoice"]
        proposal = other_order.proposals.get()
        for path in (
            f"/exchange/orders/{other_order.pk}/proposals/{proposal.pk}/accept/",
            f"/exchange/orders/{other_order.pk}/deliver/",
            f"/exchange/orders/{other_order.pk}/propose/",
            f"/exchange/invoices/{other_invoice.pk}/acknowledge/",
            deals["other_thread"].get_absolute_url(),
        ):
            assert client.post(path, {"body": "x", "terms-quantity": "1"}).status_code == 404, (who, path)
    # Ids that were never used are not found either, whoever asks.
    for path in ("/exchange/enquiries/99999/", "/exchange/orders/99999/", "/exchange/invoices/99999/pdf/"):
        assert client.get(path).status_code == 404
    assert client.get("/exchange/trade/").status_code == 200


@pytest.mark.parametrize(("who", "status"), [("dave", 403), ("alice", 403), ("charlie", 200), ("erika", 200)])
def test_writing_pages_are_for_those_who_trade(client, deals, request, who, status):
    login(client, request.getfixturevalue(who))
    assert client.get("/exchange/invoices/new/").status_code == status
    # The import is the secretariat's too (any seller, by its address name).
    assert client.get("/exchange/invoices/import/").status_code == (200 if who != "dave" else 403)


def test_lists_show_only_ones_own(client, deals, charlie, erika):
    login(client, charlie)
    page = client.get("/exchange/invoices/").content.decode()
    assert deals["invoice"].number in page and "Coopérativa de Taxis Madrid" not in page
    login(client, erika)
    page = client.get("/exchange/invoices/?direction=issued").content.decode()
    assert "Coopérativa de Taxis Madrid" in page and "Menuiserie" not in page
    page = client.get("/exchange/invoices/?direction=received&status=open").content.decode()
    assert "Menuiserie Coopérativa de Lyon" in page or deals["invoice"].number in page


def test_an_enquiry_from_the_listing_page_and_its_thread(client, deals, trade, charlie, erika, dave):
    login(client, erika)
    listing = deals["listing"]
    r = client.post(f"/exchange/listings/{listing.pk}/enquire/", {"body": "¿Y el plazo de entrega?"})
    assert r.status_code == 302 and r["Location"] == deals["thread"].get_absolute_url()  # the same thread
    r = client.post(f"/exchange/listings/{listing.pk}/enquire/", {"body": "   "})
    assert r.status_code == 200 and "errorlist" in r.content.decode()  # beside the field, nothing sent
    page = client.get(deals["thread"].get_absolute_url()).content.decode()
    assert "¿Y el plazo de entrega?" in page and "Oui, en février." in page
    login(client, charlie)
    r = client.post(deals["thread"].get_absolute_url(), {"body": "Délai : trois semaines."})
    assert r.status_code == 302
    assert Message.objects.filter(enquiry=deals["thread"]).count() == 4
    login(client, dave)  # without an organisation, nobody to write for
    assert client.post(f"/exchange/listings/{listing.pk}/enquire/", {"body": "Hello"}).status_code == 403
    assert client.post(deals["thread"].get_absolute_url(), {"body": "Hello"}).status_code == 404


def test_the_secretariat_reads_a_thread_without_writing_in_it(client, deals, alice):
    login(client, alice)
    page = client.get(deals["thread"].get_absolute_url()).content.decode()
    assert "Oui, en février." in page and 'name="body"' not in page
    assert client.post(deals["thread"].get_absolute_url(), {"body": "Hi"}).status_code == 403


def test_an_order_proposed_in_the_readers_language(client, trade, charlie, erika, listing_data):
    listing = services.listing_create(
        actor=charlie, organisation=trade["menuiserie"], data=listing_data(), publish=True
    )
    login(client, erika)
    form = client.get(f"/es/exchange/listings/{listing.pk}/order/").content.decode()
    assert 'value="250,00"' in form  # the listing's price, as a Spanish reader writes it
    r = client.post(
        f"/es/exchange/listings/{listing.pk}/order/",
        {
            "description": "Ventanas de roble",
            "quantity": "12,5",
            "unit": "H87",
            "unit_price": "1.234,50",
            "currency": "EUR",
            "delivery_date": "2027-03-01",
        },
    )
    assert r.status_code == 302
    order = Order.objects.get()
    proposal = order.proposals.get()
    assert (order.seller, order.buyer) == (trade["menuiserie"], trade["constructora"])  # an offer: erika buys
    assert (proposal.unit_price_minor, str(proposal.quantity)) == (123450, "12.500")
    page = client.get(f"/es/exchange/orders/{order.pk}/").content.decode()
    assert "1234,50\xa0€" in page or "1.234,50\xa0€" in page
    assert "Retirar" in page or "Withdraw" in page


def test_on_a_need_the_one_who_orders_sells(client, trade, charlie, erika, listing_data):
    need = services.listing_create(
        actor=erika,
        organisation=trade["constructora"],
        data=listing_data(direction="need", language="es", title="Ventanas de roble", price_minor=None),
        publish=True,
    )
    login(client, charlie)
    page = client.get(f"/fr/exchange/listings/{need.pk}/order/").content.decode()
    assert "Constructora Cooperativa de Valencia" in page
    r = client.post(
        f"/fr/exchange/listings/{need.pk}/order/",
        {"description": "Fenêtres", "quantity": "10", "unit_price": "1 234,50", "currency": "EUR"},
    )
    assert r.status_code == 302
    order = Order.objects.get()
    assert (order.seller, order.buyer) == (trade["menuiserie"], trade["constructora"])
    assert order.proposals.get().unit_price_minor == 123450


def test_an_unreadable_price_is_told_beside_its_field(client, trade, charlie, erika, listing_data):
    listing = services.listing_create(
        actor=charlie, organisation=trade["menuiserie"], data=listing_data(), publish=True
    )
    login(client, erika)
    r = client.post(
        f"/exchange/listings/{listing.pk}/order/",
        {"description": "x", "quantity": "1", "unit_price": "twelve", "currency": "EUR"},
    )
    assert r.status_code == 200 and not Order.objects.exists()
    assert "Give the amount as a number" in r.content.decode()


def test_order_steps_through_the_pages(client, trade, charlie, erika, listing_data):
    listing = services.listing_create(
        actor=charlie, organisation=trade["menuiserie"], data=listing_data(), publish=True
    )
    order = trade_services.order_propose(
        actor=erika,
        seller=trade["menuiserie"],
        buyer=trade["constructora"],
        as_organisation=trade["constructora"],
        listing=listing,
        data={"quantity": "40", "unit_price_minor": 24000, "currency": "EUR"},
    )
    proposal = order.proposals.get()
    login(client, charlie)
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Accept these terms" in page and "Mark delivered" not in page
    # A counter-proposal replaces the pending one.
    r = client.post(
        f"/exchange/orders/{order.pk}/propose/",
        {"terms-quantity": "40", "terms-unit_price": "235.00", "terms-currency": "EUR"},
    )
    assert r.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUPERSEDED
    counter = order.proposals.get(status=ProposalStatus.PENDING)
    assert counter.unit_price_minor == 23500
    login(client, erika)
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Aceptar" in page or "Accept these terms" in page
    r = client.post(f"/exchange/orders/{order.pk}/proposals/{counter.pk}/accept/")
    assert r.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.AGREED and order.unit_price_minor == 23500
    assert client.post(f"/exchange/orders/{order.pk}/deliver/").status_code == 403  # the seller delivers
    login(client, charlie)
    assert "Mark delivered" in client.get(order.get_absolute_url()).content.decode()
    assert client.post(f"/exchange/orders/{order.pk}/deliver/").status_code == 302
    assert "Issue the invoice" in client.get(order.get_absolute_url()).content.decode()
    r = client.post(f"/exchange/orders/{order.pk}/invoice/", {"invoice-issue_date": "", "invoice-due_date": ""})
    invoice = Invoice.objects.get(order=order)
    assert r.status_code == 302 and r["Location"] == invoice.get_absolute_url()
    assert invoice.total_minor == 40 * 23500
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Issue the invoice" not in page and invoice.number in page
    assert client.post(f"/exchange/orders/{order.pk}/proposals/{counter.pk}/maybe/").status_code == 404


def test_a_concurrent_answer_that_lost_is_told_with_the_current_state(client, trade, bob, charlie, erika, listing_data):
    listing = services.listing_create(
        actor=charlie, organisation=trade["menuiserie"], data=listing_data(), publish=True
    )
    order = trade_services.order_propose(
        actor=erika,
        seller=trade["menuiserie"],
        buyer=trade["constructora"],
        as_organisation=trade["constructora"],
        listing=listing,
        data={"quantity": "40", "unit_price_minor": 24000, "currency": "EUR"},
    )
    proposal = order.proposals.get()
    login(client, charlie)
    assert "Accept these terms" in client.get(order.get_absolute_url()).content.decode()  # charlie reads it...
    trade_services.proposal_accept(actor=bob, proposal=proposal)  # ...while bob, for the same co-operative, accepts
    r = client.post(f"/exchange/orders/{order.pk}/proposals/{proposal.pk}/decline/")  # charlie's answer loses
    page = r.content.decode()
    assert r.status_code == 409
    assert "This proposal was answered already: it is now accepted." in page
    assert "Accept these terms" not in page and "Agreed" in page and "Mark delivered" in page  # as it is now
    order.refresh_from_db()
    assert order.status == OrderStatus.AGREED


def test_invoice_steps_and_a_dispute_needs_its_reason(client, deals, charlie, erika):
    invoice = deals["invoice"]
    login(client, erika)
    page = client.get(invoice.get_absolute_url()).content.decode()
    assert "Acknowledge" in page or "Reconocer" in page
    assert "Record as paid" not in page
    r = client.post(f"/exchange/invoices/{invoice.pk}/dispute/", {"reason": ""})
    assert r.status_code == 200 and "Say why the invoice is disputed." in r.content.decode()
    r = client.post(f"/exchange/invoices/{invoice.pk}/dispute/", {"reason": "Faltan dos marcos."})
    assert r.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.DISPUTED
    assert client.post(f"/exchange/invoices/{invoice.pk}/pay/").status_code == 403  # the seller records payment
    assert client.post(f"/exchange/invoices/{invoice.pk}/teleport/").status_code == 404
    login(client, charlie)
    page = client.get(invoice.get_absolute_url()).content.decode()
    assert "Faltan dos marcos." in page and "Cancel" in page
    r = client.post(f"/exchange/invoices/{invoice.pk}/pay/")  # disputed: cannot be recorded as paid
    assert r.status_code == 409 and "that cannot be done now" in r.content.decode()
    assert client.post(f"/exchange/invoices/{invoice.pk}/cancel/").status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.CANCELLED


def test_the_invoice_as_pdf_in_the_readers_language(client, deals, charlie, erika):
    login(client, erika)
    r = client.get(f"/es/exchange/invoices/{deals['invoice'].pk}/pdf/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF") and b"/Lang (es)" in r.content
    assert "Factura" in r["Content-Disposition"] or "Invoice" in r["Content-Disposition"]
    login(client, charlie)
    r = client.get(f"/fr/exchange/invoices/{deals['invoice'].pk}/pdf/")
    assert r.status_code == 200 and b"/Lang (fr)" in r.content


MONTHS = {
    "en": "January|February|March|April|May|June|July|August|September|October|November|December",
    "fr": "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre",
    "es": "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre",
}


@pytest.mark.parametrize(
    ("lang", "issued", "due", "total", "long_date"),
    [
        ("en", "Issued", "Due", "€9,600.00", r"(?:{months}) \d{{1,2}}, \d{{4}}"),
        ("fr", "Émise", "Échéance", "9 600,00 €", r"\d{{1,2}} (?:{months}) \d{{4}}"),
        ("es", "Emitida", "Vencimiento", "9.600,00 €", r"\d{{1,2}} de (?:{months}) de \d{{4}}"),
    ],
)
def test_the_invoice_page_and_pdf_write_dates_and_amounts_the_readers_way(
    client, deals, charlie, lang, issued, due, total, long_date
):
    invoice = deals["invoice"]
    day, deadline = formats.format_date(invoice.issue_date, lang), formats.format_date(invoice.due_date, lang)
    assert re.fullmatch(long_date.format(months=MONTHS[lang]), day)  # CLDR's long date, as DATE_FORMAT was
    login(client, charlie)
    prefix = "" if lang == "en" else f"/{lang}"
    page = client.get(f"{prefix}/exchange/invoices/{invoice.pk}/").content.decode()
    assert f"<dd>{day}</dd>" in page and f"<dd>{deadline}</dd>" in page
    content = client.get(f"{prefix}/exchange/invoices/{invoice.pk}/pdf/").content
    text = re.sub(r"\s+", " ", PdfReader(io.BytesIO(content)).pages[0].extract_text())
    assert f"{issued} {day} {due} {deadline}" in text
    assert f"Total {total}" in text  # CLDR's no-break spaces read back as spaces


def test_entering_an_invoice_with_a_buyer_found_by_search(client, trade, charlie):
    login(client, charlie)
    r = client.post("/fr/exchange/invoices/new/", {"action": "search", "buyer_search": "Constructora", **_lines(1)})
    page = r.content.decode()
    assert r.status_code == 200 and f'value="{trade["constructora"].pk}"' in page
    data = {
        "action": "save",
        "buyer_search": "Constructora",
        "buyer": trade["constructora"].pk,
        "external_number": "F-12",
        "issue_date": TODAY.isoformat(),
        "currency": "EUR",
        **_lines(2),
        "lines-0-description": "Fenêtres",
        "lines-0-quantity": "2,5",
        "lines-0-unit_price": "1 234,50",
    }
    r = client.post("/fr/exchange/invoices/new/", data)
    assert r.status_code == 302, r.content.decode()[:3000]
    invoice = Invoice.objects.get()
    assert (invoice.buyer, invoice.total_minor, invoice.external_number) == (trade["constructora"], 308625, "F-12")
    assert invoice.lines.count() == 1  # the empty second line was left out


def test_an_invoice_without_a_buyer_or_lines_says_so_and_writes_nothing(client, trade, charlie):
    login(client, charlie)
    r = client.post("/exchange/invoices/new/", {"action": "save", "currency": "EUR", **_lines(1)})
    page = r.content.decode()
    assert r.status_code == 200 and not Invoice.objects.exists()
    assert "Choose the buyer." in page
    data = {"action": "save", "buyer_search": "Constructora", "buyer": trade["constructora"].pk, "currency": "EUR"}
    r = client.post("/exchange/invoices/new/", {**data, **_lines(1)})
    assert "An invoice needs at least one line." in r.content.decode() and not Invoice.objects.exists()
    r = client.post(
        "/exchange/invoices/new/",
        {"action": "add", "currency": "EUR", **_lines(1), "lines-0-description": "Kept"},
    )
    assert 'name="lines-1-description"' in r.content.decode() and "Kept" in r.content.decode()


def _lines(n):
    return {
        "lines-TOTAL_FORMS": str(n),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
    }


def test_list_pages_cost_the_same_number_of_queries_whatever_their_length(
    client, deals, trade, erika, bob, listing_data
):
    login(client, erika)

    def queries(path):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    before = {p: queries(p) for p in PRIVATE_LISTS}
    before = {p: queries(p) for p in PRIVATE_LISTS}  # the second time: what the first cached aside
    for n in range(3):  # threads about listings written in another language, with their translations
        other = services.listing_create(
            actor=bob,
            organisation=trade["menuiserie"],
            data=listing_data(
                language="fr",
                title=f"Fenêtres {n}",
                translations={"en": {"title": f"Windows {n}", "description": ""}},
            ),
            publish=True,
        )
        trade_services.enquiry_send(actor=erika, listing=other, organisation=trade["constructora"], body="¿Precio?")
    for n in range(5):
        invoice_services.invoice_enter(
            actor=erika,
            seller=trade["constructora"],
            buyer=trade["taxi"] if n % 2 else trade["menuiserie"],
            data={"currency": "EUR", "lines": [{"description": f"Obra {n}", "unit_price_minor": 1000 + n}]},
        )
        trade_services.order_propose(
            actor=erika,
            seller=trade["menuiserie"],
            buyer=trade["constructora"],
            as_organisation=trade["constructora"],
            listing=deals["listing"],
            data={"quantity": "1", "unit_price_minor": 100, "currency": "EUR"},
        )
    assert {p: queries(p) for p in PRIVATE_LISTS} == before


# ---------------------------------------------------------------------------------------------------------------
# The trade overview


def _invoices(actor, seller, buyer, amounts, currency="EUR"):
    for amount in amounts:
        invoice_services.invoice_enter(
            actor=actor,
            seller=seller,
            buyer=buyer,
            data={"currency": currency, "lines": [{"description": "Trade", "unit_price_minor": amount}]},
        )


@pytest.fixture
def overview(trade, alice, bob):
    """Enough trade for some cells to show: the joinery (FR) and the taxis (ES) both sell to the builder (ES),
    three invoices each; one lone invoice of the builder to the joinery (too few: hidden)."""
    _invoices(alice, trade["menuiserie"], trade["constructora"], [10000, 20000, 30000])
    _invoices(alice, trade["taxi"], trade["constructora"], [1000, 2000, 3000])
    _invoices(alice, trade["constructora"], trade["menuiserie"], [777777])
    _invoices(
        alice, trade["taxi"], trade["menuiserie"], [5], currency="USD"
    )  # and one in another currency, fewer: not the default
    return trade


def test_the_public_overview_shows_totals_only(client, overview):
    page = client.get("/exchange/trade/").content.decode()
    assert "Menuiserie" not in page and "Constructora" not in page and "Taxis" not in page  # no names
    assert "fewer than 3 invoices" in page
    assert "7.777,77" not in page and "7,777.77" not in page  # the lone invoice is nowhere on its own
    # Construction: the joinery and the builder's invoices... the sector of sellers in construction counts
    # four invoices of two sellers: shown; transport (the taxis alone) is hidden with them together.
    data = client.get("/exchange/trade/export.csv?table=countries&currency=EUR")
    assert data.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(data.streaming_content).decode("utf-8-sig"))))
    shown = {r["countries"]: r for r in rows}
    assert "FR>ES" not in shown or shown["FR>ES"]["total"] == ""  # one seller alone: hidden...
    assert all(r["total"] == "" or int(r["invoices"]) >= 3 for r in rows)


def test_the_overview_hides_by_the_rule(overview):
    countries = trade_queries.by_countries("EUR")
    for row in countries.rows:
        assert row.total_minor is None or row.invoices >= 3
    # FR>ES (one seller) and ES>ES (one seller) alone are hidden, and ES>FR too; together they pass: 7
    # invoices of 3 sellers.
    assert [r.other for r in countries.rows] == [True]
    assert countries.rows[0].invoices == 7 and countries.rows[0].total_minor == 10000 + 20000 + 30000 + 6000 + 777777


def test_suppression_adds_cells_until_the_hidden_cannot_be_worked_out():
    cells = [
        trade_queries.Cell("a", 10, 500, {1, 2}),
        trade_queries.Cell("b", 5, 100, {3, 4}),
        trade_queries.Cell("c", 1, 7, {5}),  # hidden; alone it would be total - a - b
    ]
    shown, together = trade_queries.suppress(cells)
    assert [c.key for c in shown] == ["a"] and together is not None
    assert (together.invoices, together.total_minor, together.shown()) == (6, 107, True)
    shown, together = trade_queries.suppress(cells[:2])
    assert len(shown) == 2 and together is None


def test_the_secretariat_also_sees_the_pairs(client, overview, alice, charlie):
    login(client, alice)
    page = client.get("/exchange/trade/?currency=EUR").content.decode()
    assert "Constructora Cooperativa de Valencia" in page and "Only the secretariat sees this table." in page
    r = client.get("/exchange/trade/export.xlsx?table=pairs&currency=EUR")
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet.cell(1, 1).value == "seller" and sheet.max_row == 4  # three pairs
    login(client, charlie)
    assert "Constructora Cooperativa" not in client.get("/exchange/trade/").content.decode()
    assert client.get("/exchange/trade/export.csv?table=pairs").status_code == 403
    assert client.get("/exchange/trade/export.pdf?table=sector").status_code == 404


def test_the_overview_defaults_to_the_most_used_currency(client, overview):
    page = client.get("/exchange/trade/").content.decode()
    assert '<option value="EUR" selected>' in page
    assert client.get("/exchange/trade/?currency=XXX").status_code == 200  # unknown: the default


def test_an_empty_overview(client, db):
    page = client.get("/exchange/trade/").content.decode()
    assert "No trade yet" in page


def test_notifications_follow_the_steps(deals, trade, charlie):
    # The builder's editor was told of the invoice issued for the delivered order, in her language.
    assert Notification.objects.filter(user__username="erika", kind="exchange.invoice").exists()
