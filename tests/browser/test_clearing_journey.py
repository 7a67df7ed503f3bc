"""The clearing house, as its users go through it: three co-operatives that hold a triangle of acknowledged
invoices take part (each accepting the terms on its page, the Spanish one in Spanish); the secretariat opens a
cycle, runs it, reads its report and confirms it; each co-operative then finds its statement (before and after,
the invoices reduced) and its invoices marked as cleared. Every page passes axe-core."""

import datetime

import pytest
from playwright.sync_api import expect

from browser_steps import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def circle(federation, alice, charlie):
    """Menuiserie (charlie), Constructora (erika, in Spanish) and Taxis (fiona): Constructora owes Menuiserie
    300 €, Taxis owe Constructora 200 €, Menuiserie owes Taxis 250 €; each acknowledged by its buyer."""
    from django.contrib.auth import get_user_model

    from cicopa.core.models import Country, Profile
    from cicopa.exchange import invoice_services
    from cicopa.registry import access_services
    from cicopa.registry import services as registry
    from cicopa.registry.models import AccessRole

    users = get_user_model().objects
    erika = users.create_user("erika", "erika@example.org", "erika-password-1")
    fiona = users.create_user("fiona", "fiona@example.org", "fiona-password-1")
    Profile.objects.update_or_create(user=erika, defaults={"language": "es"})
    builder = registry.organisation_create(
        actor=alice,
        parent=federation["coceta"],
        data={"name": "Constructora Cooperativa de Valencia", "country": Country.objects.get(iso2="ES"),
              "city": "Valencia", "slug": "constructora"},
    )  # fmt: skip
    joinery, taxis = federation["menuiserie"], federation["taxi"]
    access_services.access_grant(actor=alice, user=erika, organisation=builder, role=AccessRole.EDITOR)
    access_services.access_grant(actor=alice, user=fiona, organisation=taxis, role=AccessRole.EDITOR)
    buyers = {builder.pk: erika, taxis.pk: fiona, joinery.pk: charlie}
    invoices = {}
    for key, seller, buyer, amount in (("cm", joinery, builder, 30000), ("tc", builder, taxis, 20000),
                                       ("mt", taxis, joinery, 25000)):  # fmt: skip
        invoices[key] = invoice_services.invoice_enter(
            actor=alice,
            seller=seller,
            buyer=buyer,
            data={
                "currency": "EUR",
                "issue_date": datetime.date.today().isoformat(),
                "lines": [{"description": "Work", "quantity": "1", "unit_price_minor": amount}],
            },
        )
        invoice_services.invoice_step(actor=buyers[buyer.pk], invoice=invoices[key], step="acknowledge")
    return invoices


def take_part(page, accessible, look, username, password, prefix="", button="Take part", shot=""):
    log_in(page, username, password)
    page.goto(f"{prefix}/clearing/")
    accessible(page)
    if shot:
        look(page, shot)
    page.locator("main details.clearing-terms summary").first.click()
    page.locator("main input[name=agree]").first.check()
    page.get_by_role("button", name=button).first.click()
    expect(page.locator("main .clearing-org .badge-validated")).to_have_count(1)
    accessible(page)
    log_out(page)


def test_three_cooperatives_clear_a_triangle_of_invoices(page, accessible, look, circle, federation):
    # Each co-operative takes part, from its own page.
    take_part(page, accessible, look, "charlie", "charlie-password-1", shot="clearing-participation")
    take_part(page, accessible, look, "erika", "erika-password-1", prefix="/es", button="Participar")
    take_part(page, accessible, look, "fiona", "fiona-password-1")

    # The secretariat opens a cycle, runs it and reads the proposal.
    log_in(page, "alice", "alice-password-1")
    page.goto("/accounts/")
    page.get_by_role("link", name="Clearing cycles").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Clearing of invoices")
    accessible(page)
    page.locator("select[name=currency]").select_option("EUR")
    page.locator("input[name=cutoff]").fill(datetime.date.today().isoformat())
    page.get_by_role("button", name="Open a cycle").click()
    expect(page.get_by_role("button", name="Run the cycle")).to_be_visible()
    accessible(page)
    page.get_by_role("button", name="Run the cycle").click()
    expect(page.get_by_role("button", name="Confirm and set off")).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("€600.00")  # cleared
    expect(main).to_contain_text("80.0% of gross debt")
    expect(main.locator("table tbody tr")).to_have_count(3)
    accessible(page)
    look(page, "clearing-cycle-proposed")
    page.get_by_role("button", name="Confirm and set off").click()
    expect(page.get_by_role("status")).to_contain_text("The confirmation is under way")
    expect(page.locator("main .page-header")).to_contain_text("Confirmed on")
    accessible(page)
    page.goto("/clearing/")
    expect(page.locator("main")).to_contain_text("Confirmed cycles over time")
    accessible(page)
    look(page, "clearing-home-secretariat")
    log_out(page)

    # Each co-operative reads its statement and finds its invoices set off.
    log_in(page, "erika", "erika-password-1")
    page.goto("/es/clearing/")
    page.locator("main table th a").first.click()
    expect(page.locator("main")).to_contain_text("200,00\u00a0€")
    expect(page.locator("main")).to_contain_text(circle["cm"].number)
    accessible(page)
    look(page, "clearing-statement-es")
    page.locator(f"main table a[href$='/invoices/{circle['tc'].pk}/']").click()
    expect(page.locator("main")).to_contain_text("200,00\u00a0€")
    accessible(page)
    log_out(page)
    for username in ("charlie", "fiona"):
        log_in(page, username, f"{username}-password-1")
        page.goto("/clearing/")
        page.locator("main table th a").first.click()
        expect(page.locator("main")).to_contain_text("Liquidity saved: €200.00.")
        accessible(page)
        response = page.request.get(page.url + "statement.pdf")
        assert response.status == 200 and response.headers["content-type"] == "application/pdf"
        log_out(page)
