"""ISO 3166-2 subdivisions (core/subdivisions.py): names in the reader's language from pycountry's own catalogues,
labels that tell apart what reads alike, and the reader of codes and names that imports use."""

from __future__ import annotations

import gettext

import pycountry
import pytest
from django.utils import translation

from cicopa.core import subdivisions


def catalogue(language: str, name: str) -> str:
    """What pycountry's catalogue of a language gives for a subdivision's name: what the platform must show."""
    return gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[language], fallback=True).gettext(name)


@pytest.mark.parametrize("language", ["en", "fr", "es"])
@pytest.mark.parametrize("code", ["DE-BY", "ES-AN", "FR-ARA", "ES-AL", "GB-ENG", "US-CA"])
def test_names_are_those_of_pycountrys_catalogues(code, language):
    assert subdivisions.name(code, language) == catalogue(language, pycountry.subdivisions.get(code=code).name)


def test_names_in_english_french_and_spanish():
    # As pycountry 26's catalogues give them (checked by the test above against whatever version is installed).
    assert subdivisions.name("DE-BY", "en") == "Bavaria"
    assert subdivisions.name("DE-BY", "fr") == "Bavière"
    assert subdivisions.name("ES-AN", "fr") == "Andalousie"
    assert subdivisions.name("ES-AN", "es") == "Andalucía"
    assert subdivisions.name("FR-ARA", "es") == "Auvergne-Rhône-Alpes"


def test_the_language_is_the_active_one_unless_asked():
    with translation.override("fr"):
        assert subdivisions.name("DE-BY") == "Bavière"
        assert subdivisions.name("DE-BY", "en") == "Bavaria"
    with translation.override("en"):
        assert subdivisions.name("DE-BY") == "Bavaria"


def test_a_language_without_a_catalogue_gets_the_isos_own_name():
    assert subdivisions.name("DE-BY", "xx") == pycountry.subdivisions.get(code="DE-BY").name == "Bayern"


def test_names_as_readers_write_them():
    # the second official language in brackets, shown beside the first; codes in brackets left out
    assert subdivisions.name("ES-CT", "en") == "Catalunya / Cataluña"
    assert subdivisions.name("ES-B", "en") == "Barcelona"  # 'Barcelona [Barcelona]'
    assert subdivisions.name("SE-AB", "en") == "Stockholms län"  # 'Stockholms län [SE-01]'


def test_unknown_and_empty_codes():
    assert subdivisions.name("") == subdivisions.name(None) == ""
    assert subdivisions.name("FR-XXX") == "FR-XXX"  # a code ISO has withdrawn still shows as itself
    assert subdivisions.get("FR-XXX") is None
    assert subdivisions.subdivisions("XX") == subdivisions.subdivisions("") == ()


def test_the_subdivisions_of_a_country_sorted_in_the_readers_language():
    spain = subdivisions.subdivisions("ES", "es")
    codes = [s.code for s in spain]
    assert len(spain) == len([s for s in pycountry.subdivisions if s.country_code == "ES"])
    assert {"ES-AN", "ES-AL", "ES-CT", "ES-M", "ES-MD"} <= set(codes)
    labels = [s.label for s in spain]
    assert labels.index("Álava (País Vasco)") < labels.index("Albacete (Castilla-La Mancha)")  # accents aside
    assert subdivisions.subdivisions("es", "es") == spain  # the code in any case


def test_labels_show_the_parent_and_where_needed_the_type():
    # a province is shown with its autonomous community, in the reader's language
    assert subdivisions.label("ES-AL", "es") == "Almería (Andalucía)"
    assert subdivisions.label("ES-AL", "fr") == f"{catalogue('fr', 'Almería')} ({catalogue('fr', 'Andalucía')})"
    assert subdivisions.label("ES-AN", "es") == "Andalucía"  # a community has no parent
    # the community and the province of Cantabria read alike: their types tell them apart
    assert subdivisions.label("ES-CB", "en") == "Cantabria (autonomous community)"
    assert subdivisions.label("ES-S", "en") == "Cantabria (province)"
    assert subdivisions.label("BD-13", "en") == "Dhaka (district)"
    assert subdivisions.label("BD-C", "en") == "Dhaka (division)"
    # no two of a country read the same, in any of the platform's languages
    for country in {s.country_code for s in pycountry.subdivisions}:
        for language in ("en", "fr", "es"):
            labels = [s.label.casefold() for s in subdivisions.subdivisions(country, language)]
            assert len(labels) == len(set(labels)), (country, language)


def test_validity_per_country():
    assert subdivisions.is_valid("FR-ARA", "FR")
    assert subdivisions.is_valid("fr-ara", "fr")
    assert not subdivisions.is_valid("FR-ARA", "ES")
    assert not subdivisions.is_valid("FR-XXX", "FR")
    assert not subdivisions.is_valid("", "FR")
    assert not subdivisions.is_valid("FR-ARA", None)
    assert subdivisions.country_of("ES-AL") == "ES"
    assert subdivisions.country_of("XX-YY") is None
    assert max(len(code) for code in subdivisions.codes()) == subdivisions.MAX_LENGTH


@pytest.mark.parametrize(
    ("written", "country", "code"),
    [
        ("FR-ARA", "FR", "FR-ARA"),
        ("fr-ara", "FR", "FR-ARA"),
        (" ARA ", "FR", "FR-ARA"),  # the code without its country, given the country
        ("Auvergne-Rhône-Alpes", "FR", "FR-ARA"),
        ("auvergne rhone alpes", "FR", "FR-ARA"),  # case, accents and punctuation aside
        ("Bayern", "DE", "DE-BY"),  # its own name
        ("Bavaria", "DE", "DE-BY"),  # in English
        ("Bavière", "DE", "DE-BY"),  # in French
        ("Andalousie", "ES", "ES-AN"),
        ("Cataluña", "ES", "ES-CT"),  # the bracketed name alone
        ("Comunidad de Madrid", "ES", "ES-MD"),  # ISO's 'Madrid, Comunidad de' turned round
        ("Madrid", "ES", "ES-M"),  # the province
        ("Almería (Andalucía)", "ES", "ES-AL"),  # as the platform labels it
        ("California", "US", "US-CA"),
        ("ca", "US", "US-CA"),
    ],
)
def test_the_reader_recognises_codes_and_names(written, country, code):
    assert subdivisions.recognise(written, country) == (code,)
    assert subdivisions.read(written, country) == code


def test_the_reader_says_what_it_cannot_tell():
    assert subdivisions.recognise("Cantabria", "ES") == ("ES-CB", "ES-S")  # two of that name
    assert subdivisions.read("Cantabria", "ES") is None
    assert subdivisions.recognise("FR-ARA", "ES") == ()  # another country's
    assert subdivisions.recognise("Bavaria", "FR") == ()
    assert subdivisions.recognise("", "FR") == subdivisions.recognise("Lyon", "FR") == ()
    assert subdivisions.recognise("FR-ARA", None) == ()
