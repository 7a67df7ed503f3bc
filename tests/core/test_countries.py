"""Countries read as people write them: ISO codes, names in any language CLDR knows, former and common names."""

from __future__ import annotations

import pytest

from cicopa.core.countries import CountryReader
from cicopa.core.models import Country


@pytest.fixture
def reader(db):
    return CountryReader(dict(Country.objects.values_list("iso2", "iso3")))


@pytest.mark.parametrize(
    ("written", "code"),
    [
        # ISO 3166-1 alpha-2 and alpha-3, in any case
        ("FR", "FR"),
        ("fr", "FR"),
        ("FRA", "FR"),
        ("gbr", "GB"),
        # names in English, French, Spanish and Portuguese, as CLDR and the platform write them
        ("France", "FR"),
        ("Royaume-Uni", "GB"),
        ("Reino Unido", "GB"),
        ("Espanha", "ES"),
        ("Brasil", "BR"),
        ("Cameroun", "CM"),
        ("République démocratique du Congo", "CD"),
        ("Estados Unidos", "US"),
        # any other language CLDR knows: German, Italian, Dutch, Polish, Greek, Russian, Japanese
        ("Deutschland", "DE"),
        ("Vereinigte Staaten", "US"),
        ("Germania", "DE"),
        ("Svizzera", "CH"),
        ("Nederland", "NL"),
        ("Polska", "PL"),
        ("Ελλάδα", "GR"),
        ("Россия", "RU"),
        ("日本", "JP"),
        # former and common names
        ("UK", "GB"),
        ("Great Britain", "GB"),
        ("Swaziland", "SZ"),
        ("Turkey", "TR"),
        ("Türkiye", "TR"),
        ("Iran", "IR"),
        ("Democratic Republic of Congo", "CD"),
        ("Ivory Coast", "CI"),
        ("Holland", "NL"),
        ("Burma", "MM"),
        ("Czech Republic", "CZ"),
        ("Macedonia", "MK"),
        ("Zaire", "CD"),
        # official names, case, accents and punctuation aside
        ("Republic of Kenya", "KE"),
        ("Federal Republic of Germany", "DE"),
        ("Reino de España", "ES"),
        ("united kingdom of great britain and northern ireland", "GB"),
        ("CÔTE D\u2019IVOIRE", "CI"),
        ("cote d'ivoire", "CI"),
        ("Bosnia & Herzegovina", "BA"),
        ("St Lucia", "LC"),
        ("  Germany ", "DE"),
    ],
)
def test_countries_are_read_from_codes_and_names(reader, written, code):
    assert reader.read(written) == code


@pytest.mark.parametrize(
    ("written", "suggested"),
    [
        ("Rawanda", "RW"),
        ("Frnace", "FR"),
        ("Germny", "DE"),
        ("Phillipines", "PH"),
        ("Venezeula", "VE"),
        ("Atlantis", None),
    ],
)
def test_an_unknown_name_is_not_guessed_but_the_closest_country_is_suggested(reader, written, suggested):
    assert reader.read(written) is None
    assert reader.suggest(written) == suggested


def test_codes_not_of_a_country_are_not_read(reader):
    assert reader.read("EU") is None and reader.read("XX") is None and reader.read("") is None
    assert reader.read("World") is None  # a CLDR region, not a country
