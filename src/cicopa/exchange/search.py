"""The listings' full-text index: its columns, and the index itself (`INDEX`, see core.fulltext).

The columns: the folded title and description in every language the listing has (so a search in French finds
a Spanish listing through its French translation), the town last in the body, and its filter values as index
terms (see registry.models.search_tag), so that filters intersect inside the index: direction, kind, status,
delivery scope, language, the CPC section and division, the country, every UN M49 region the country lies in,
and the sector. Schema: migration 0003 (SQLite FTS5 with triggers; PostgreSQL tsvector columns with GIN).

A term that nearly every listing has (published, offer, goods...) costs an index walk over a million entries when
it is intersected with a rare one (measured: 1 ms for a word and a country, 17 ms with "offer" added), so reads
keep such terms out of the index's query where they can (exchange/queries.py). For matching, a published listing
also carries match terms (`match_tags`) that join what a match needs at once: its direction, its category, and
where it delivers, one term each; they are as rare as a category in a country."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from cicopa.core.fulltext import FullTextIndex
from cicopa.core.models import Country
from cicopa.core.text import search_text, words
from cicopa.exchange.models import Listing, ListingStatus, Scope
from cicopa.registry.models import search_tag

INDEX = FullTextIndex("exchange_listing")

# Tag prefixes, by filter; MATCH: the match terms; TOWN: the town (for local matches).
DIRECTION, KIND, STATUS, SCOPE, LANGUAGE, CATEGORY, COUNTRY, REGION, SECTOR, MATCH, TOWN = "dktolpcrsmv"


def category_tags(category: str) -> list[str]:
    """A division is tagged with its section too, so that filtering by a section finds its divisions."""
    if not category:
        return []
    return (
        [search_tag(CATEGORY, category[:1]), search_tag(CATEGORY, category)]
        if len(category) > 1
        else [search_tag(CATEGORY, category)]
    )


def country_regions(listing: Listing) -> tuple[str, str, str]:
    """The UN M49 region, sub-region and intermediate region of the listing's country, "" where it has none (from
    the country the listing holds, else one query)."""
    if not listing.country_id:
        return ("", "", "")
    if Listing.country.is_cached(listing):  # type: ignore[attr-defined]
        country = listing.country
        codes: Sequence[str | None] = (country.region_id, country.subregion_id, country.intermediate_region_id)
    else:
        codes = (
            Country.objects.filter(iso2=listing.country_id)
            .values_list("region_id", "subregion_id", "intermediate_region_id")
            .first()
        ) or ("", "", "")
    region, subregion, intermediate = (code or "" for code in codes)
    return region, subregion, intermediate


def listing_tags(listing: Listing, regions: Sequence[str] | None = None) -> list[str]:
    """The listing's index terms. `regions`: its country's (region, sub-region, intermediate region), as
    country_regions gives them, where a bulk writer has them at hand."""
    regions = country_regions(listing) if regions is None else regions
    tags = [
        search_tag(DIRECTION, listing.direction),
        search_tag(KIND, listing.kind),
        search_tag(STATUS, listing.status),
        search_tag(SCOPE, listing.scope),
        search_tag(LANGUAGE, listing.language),
        *category_tags(listing.category_id or ""),
    ]
    if listing.country_id:
        tags.append(search_tag(COUNTRY, listing.country_id))
        tags += [search_tag(REGION, m49) for m49 in regions if m49]
    if listing.sector_id:
        tags.append(search_tag(SECTOR, listing.sector_id))
    tags.append(town_tag(listing.city))
    return sorted({*tags, *match_tags(listing, regions[1] if len(regions) > 1 else "")})


def town_tag(city: str) -> str:
    """The town as one term ('qqvsaintetienne'), or 'qqv' where none is given. Towns whose names fold alike share
    it, as do towns written without a Latin letter or digit and listings without a town: a local match is looked
    for among those, and the score tells them apart."""
    return search_tag(TOWN, " ".join(words(city)) if city else "")


def match_tag(direction: str, category: str, where: str) -> str:
    """A match term: 'qqmoffer31cfr' (offers of division 31 in France), 'qqmoffer31r155' (those that deliver to
    Western Europe, from there), 'qqmoffer31w' (those that deliver anywhere)."""
    return search_tag(MATCH, f"{direction}{category}{where}")


def in_country(iso: str) -> str:
    return f"c{iso}"


def in_subregion(m49: str) -> str:
    return f"r{m49}"


ANYWHERE = "w"


def match_tags(listing: Listing, subregion: str) -> list[str]:
    """The terms by which a published listing is found as a match, for its division and for its section: with its
    direction, its country; if it delivers to its sub-region (regional or international scope), the sub-region;
    if anywhere (international), a term of its own. Each is about as rare as a category in a country, so that a
    tier of candidates (match_queries) is one term, where an intersection with a common term would walk it
    whole. Other listings have none."""
    if listing.status != ListingStatus.PUBLISHED or not listing.category_id or not listing.country_id:
        return []
    places = [in_country(listing.country_id)]
    if listing.scope in (Scope.REGIONAL, Scope.INTERNATIONAL) and subregion:
        places.append(in_subregion(subregion))
    if listing.scope == Scope.INTERNATIONAL:
        places.append(ANYWHERE)
    codes = sorted({listing.category_id, listing.category_id[:1]})
    return [match_tag(listing.direction, code, place) for code in codes for place in places]


def fill_columns(
    listing: Listing, translations: Mapping[str, Any] | None, *, regions: Sequence[str] | None = None
) -> None:
    """Set the index columns of `listing` from its fields and `translations` ({language: {title, description}};
    None: the translations it has in the database). `regions`: its country's (region, sub-region, intermediate
    region), where a bulk writer has them at hand (else they are read)."""
    if translations is None:
        texts = [(t.title, t.description) for t in listing.translations.all()] if listing.pk else []
    else:
        texts = [
            (str((t or {}).get("title") or ""), str((t or {}).get("description") or ""))
            for lang, t in translations.items()
            if lang != listing.language
        ]
    listing.search_title = search_text(listing.title, *(title for title, _d in texts))[:2_000]
    listing.search_body = search_text(listing.description, *(d for _t, d in texts), listing.city)[:40_000]
    listing.search_tags = " ".join(listing_tags(listing, regions))


@functools.lru_cache(maxsize=8192)
def _town(city: str) -> str:
    return search_text(city)


def body_without_town(search_body: str, city: str) -> str:
    """The descriptions' words of an indexed body: the town's words, which fill_columns puts last, taken off."""
    town = _town(city) if city else ""
    if town and (search_body == town or search_body.endswith(" " + town)):
        return search_body[: len(search_body) - len(town)].rstrip()
    return search_body
