"""A visitor searches the directory and reads a profile in three languages; an officer edits the
own organisation and is refused another's."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_directory_journey(page, accessible, federation):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    accessible(page)

    page.get_by_label("Search").first.fill("cooperativa")
    page.keyboard.press("Enter")
    expect(page.locator("#results")).to_contain_text("Coopérativa de Taxis Madrid")
    expect(page.locator("#results")).not_to_contain_text("COCETA")

    page.goto("/?q=&country=FR")
    expect(page.locator("#results")).to_contain_text("Menuiserie Coopérative de Lyon")
    expect(page.locator("#results")).not_to_contain_text("Taxis")
    expect(page.locator(".worldmap").first).to_be_visible()  # the map loads without any tile server
    accessible(page)

    # The map shows France, not the world, and its dots are links a keyboard reaches.
    box = page.locator("#map-frame .worldmap").get_attribute("viewBox")
    assert float(box.split()[2]) < 200, box
    dot = _tab_into_map(page)
    name, href = dot.get_attribute("aria-label"), dot.get_attribute("href")
    assert href == "/organisations/menuiserie/" and name == "Menuiserie Coopérative de Lyon"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/organisations/menuiserie/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(name))
    accessible(page)
    page.go_back()

    page.locator("#results").get_by_role("link", name="Menuiserie Coopérative de Lyon").click()
    expect(page).to_have_url(re.compile(r"/organisations/menuiserie/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Menuiserie Coopérative de Lyon"))
    expect(page.locator("main")).to_contain_text("Confédération générale des Scop")
    accessible(page)

    page.get_by_label(re.compile("Language")).select_option("fr")
    page.get_by_role("button", name=re.compile("Change language|Changer")).click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("main")).to_contain_text("Construction")
    accessible(page)

    page.get_by_label(re.compile("Langue")).select_option("es")
    page.get_by_role("button", name=re.compile("Changer|Cambiar")).click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("main")).to_contain_text("Construcción")
    accessible(page)


def test_officer_edits_own_organisation_and_not_another(page, accessible, federation):
    page.goto("/accounts/login/")
    accessible(page)
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill("bob-password-1")
    page.get_by_role("button", name="Log in").click()

    page.goto("/organisations/cg-scop/")
    page.get_by_role("link", name=re.compile("Edit")).click()
    accessible(page)
    page.get_by_label("Telephone").fill("+33 1 44 85 47 00")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("+33 1 44 85 47 00")
    expect(page.get_by_role("status")).to_contain_text("saved")

    page.goto("/organisations/coceta/")
    expect(page.get_by_role("link", name=re.compile("Edit"))).to_have_count(0)
    response = page.goto("/organisations/coceta/edit/")
    assert response.status == 403


def test_the_language_switcher_keeps_a_search_made_in_place(page, accessible, federation):
    page.goto("/")
    page.get_by_label("Search").first.fill("cooperativa")
    page.keyboard.press("Enter")
    expect(page.locator("#results")).to_contain_text("Coopérativa de Taxis Madrid")
    expect(page).to_have_url(re.compile(r"q=cooperativa"))  # the search changed the page without loading it
    page.get_by_label(re.compile("Language")).select_option("es")
    page.get_by_role("button", name="Change language").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page).to_have_url(re.compile(r"/es/.*q=cooperativa"))
    expect(page.locator("#results")).to_contain_text("Coopérativa de Taxis Madrid")
    expect(page.locator("#results")).not_to_contain_text("Menuiserie")


def test_a_profile_whatever_its_name_holds(page, federation, alice):
    """A name that would end the JSON-LD's script element early, or make its real end unseen, shows as
    written in a page that renders to its footer, and the JSON-LD still reads."""
    from cicopa.registry import services

    hostile = "</script><!--<script>"
    services.organisation_update(actor=alice, organisation=federation["menuiserie"], data={"name": hostile})
    page.goto("/organisations/menuiserie/")
    expect(page.get_by_role("heading", level=1)).to_have_text(hostile)
    expect(page.locator(".site-footer")).to_be_visible()
    embedded = page.locator('script[type="application/ld+json"]').text_content()
    assert page.evaluate("text => JSON.parse(text).name", embedded) == hostile


def _tab_into_map(page):
    """Press Tab from the map's heading, as a keyboard user reading down the page would: the map's first link
    gets the focus, and shows it."""
    page.locator("#map-heading").evaluate("heading => { heading.tabIndex = -1; heading.focus(); }")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_attribute("class", re.compile(r"worldmap-(country-)?link"))
    shape = focused.locator("circle, path").first
    stroke = shape.evaluate("shape => getComputedStyle(shape).strokeWidth")
    assert float(stroke.rstrip("px")) >= 3, stroke  # the focus is visible
    return focused


def test_a_cluster_of_the_map_opens_the_directory_narrowed_to_it(page, accessible, federation, alice):
    from cicopa.registry import services

    for i in range(3):
        services.organisation_create(
            actor=alice,
            data={
                "name": f"Lyon Coop {i}",
                "country": federation["cgscop"].country,
                "city": "Lyon",
                "latitude": 45.75 + i / 100,
                "longitude": 4.85,
            },
        )
    page.goto("/?q=&country=FR")
    expect(page.locator("#map-frame .worldmap")).to_be_visible()
    cluster = _tab_into_map(page)
    expect(cluster).to_have_attribute("aria-label", "4 organisations in Lyon")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/directory/\?.*q=Lyon"))
    expect(page.locator("#results")).to_contain_text("Lyon Coop 2")
    expect(page.locator("#results")).not_to_contain_text("Confédération générale des Scop")
    accessible(page)


def test_the_subdivision_follows_the_country_and_filters_the_directory(page, accessible, look, federation, alice):
    """An officer records the region of a co-operative: the form's list of subdivisions follows the country chosen
    (htmx); the directory then offers France's regions, with their counts, to narrow the results."""
    from cicopa.registry import services

    services.organisation_update(actor=alice, organisation=federation["cgscop"], data={"subdivision": "FR-IDF"})
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill("bob-password-1")
    page.get_by_role("button", name="Log in").click()

    page.goto("/organisations/menuiserie/edit/")
    subdivision = page.get_by_label("Subdivision")
    expect(subdivision.locator("option[value='FR-ARA']")).to_have_text("Auvergne-Rhône-Alpes")
    page.get_by_label("Country").select_option("ES")
    expect(subdivision.locator("option[value='ES-AL']")).to_have_text("Almería (Andalucía)")
    expect(subdivision.locator("option[value='FR-ARA']")).to_have_count(0)
    page.get_by_label("Country").select_option("FR")
    expect(subdivision.locator("option[value='FR-ARA']")).to_have_count(1)
    subdivision.select_option("FR-ARA")
    accessible(page)
    look(page, "subdivision-edit-form")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("address")).to_contain_text("Auvergne-Rhône-Alpes")

    page.goto("/fr/directory/?country=FR")
    facet = page.locator("#facets nav.facet").filter(has_text="Auvergne-Rhône-Alpes")
    expect(facet.get_by_role("link", name=re.compile("Auvergne-Rhône-Alpes"))).to_be_visible()
    expect(page.locator("#filter-subdivision option[value='FR-IDF']")).to_have_text("Île-de-France")
    accessible(page)
    look(page, "subdivision-directory-facet")
    facet.get_by_role("link", name=re.compile("Auvergne-Rhône-Alpes")).click()
    expect(page.locator("#results")).to_contain_text("Menuiserie Coopérative de Lyon")
    expect(page.locator("#results")).not_to_contain_text("Confédération générale")
    expect(page.locator("#filter-subdivision")).to_have_value("FR-ARA")
    # another country in the filters: the subdivision chosen goes, and the new country's list comes with the results
    page.wait_for_load_state("networkidle")  # the facets and the map that the page loads after it: not a race
    page.locator("#filter-country").select_option("ES")
    expect(page.locator("#filter-subdivision option[value='ES-AN']")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("Taxis Madrid")
    assert "subdivision" not in page.url
    accessible(page)
