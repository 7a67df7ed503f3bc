"""Two co-operatives trade: the Spanish builder asks the French joinery about its offer, proposes an order, the
joinery accepts, delivers and invoices, the builder disputes; the joinery imports invoices; the public and the
secretariat read the trade overview. Every page passes axe-core."""

import datetime

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def log_out(page):
    page.get_by_role("button", name="Log out").click()


@pytest.fixture
def market(federation, alice, charlie, tmp_path):
    from django.contrib.auth import get_user_model

    from cicopa.core.models import Country
    from cicopa.exchange import services
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
    listing = services.listing_create(
        actor=charlie,
        organisation=federation["menuiserie"],
        data={
            "direction": "offer",
            "kind": "goods",
            "language": "en",
            "title": "Oak window frames",
            "description": "Solid oak window frames made to measure.",
            "category": "38",
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
        services.invoice_enter(
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


def test_two_cooperatives_trade(page, accessible, look, market, federation):
    listing = market["listing"]

    # The builder writes about the offer, then proposes an order from the conversation.
    log_in(page, "erika", "erika-password-1")
    page.goto(f"/exchange/listings/{listing.pk}/enquire/")
    accessible(page)
    look(page, "trade-enquire")
    page.get_by_label("Message").fill("Can you deliver 40 frames to Valencia in February?")
    page.get_by_role("button", name="Send the message").click()
    expect(page.get_by_role("status")).to_contain_text("Your message was sent.")
    accessible(page)
    look(page, "trade-enquiry")
    page.get_by_role("link", name="Propose an order").click()
    accessible(page)
    look(page, "trade-order-form")
    page.get_by_label("Quantity").fill("40")
    page.get_by_label("Price per unit").fill("240.00")
    page.get_by_label("Delivery date").fill("2027-02-01")
    page.get_by_label("Note").fill("Delivery to the site at Calle Colón 12.")
    page.get_by_role("button", name="Send the proposal").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Oak window frames")
    accessible(page)
    look(page, "trade-order-proposed")
    order_url = page.url
    page.goto("/exchange/enquiries/")
    accessible(page)
    look(page, "trade-enquiries")
    log_out(page)

    # The joinery accepts, delivers and invoices.
    log_in(page, "charlie", "charlie-password-1")
    page.goto(order_url)
    page.get_by_role("button", name="Accept these terms").click()
    expect(page.get_by_role("status")).to_contain_text("the order is agreed")
    accessible(page)
    look(page, "trade-order-agreed")
    page.get_by_role("button", name="Mark delivered").click()
    page.get_by_role("button", name="Issue the invoice").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Invoice")
    accessible(page)
    look(page, "trade-invoice-seller")
    invoice_url = page.url
    page.goto("/exchange/orders/")
    accessible(page)
    look(page, "trade-orders")
    page.goto("/exchange/invoices/")
    accessible(page)
    look(page, "trade-invoices")

    # An invoice entered by hand, the buyer found by a search.
    page.goto("/exchange/invoices/new/")
    page.get_by_label("Find the buyer").fill("Constructora")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("Buyer", exact=True).select_option(label="Constructora Cooperativa de Valencia (Spain)")
    page.get_by_label("Description").fill("Fitting of the frames")
    page.get_by_label("Price per unit").fill("1,980.00")
    accessible(page)
    look(page, "trade-invoice-new")
    page.get_by_role("button", name="Issue the invoice").click()
    expect(page.get_by_role("status")).to_contain_text("was issued")

    # An import with broken rows: nothing written, each row reported.
    page.goto("/exchange/invoices/import/")
    page.get_by_label("CSV or XLSX file").set_input_files(str(market["broken"]))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Nothing was imported")).to_be_visible()
    accessible(page)
    look(page, "trade-invoice-import-errors")
    log_out(page)

    # The builder disputes the invoice, with a reason; the PDF is there.
    log_in(page, "erika", "erika-password-1")
    page.goto(invoice_url)
    accessible(page)
    page.get_by_label("Reason for the dispute").fill("Two frames arrived broken.")
    page.get_by_role("button", name="Dispute").click()
    expect(page.get_by_role("status")).to_contain_text("You disputed the invoice")
    accessible(page)
    look(page, "trade-invoice-disputed")
    page.goto(invoice_url.replace("/exchange/", "/fr/exchange/", 1))  # amounts and dates as a French reader writes them
    expect(page.locator("main")).to_contain_text("9\u202f600,00\u00a0€")
    accessible(page)
    look(page, "trade-invoice-fr")
    page.goto(invoice_url)
    response = page.request.get(invoice_url + "pdf/")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    log_out(page)

    # The overview: totals for the public, the pairs for the secretariat.
    page.goto("/exchange/trade/")
    expect(page.locator("#privacy-rule")).to_contain_text("fewer than 3 invoices")
    accessible(page)
    look(page, "trade-overview-public")
    log_in(page, "alice", "alice-password-1")
    page.goto("/exchange/trade/")
    expect(page.get_by_role("heading", name="Organisations that trade most with each other")).to_be_visible()
    accessible(page)
    look(page, "trade-overview-secretariat")
