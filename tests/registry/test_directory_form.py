"""The directory's filter form: its lists of reference data are drawn once per language and kept (see
core/reference_cache.py), and the reader's choices are still marked in them, in the reader's language and order,
without JavaScript."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from cicopa.core.models import Country, Sector

CHOSEN = {
    "q": "coop",
    "region": "150",
    "country": "ES",
    "sector": "construction",
    "membership_type": "worker",
    "legal_form": "company",
}

# language prefix: Spain, Germany, Europe, Africa, Construction, Health, Worker, Company
NAMES = {
    "": "Spain|Germany|Europe|Africa|Construction|Health|Worker|Company",
    "/fr": "Espagne|Allemagne|Europe|Afrique|Construction|Santé|Travailleurs|Société commerciale",
    "/es": "España|Alemania|Europa|África|Construcción|Salud|Trabajadores|Sociedad mercantil",
}


def select(html: str, name: str) -> str:
    start = html.index(f'<select id="filter-{name}"')
    return html[start : html.index("</select>", start)]


def checkbox(name: str, value: str, label: str, *, checked: bool) -> str:
    mark = " checked" if checked else ""
    return f'<li><label><input type="checkbox" name="{name}" value="{value}"{mark}> {label}</label></li>'


@pytest.mark.parametrize("language", ["", "/fr", "/es"])
def test_chosen_filters_stay_chosen_in_the_readers_language(client, federation, language):
    spain, germany, europe, africa, construction, health, worker, company = NAMES[language].split("|")
    for _ in range(2):  # drawn afresh, then from what was kept
        html = client.get(f"{language}/directory/", CHOSEN).content.decode()
        countries = select(html, "country")
        assert f'<option value="ES" selected>{spain}</option>' in countries
        assert f'<option value="DE">{germany}</option>' in countries
        assert "multiple" not in countries and countries.count(" selected") == 1
        regions = select(html, "region")
        assert f'<option value="150" selected>{europe}</option>' in regions
        assert f'<option value="002">{africa}</option>' in regions and regions.count(" selected") == 1
        assert checkbox("sector", "construction", construction, checked=True) in html
        assert checkbox("sector", "health", health, checked=False) in html
        assert checkbox("membership_type", "worker", worker, checked=True) in html
        assert checkbox("legal_form", "company", company, checked=True) in html
        assert html.count(" checked>") == 3


def test_countries_are_in_the_order_of_the_readers_language(client, federation):
    def order(language):
        countries = select(client.get(f"{language}/directory/").content.decode(), "country")
        return re.findall(r'<option value="([A-Z]{2})"', countries)

    english, french = order(""), order("/fr")
    assert english.index("FR") < english.index("DE")  # France, Germany
    assert french.index("DE") < french.index("FR")  # Allemagne, France
    assert french.index("DK") < french.index("EG") < french.index("ES")  # Danemark, Égypte, Espagne
    assert len(english) == len(french) == Country.objects.count()


def test_several_countries_make_a_multiple_select_with_each_chosen(client, federation):
    html = client.get("/fr/directory/", {"country": ["FR", "ES"]}).content.decode()
    countries = select(html, "country")
    assert "multiple" in countries and countries.count(" selected") == 2
    assert '<option value="FR" selected>France</option>' in countries
    assert '<option value="ES" selected>Espagne</option>' in countries
    assert 'value=""' not in countries  # no "all countries" in a multiple select


def test_no_choice_is_marked_without_filters(client, federation):
    html = client.get("/directory/").content.decode()
    assert " selected>" not in select(html, "country") and " selected>" not in select(html, "region")
    assert " checked>" not in html


def test_the_lists_change_when_the_reference_data_does(client, federation, settings):
    settings.CICOPA_PAGE_CACHE_SECONDS = 0  # every page made afresh: what is kept beneath is in view

    def health():
        html = client.get("/directory/", {"sector": "health"}).content.decode()
        return re.search(r'name="sector" value="health" checked> ([^<]*)</label>', html).group(1)

    assert health() == "Health"
    # A change that goes past the models (as a migration's SQL would) is not seen by what was kept...
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_sector SET name_en = 'Health care' WHERE code = 'health'")
    assert health() == "Health"
    # ... until the state of the reference data changes, as migrate makes it (and so, for every process)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_referencegeneration SET value = value + 1")
    assert health() == "Health care"
    # A save through the model changes it too, at once for the connection that made it.
    sector = Sector.objects.get(code="health")
    sector.name_en = "Health & care"
    sector.save()
    assert health() == "Health &amp; care"


def test_a_wrong_filter_value_is_named_and_nothing_chosen(client, federation):
    html = client.get("/directory/", {"country": "ZZ", "region": "999"}).content.decode()
    assert "ZZ" in html and "999" in html
    assert " selected>" not in select(html, "country") and " selected>" not in select(html, "region")


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_profile_addresses_are_those_reverse_gives(language):
    from django.urls import NoReverseMatch, reverse
    from django.utils import translation

    from cicopa.registry.models import profile_url

    with translation.override(language):
        for slug in ("cg-scop", "coop-12", "a_b", "x"):
            assert profile_url(slug) == reverse("registry:organisation", kwargs={"slug": slug})
        with pytest.raises(NoReverseMatch):  # refused as reverse() refuses it
            profile_url("not a slug/")
