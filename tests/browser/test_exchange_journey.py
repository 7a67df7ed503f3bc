"""The exchange, as two co-operatives use it, each in its own language: the Spanish builder publishes a need in
Spanish; the French joinery, which offers frames, is told and finds it among its matches in French, writes to the
builder, who proposes an order; the joinery accepts, delivers and invoices; the builder acknowledges the invoice;
the secretariat finds the trade in its overview. Then the corners: an import with broken rows changes nothing, the
invoice reads in French and prints as PDF, the public overview shows only totals. Every page passes axe-core."""

import datetime

import pytest
from playwright.sync_api import expect

from browser_steps import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def market(federation, alice, charlie, tmp_path):
    from django.contrib.auth import get_user_model

    from cicopa.core.models import Country
    from cicopa.exchange import invoice_services, services
    from cicopa.registry import access_services
    from cicopa.registry import services as registry
    from cicopa.registry.models import AccessRole

    erika = get_user_model().objects.create_user("erika", "erika@example.org", "erika-password-1")
    builder = registry.organisation_create(
        actor=alice,
        parent=federation["coceta"],
        data={
            "name": "Constructora Cooperativa de Valencia",
            "country": Country.objects.get(iso2="ES"),
            "city": "Valencia",
            "sectors": ["construction"],
            "slug": "constructora",
        },
    )
    access_services.access_grant(actor=alice, user=erika, organisation=builder, role=AccessRole.EDITOR)
    from cicopa.core.models import Profile

    Profile.objects.update_or_create(user=erika, defaults={"language": "es"})
    Profile.objects.update_or_create(user=charlie, defaults={"language": "fr"})
    listing = services.listing_create(
        actor=charlie,
        organisation=federation["menuiserie"],
        data={
            "direction": "offer",
            "kind": "goods",
            "language": "fr",
            "title": "Fenêtres en chêne massif",
            "description": "Fenêtres en chêne sur mesure, double vitrage.",
            "category": "31",
            "quantity": "100",
            "unit": "H87",
            "price_minor": 25000,
            "currency": "EUR",
            "scope": "international",
        },
        publish=True,
    )
    # Earlier trade, for the overview: enough invoices of enough sellers for some cells to show.
    today = datetime.date.today()
    joinery, taxis = federation["menuiserie"], federation["taxi"]
    for n, (seller, buyer, amount) in enumerate(
        [
            (joinery, builder, 480000),
            (joinery, builder, 125050),
            (builder, joinery, 99000),
            (builder, taxis, 250000),
            (taxis, builder, 9000),
            (taxis, builder, 12000),
            (taxis, joinery, 7000),
            (joinery, taxis, 33000),
            (joinery, builder, 61000),
            (builder, joinery, 14500),
        ]
    ):
        invoice_services.invoice_enter(
            actor=alice,
            seller=seller,
            buyer=buyer,
            data={
                "currency": "EUR",
                "issue_date": (today - datetime.timedelta(days=25 * (n % 4))).isoformat(),
                "lines": [{"description": "Earlier trade", "unit_price_minor": amount}],
            },
        )
    broken = tmp_path / "invoices.csv"
    broken.write_text(
        "buyer,number,issue_date,currency,amount,description\n"
        f'constructora,F-901,{today.isoformat()},EUR,"1 980,00",Frames\n'
        f"constructora,F-902,15/01/2026,EUR,12.50,Bad date\n"
        f"nobody,F-903,{today.isoformat()},EUX,-4,Unknown buyer\n",
        encoding="utf-8",
    )
    return {"listing": listing, "builder": builder, "broken": broken}


def test_a_need_in_spanish_becomes_an_acknowledged_invoice(page, accessible, look, market, federation):
    # A, the Spanish builder, publishes a need, in Spanish.
    log_in(page, "erika", "erika-password-1")
    page.goto("/es/exchange/listings/new/")
    accessible(page)
    look(page, "exchange-new-need-es")
    page.locator("input[name=direction][value=need]").check()
    page.locator("select[name=kind]").select_option("goods")
    page.locator("#id_language").select_option("es")
    page.locator("input[name=title]").fill("Ventanas de roble para una obra")
    page.locator("textarea[name=description]").fill("Necesitamos 40 ventanas de roble con doble acristalamiento.")
    page.locator("select[name=category]").select_option("31")
    page.locator("input[name=quantity]").fill("40")
    page.locator("select[name=unit]").select_option("H87")
    page.locator("select[name=scope]").select_option("international")
    page.locator("button[name=publish]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ventanas de roble para una obra")
    accessible(page)
    look(page, "exchange-need-published-es")
    log_out(page)

    # B, the French joinery, was told, and finds the need among its matches, in French.
    log_in(page, "charlie", "charlie-password-1")
    page.goto("/fr/accounts/notifications/")
    expect(page.locator("main")).to_contain_text("Fenêtres en chêne massif")
    accessible(page)
    page.goto("/fr/exchange/matches/")
    match = page.locator("main").get_by_role("link", name="Ventanas de roble para una obra")
    expect(match).to_be_visible()
    expect(page.locator("main")).to_contain_text("Même catégorie")
    accessible(page)
    look(page, "exchange-matches-fr")
    match.first.click()
    expect(page.locator("main")).to_contain_text("espagnol")  # written in Spanish, marked as such
    page.locator("textarea[name=body]").fill("Bonjour, nous pouvons livrer 40 fenêtres en février.")
    page.locator("form.enquiry-form button[type=submit], form[action$='/enquire/'] button[type=submit]").first.click()
    expect(page.locator("main")).to_contain_text("nous pouvons livrer 40 fenêtres")
    accessible(page)
    look(page, "exchange-enquiry-fr")
    log_out(page)

    # A proposes an order from the conversation.
    log_in(page, "erika", "erika-password-1")
    page.goto("/es/exchange/enquiries/")
    accessible(page)
    page.locator("main table th a").first.click()
    expect(page.locator("main")).to_contain_text("nous pouvons livrer 40 fenêtres")
    page.locator("main a[href*='/order/']").first.click()
    accessible(page)
    look(page, "exchange-order-form-es")
    page.locator("input[name=quantity]").fill("40")
    page.locator("input[name=unit_price]").fill("240,00")
    page.locator("select[name=currency]").select_option("EUR")
    page.locator("input[name=delivery_date]").fill("2027-02-01")
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("main")).to_contain_text("9.600,00")
    accessible(page)
    order_path = page.url.split("/es", 1)[1]
    log_out(page)

    # B accepts, delivers and invoices.
    log_in(page, "charlie", "charlie-password-1")
    page.goto("/fr" + order_path)
    page.get_by_role("button", name="Accepter ces conditions").click()
    expect(page.get_by_role("status")).to_contain_text("la commande est conclue")
    accessible(page)
    look(page, "exchange-order-agreed-fr")
    page.get_by_role("button", name="Marquer comme livrée").click()
    page.get_by_role("button", name="Émettre la facture").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Facture")
    expect(page.locator("main")).to_contain_text("9\u202f600,00\u00a0€")
    accessible(page)
    look(page, "exchange-invoice-seller-fr")
    invoice_path = page.url.split("/fr", 1)[1]
    response = page.request.get(page.url + "pdf/")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"

    # Corners: an import with broken rows changes nothing and reports each row.
    page.goto("/exchange/invoices/import/")
    page.get_by_label("CSV or XLSX file").set_input_files(str(market["broken"]))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Nothing was imported")).to_be_visible()
    accessible(page)
    look(page, "exchange-invoice-import-errors")
    log_out(page)

    # A acknowledges the invoice.
    log_in(page, "erika", "erika-password-1")
    page.goto("/es" + invoice_path)
    expect(page.locator("main")).to_contain_text("9.600,00\u00a0€")
    page.get_by_role("button", name="Reconocer").click()
    expect(page.get_by_role("status")).to_contain_text("Ha reconocido la factura")
    accessible(page)
    look(page, "exchange-invoice-acknowledged-es")
    log_out(page)

    # The public sees only totals; the secretariat sees the two co-operatives' trade.
    page.goto("/exchange/trade/")
    expect(page.locator("#privacy-rule")).to_contain_text("fewer than 3 invoices")
    expect(page.locator("main")).not_to_contain_text("Constructora")
    accessible(page)
    look(page, "exchange-trade-public")
    log_in(page, "alice", "alice-password-1")
    page.goto("/exchange/trade/")
    pairs = page.locator(
        "section", has=page.get_by_role("heading", name="Organisations that trade most with each other")
    )
    expect(pairs).to_contain_text("Menuiserie Coopérative de Lyon")
    expect(pairs).to_contain_text("Constructora Cooperativa de Valencia")
    accessible(page)
    look(page, "exchange-trade-secretariat")
