"""Names of countries, regions, currencies and languages come from CLDR in the reader's language, in pages and in
the API (which answers in the language Accept-Language asks for); a fourth language needs nothing typed."""

from __future__ import annotations

import html
import re

import pytest
from babel import Locale
from babel.numbers import get_currency_name
from django.utils import translation

from cicopa.core import money, names
from cicopa.core.models import Country, Region

LANGUAGES = ["en", "fr", "es"]


def _country_options(page: str) -> dict[str, str]:
    start = page.index('<select id="filter-country"')
    options = page[start : page.index("</select>", start)]
    return {
        code: html.unescape(name) for code, name in re.findall(r'<option value="([A-Z]{2})"[^>]*>([^<]*)<', options)
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_country_shown_has_cldrs_name(client, db, language):
    """All 249 countries, in the directory's filter and in the API: no name typed by hand creeps back."""
    cldr = Locale.parse(language).territories
    codes = set(Country.objects.values_list("iso2", flat=True))
    assert len(codes) == 249
    prefix = "" if language == "en" else f"/{language}"
    shown = _country_options(client.get(f"{prefix}/directory/").content.decode())
    assert shown == {code: cldr[code] for code in codes}
    api = client.get("/api/v1/countries", headers={"accept-language": language}).json()
    assert {c["iso2"]: c["name"] for c in api} == {code: cldr[code] for code in codes}
    with translation.override(language):
        assert {c.iso2: c.name for c in Country.objects.all()} == {code: cldr[code] for code in codes}


@pytest.mark.parametrize(
    ("language", "code", "name"),
    [
        # names a reader of the language sees at once to be wrong when typed by hand
        ("es", "BF", "Burkina Faso"),
        ("es", "DZ", "Argelia"),
        ("es", "NE", "Níger"),
        ("es", "RU", "Rusia"),
        ("fr", "GL", "Groenland"),
        ("fr", "VE", "Venezuela"),
        ("fr", "LR", "Liberia"),
        ("en", "RU", "Russia"),
    ],
)
def test_names_are_as_their_readers_write_them(db, language, code, name):
    with translation.override(language):
        assert Country.objects.get(iso2=code).name == name


@pytest.mark.parametrize("language", LANGUAGES)
def test_regions_are_named_by_cldr_and_the_one_it_lacks_by_the_catalogue(db, language):
    cldr = Locale.parse(language).territories
    with translation.override(language):
        regions = {r.m49: r.name for r in Region.objects.all()}
        channel_islands = translation.gettext("Channel Islands")
    assert regions.pop("830") == channel_islands
    assert regions == {m49: cldr[m49] for m49 in regions}
    assert regions["150"] == {"en": "Europe", "fr": "Europe", "es": "Europa"}[language]


def test_the_directory_sorts_by_country_in_the_readers_alphabet(federation, alice):
    """The database orders by names it does not hold (they come from CLDR): Allemagne, Égypte, Espagne in French;
    Egypt, Germany, Spain in English; organisations without a country last."""
    from cicopa.registry import directory_queries, services

    for code in ("ES", "EG", "DE"):
        services.organisation_create(
            actor=alice, data={"name": f"Coop {code}", "country": Country.objects.get(iso2=code)}
        )
    services.organisation_create(actor=alice, data={"name": "Coop nowhere"})

    def order():
        filters = directory_queries.parse_filters({"sort": "country", "page_size": "100"})
        items = directory_queries.search_directory(filters).items
        return [o.name for o in items if o.name.startswith("Coop ")]

    with translation.override("fr"):
        assert order() == ["Coop DE", "Coop EG", "Coop ES", "Coop nowhere"]
    with translation.override("en"):
        assert order() == ["Coop EG", "Coop DE", "Coop ES", "Coop nowhere"]


def test_the_members_page_lists_countries_in_the_readers_order(client, federation):
    from cicopa.core import queries

    with translation.override("fr"):
        ordered = list(
            Country.objects.filter(iso2__in=["DE", "EG", "DK", "ES", "FR"]).order_by(queries.by_country_name())
        )
    assert [c.iso2 for c in ordered] == ["DE", "DK", "EG", "ES", "FR"]  # Allemagne, Danemark, Égypte, Espagne
    with translation.override("en"):
        ordered = list(
            Country.objects.filter(iso2__in=["DE", "EG", "DK", "ES", "FR"]).order_by(queries.by_country_name())
        )
    assert [c.iso2 for c in ordered] == ["DK", "EG", "FR", "DE", "ES"]  # Denmark, Egypt, France, Germany, Spain


# --------------------------------------------------------------------------------------------------
# The API answers in the language asked for
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "language", "algeria"),
    [
        ("fr", "fr", "Algérie"),
        ("fr-CA,fr;q=0.9,en;q=0.5", "fr", "Algérie"),
        ("de-DE,de;q=0.9,es;q=0.8", "es", "Argelia"),  # German is not one of the platform's: the next one asked
        ("de", "en", "Algeria"),
        ("", "en", "Algeria"),
        ("*", "en", "Algeria"),
        ("en;q=0.1,es;q=0.9", "es", "Argelia"),  # by q-value, not by order
        ("x" * 2000, "en", "Algeria"),
    ],
)
def test_the_api_answers_in_the_language_accept_language_asks_for(client, db, header, language, algeria):
    headers = {"accept-language": header} if header else {}
    r = client.get("/api/v1/countries", headers=headers)
    assert r.status_code == 200
    assert {c["iso2"]: c["name"] for c in r.json()}["DZ"] == algeria
    assert r["Content-Language"] == language
    assert "Accept-Language" in r["Vary"]


def test_the_api_ignores_the_sites_language_cookie_and_prefix(client, db, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    r = client.get("/api/v1/countries")
    assert {c["iso2"]: c["name"] for c in r.json()}["DZ"] == "Algeria"
    r = client.get("/api/v1/countries", headers={"accept-language": "fr"})
    assert {c["iso2"]: c["name"] for c in r.json()}["DZ"] == "Algérie"


def test_answers_kept_for_anonymous_readers_are_kept_per_language(client, db):
    """The page cache keeps each language's answer apart: the French answer is never served to Spanish."""
    for _ in range(2):
        for header, name in (("fr", "Algérie"), ("es", "Argelia"), ("en", "Algeria")):
            r = client.get("/api/v1/countries", headers={"accept-language": header})
            assert {c["iso2"]: c["name"] for c in r.json()}["DZ"] == name


def test_regions_sectors_and_errors_follow_the_language_too(client, db):
    regions = client.get("/api/v1/regions", headers={"accept-language": "es"}).json()
    assert {r["m49"]: r["name"] for r in regions}["150"] == "Europa"
    sectors = client.get("/api/v1/sectors", headers={"accept-language": "fr"}).json()
    assert "Santé" in {s["name"] for s in sectors}
    r = client.post(
        "/api/v1/organisations", data="{}", content_type="application/json", headers={"accept-language": "fr"}
    )
    assert r.status_code == 401
    message = "Give a valid API token in the header Authorization: Bearer <token> (create one on your account page)."
    with translation.override("fr"):
        assert r.json()["detail"] == translation.gettext(message) != message


def test_the_openapi_document_states_the_languages(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/countries"]["get"]
    header = next(p for p in operation["parameters"] if p["in"] == "header" and p["name"] == "Accept-Language")
    assert "en, fr, es" in header["description"]
    assert operation["responses"]["200"]["headers"]["Content-Language"]["schema"]["enum"] == ["en", "fr", "es"]
    assert "Accept-Language" in schema["info"]["description"]


# --------------------------------------------------------------------------------------------------
# A fourth language: a setting, and CLDR gives the rest
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def portuguese(settings):
    settings.LANGUAGES = [*settings.LANGUAGES, ("pt", "Portuguese")]
    yield "pt"


def test_a_fourth_language_gets_countries_currencies_and_formats_from_cldr(client, federation, portuguese):
    cldr = Locale.parse("pt").territories
    page = client.get("/pt/directory/").content.decode()
    assert 'lang="pt"' in page
    shown = _country_options(page)
    assert shown["DE"] == cldr["DE"] == "Alemanha"
    assert shown == {code: cldr[code] for code in shown} and len(shown) == 249
    # The language switcher names it in its own language.
    assert '<option value="pt" lang="pt" selected>Português</option>' in page
    # The API answers in it.
    api = client.get("/api/v1/countries", headers={"accept-language": "pt-BR,pt;q=0.9"})
    assert api["Content-Language"] == "pt"
    assert {c["iso2"]: c["name"] for c in api.json()}["DZ"] == cldr["DZ"] == "Argélia"
    # Currencies and numbers as Portuguese readers write them.
    with translation.override("pt"):
        assert dict(money.currency_choices())["EUR"] == "Euro (EUR)" == f"{get_currency_name('EUR', locale='pt')} (EUR)"
        assert money.format_decimal(22750) == "22.750"
        assert money.format_money(123450, "EUR") == "€\xa01.234,50"
        assert names.language_name("es") == "espanhol"
    # Regions and sectors: CLDR's names, and the English names of the platform's own lists (no catalogue yet).
    regions = client.get("/api/v1/regions", headers={"accept-language": "pt"}).json()
    assert {r["m49"]: r["name"] for r in regions}["150"] == "Europa"
    sectors = client.get("/api/v1/sectors", headers={"accept-language": "pt"}).json()
    assert "Health" in {s["name"] for s in sectors}


def test_a_language_code_cldr_does_not_know_is_refused_at_start():
    from django.core.exceptions import ImproperlyConfigured

    from cicopa.settings import languages

    assert [code for code, _name in languages(["en", "fr", "es", "pt", "de"])] == ["en", "fr", "es", "pt", "de"]
    with pytest.raises(ImproperlyConfigured, match="'xx-zz'"):
        languages(["en", "xx-zz"])
    with pytest.raises(ImproperlyConfigured, match="must include en"):
        languages(["fr", "es"])


# --------------------------------------------------------------------------------------------------
# A country named in a filter, in any language
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["DE", "deu", "Germany", "Allemagne", "Alemania", "Deutschland", "Germania"])
def test_a_filter_takes_a_country_by_its_name_in_any_language(client, federation, alice, written):
    from cicopa.registry import services

    services.organisation_create(actor=alice, data={"name": "Tischlerei eG", "country": Country.objects.get(iso2="DE")})
    r = client.get("/api/v1/organisations", {"country": written})
    assert r.status_code == 200
    assert [o["name"] for o in r.json()["results"]] == ["Tischlerei eG"]


def test_a_filter_naming_no_country_is_still_an_error(client, federation):
    r = client.get("/api/v1/organisations", {"country": "Atlantis"})
    assert r.status_code == 422
    assert "Atlantis" in str(r.json()["detail"])


def test_the_currencies_are_named_in_the_language_asked_for(client, db):
    fr = client.get("/api/v1/currencies", headers={"accept-language": "fr"}).json()
    es = client.get("/api/v1/currencies", headers={"accept-language": "es"}).json()
    assert {c["code"] for c in fr[:8]} == set(money.COMMON_CURRENCIES)  # the most traded first
    assert {c["code"]: c for c in fr}["USD"] == {"code": "USD", "name": "dollar des États-Unis", "digits": 2}
    assert {c["code"]: c for c in es}["JPY"] == {"code": "JPY", "name": "yen japonés", "digits": 0}
    assert {c["code"]: c["name"] for c in es}["EUR"] == "euro"
    assert "FRF" not in {c["code"] for c in fr}  # withdrawn: no new amount is in French francs
    assert len(fr) == len(es) > 100


def test_the_vary_header_names_each_header_once_and_nothing_empty(client, db):
    r = client.get("/api/v1/regions", headers={"accept-language": "fr"})
    names = [name.strip() for name in r["Vary"].split(",")]
    assert "" not in names and "Accept-Language" in names and len(names) == len(set(names))
