"""Matches as pages, the API and notifications read them: for a listing, the open listings of the other
direction that fit it best (matching.py scores them). The database narrows the field to the listings that can
match at all (the other direction, published, the same CPC section, still valid) and, of those, to a bounded
number in the order that the score's largest parts favour; the score then ranks those."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, IntegerField, Prefetch, Q, Value, When
from django.utils import timezone

from cicopa.exchange import matching
from cicopa.exchange.models import Category, Direction, Listing, ListingStatus, ListingTranslation

# How many candidates the score looks at, at most, for one listing.
CANDIDATES = 400


def section_codes(section: str) -> list[str]:
    """The codes of a CPC section: the section itself and its divisions."""
    return [section, *Category.objects.filter(parent_id=section).values_list("code", flat=True)]


@dataclass(frozen=True)
class Match:
    listing: Listing
    score: matching.Score


def side(listing: Listing) -> matching.Side:
    texts = [listing.title, listing.description]
    for tr in listing.translations.all():
        texts += [tr.title, tr.description]
    return matching.Side(
        id=listing.pk,
        organisation_id=listing.organisation_id,
        category=listing.category_id,
        country=listing.country_id,
        subregion=listing.country.subregion_id if listing.country_id else None,
        city=listing.city,
        scope=listing.scope,
        valid_from=listing.valid_from,
        valid_until=listing.valid_until,
        quantity=listing.quantity,
        unit=listing.unit_id,
        texts=tuple(t for t in texts if t),
    )


def candidates(listing: Listing, limit: int = CANDIDATES) -> list[Listing]:
    today = timezone.localdate()
    other = Direction.NEED if listing.direction == Direction.OFFER else Direction.OFFER
    section = listing.category_id[:1]
    qs = (
        Listing.objects.filter(status=ListingStatus.PUBLISHED, direction=other, category_id__in=section_codes(section))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .exclude(organisation_id=listing.organisation_id)
        .annotate(
            same_division=Case(
                When(category_id=listing.category_id, then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
            same_country=Case(
                When(country_id=listing.country_id, then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
        )
        .order_by("-same_division", "-same_country", "-id")
        .select_related("organisation", "country", "category", "unit")
        .prefetch_related(Prefetch("translations", queryset=ListingTranslation.objects.all()))
    )
    return list(qs[:limit])


def matches_for(listing: Listing, *, limit: int = 20, notify: bool = False, minimum: float = 0) -> list[Match]:
    """The best matches of `listing` among open listings of the other direction, best first. With `notify`,
    only those worth telling their publisher about (same division, or words in common)."""
    if listing.status != ListingStatus.PUBLISHED and notify:
        return []
    found = candidates(listing)
    by_id = {c.pk: c for c in found}
    ranked = matching.rank(
        side(listing), [side(c) for c in found], base_is_need=listing.direction == Direction.NEED, limit=limit
    )
    out = []
    for other, s in ranked:
        if s.total < minimum:
            continue
        if notify and not (s.parts.get("category") == matching.CATEGORY_DIVISION or s.parts.get("text")):
            continue
        out.append(Match(by_id[other.id], s))
    return out


def matches_of_organisation(organisation_ids: Any, *, per_listing: int = 5) -> list[tuple[Listing, list[Match]]]:
    """For each open listing of these organisations, its best matches (the "matches" page)."""
    own = (
        Listing.objects.filter(organisation_id__in=organisation_ids, status=ListingStatus.PUBLISHED)
        .select_related("organisation", "country", "category", "unit")
        .prefetch_related("translations")
        .order_by("-published_at", "-id")[:50]
    )
    return [(listing, matches_for(listing, limit=per_listing)) for listing in own]
