"""An officer submits a return, the secretariat returns it with a comment, the officer fixes and resubmits,
the secretariat validates, and the public dashboard shows the new figure."""

import os
import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, username, password):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_return_workflow_to_public_dashboard(page, accessible, federation, bob, alice):
    login(page, "bob", "bob-password-1")
    page.goto("/statistics/returns/")
    accessible(page)
    page.get_by_label("Year").fill("2024")
    page.get_by_role("button", name=re.compile("Start")).click()
    expect(page).to_have_url(re.compile(r"/statistics/returns/\d+/$"))
    accessible(page)
    page.locator("select[name='lines-0-sector']").select_option("construction")
    page.locator("select[name='lines-0-membership_type']").select_option("worker")
    page.locator("input[name='lines-0-cooperatives']").fill("4321")
    page.locator("input[name='lines-0-members']").fill("100")
    page.get_by_role("button", name="Save and submit").click()
    expect(page.get_by_role("status")).to_contain_text("submitted")
    return_url = page.url

    login(page, "alice", "alice-password-1")
    page.goto(return_url)
    accessible(page)
    page.get_by_label(re.compile("Comment")).fill("Members look too low: 100 for 4321 co-operatives?")
    page.get_by_role("button", name="Return with comment").click()
    expect(page.locator("main")).to_contain_text("Returned for changes")

    login(page, "bob", "bob-password-1")
    page.goto(return_url)
    expect(page.locator("main")).to_contain_text("Members look too low")
    page.locator("input[name='lines-0-members']").fill("98000")
    page.get_by_role("button", name="Save and submit").click()
    expect(page.get_by_role("status")).to_contain_text("submitted")

    login(page, "alice", "alice-password-1")
    page.goto(return_url)
    page.get_by_role("button", name="Validate").click()
    expect(page.locator("main")).to_contain_text("Validated")
    page.goto("/statistics/reporters/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Designated reporters")
    accessible(page)

    page.context.clear_cookies()
    page.goto("/statistics/?year_from=2000")
    expect(page.locator("main")).to_contain_text("4,321")
    accessible(page)

    # France is shaded on the map: a keyboard reaches it from the map's heading and opens France's page.
    page.locator("#map-heading").evaluate("heading => { heading.tabIndex = -1; heading.focus(); }")
    page.keyboard.press("Tab")
    france = page.locator(":focus")
    expect(france).to_have_attribute("aria-label", "France: 4,321")
    shape = france.locator("path")
    assert float(shape.evaluate("shape => getComputedStyle(shape).strokeWidth").rstrip("px")) >= 3
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/statistics/countries/FR/\?year_from=2000$"))
    expect(page).to_have_title(re.compile("France"))
    expect(page.locator("main")).to_contain_text("4,321")
    accessible(page)


def test_the_start_form_shows_whole_names(page, accessible, federation, alice):
    """The secretariat picks among every member organisation: the list is as wide as the longest name."""
    from cicopa.registry import services

    services.organisation_update(
        actor=alice,
        organisation=federation["coceta"],
        data={"name": "Confederación Española de Cooperativas de Trabajo Asociado"},
    )
    login(page, "alice", "alice-password-1")
    page.goto("/statistics/returns/")
    longest, room = page.locator("#id_reporter").evaluate(
        """select => {
            const pen = document.createElement("canvas").getContext("2d");
            const style = getComputedStyle(select);
            pen.font = style.font;
            const widest = Math.max(...[...select.options].map(option => pen.measureText(option.text).width));
            // the text's room: the box less its padding (the arrow sits in the right padding)
            return [widest, select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)];
        }"""
    )
    assert longest <= room, (longest, room)
    accessible(page)


def test_enter_in_a_figure_saves_the_draft_and_add_a_line_adds_one(page, accessible, federation, bob):
    from cicopa.statistics import services

    ret = services.return_create(actor=bob, reporter=federation["cgscop"], year=2024)
    login(page, "bob", "bob-password-1")
    page.goto(f"/statistics/returns/{ret.pk}/")
    page.get_by_role("button", name="Add a line").click()
    expect(page).to_have_url(re.compile(r"#line-2$"))
    expect(page.locator("fieldset.line-card")).to_have_count(2)
    accessible(page)
    page.locator("select[name='lines-1-sector']").select_option("construction")
    page.locator("select[name='lines-1-membership_type']").select_option("worker")
    page.locator("input[name='lines-1-cooperatives']").fill("12")
    page.locator("input[name='lines-1-cooperatives']").press("Enter")
    expect(page.get_by_role("status")).to_contain_text("saved")
    assert list(ret.lines.values_list("cooperatives", flat=True)) == [12]


def test_an_officer_gives_a_sector_by_region_and_the_country_page_breaks_it_down(
    page, accessible, federation, bob, alice
):
    """bob gives construction by region (and the rest without one); once validated, France's page in French has
    a chart and a table by subdivision, names from pycountry's catalogues, adding up to the country's total."""
    from cicopa.statistics import services

    ret = services.return_create(actor=bob, reporter=federation["cgscop"], year=2024)
    login(page, "bob", "bob-password-1")
    page.goto(f"/statistics/returns/{ret.pk}/")
    accessible(page)
    for i, (code, coops) in enumerate((("FR-IDF", "310"), ("FR-ARA", "240"), ("FR-BRE", "120"), ("", "95"))):
        if i:
            page.get_by_role("button", name="Add a line").click()
        page.locator(f"select[name='lines-{i}-sector']").select_option("construction")
        page.locator(f"select[name='lines-{i}-membership_type']").select_option("worker")
        page.locator(f"select[name='lines-{i}-subdivision']").select_option(code)
        page.locator(f"input[name='lines-{i}-cooperatives']").fill(coops)
    page.get_by_role("button", name="Save and submit").click()
    expect(page.get_by_role("status")).to_contain_text("submitted")
    services.return_validate(actor=alice, statistical_return=ret)

    page.context.clear_cookies()
    page.goto("/fr/statistics/countries/FR/")
    section = page.locator("section", has=page.locator("#breakdown-subdivision-heading"))
    expect(section.locator("svg.chart, svg").first).to_be_visible()
    expect(section.locator("table")).to_contain_text("Île-de-France")
    expect(section.locator("table")).to_contain_text("Bretagne")
    expect(section.locator("tbody tr")).to_have_count(4)
    accessible(page)
    section.scroll_into_view_if_needed()
    shots = os.environ.get("CICOPA_SCREENSHOTS")
    if shots:
        section.screenshot(path=os.path.join(shots, "statistics-country-by-subdivision.png"))
