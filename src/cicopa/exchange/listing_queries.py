"""Reads of the listing pages: the directory of offers and needs (a plain filter of the listings a user may see,
until the exchange's own full-text search takes over: see `search_listings`), one listing with what its page
shows, an organisation's listings, and the reference lists the filters and the form offer."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from cicopa.core.i18n import by_name
from cicopa.core.text import words
from cicopa.exchange import permissions
from cicopa.exchange.models import Category, CategoryLevel, Listing, ListingStatus, ListingTranslation, Unit
from cicopa.registry.models import Organisation

PAGE_SIZE = 20
SORTS = ("newest", "ending", "title")


@dataclass(frozen=True)
class ListingFilters:
    """What the directory of listings is narrowed to. Codes as the address carries them; empty: no filter."""

    direction: str = ""
    kind: str = ""
    category: str = ""  # a CPC section (one digit: it and its divisions) or division (two digits)
    sector: str = ""
    country: str = ""
    region: str = ""  # a UN M49 region, sub-region or intermediate region
    scope: str = ""
    organisation: str = ""  # a publisher's slug (the "offers and needs" of a profile lead here)

    @property
    def any(self) -> bool:
        return any(getattr(self, name) for name in self.__dataclass_fields__)


@dataclass
class ListingPage:
    items: list[Listing]
    total: int
    page: int
    page_size: int = PAGE_SIZE
    facets: dict[str, Any] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))

    @property
    def start(self) -> int:
        return (self.page - 1) * self.page_size + 1 if self.items else 0

    @property
    def end(self) -> int:
        return self.start + len(self.items) - 1 if self.items else 0

    @property
    def past_the_end(self) -> bool:
        return self.page > 1 and not self.items and self.total > 0


def with_card_relations(qs: QuerySet[Listing]) -> QuerySet[Listing]:
    """What a listing's card shows, in a constant number of queries however many cards."""
    return qs.select_related("organisation", "country", "category", "unit").prefetch_related(
        Prefetch("translations", queryset=ListingTranslation.objects.order_by("language"))
    )


def open_listings() -> Q:
    """Published and still valid (a listing past its end waits for the nightly expiry, but is no longer offered)."""
    return Q(status=ListingStatus.PUBLISHED) & (Q(valid_until__isnull=True) | Q(valid_until__gte=timezone.localdate()))


def search_listings(user: Any, *, q: str, filters: ListingFilters, page: int, sort: str) -> ListingPage:
    """The open listings `user` may see that match the words of `q` (in any language the listing has) and the
    filters, one page of them. A plain filter: the exchange's full-text search will replace it."""
    qs = permissions.visible_listings(user).filter(open_listings())
    for word in words(q)[:10]:
        qs = qs.filter(Q(search_title__contains=word) | Q(search_body__contains=word))
    if filters.direction:
        qs = qs.filter(direction=filters.direction)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.category:
        qs = qs.filter(Q(category_id=filters.category) | Q(category__parent_id=filters.category))
    if filters.sector:
        qs = qs.filter(sector_id=filters.sector)
    if filters.country:
        qs = qs.filter(country_id=filters.country)
    if filters.region:
        qs = qs.filter(
            Q(country__region_id=filters.region)
            | Q(country__subregion_id=filters.region)
            | Q(country__intermediate_region_id=filters.region)
        )
    if filters.scope:
        qs = qs.filter(scope=filters.scope)
    if filters.organisation:
        qs = qs.filter(organisation__slug=filters.organisation)
    order: tuple[Any, ...] = {
        "ending": (F("valid_until").asc(nulls_last=True), "-published_at", "-id"),  # open-ended ones last
        "title": ("title", "-id"),
    }.get(sort, ("-published_at", "-id"))
    total = qs.count()
    start = (page - 1) * PAGE_SIZE
    items = list(with_card_relations(qs.order_by(*order))[start : start + PAGE_SIZE]) if start < total else []
    return ListingPage(items=items, total=total, page=page)


def listing_for_page(pk: int) -> Listing:
    """A listing with everything its page shows (raises Listing.DoesNotExist)."""
    return (
        Listing.objects.select_related(
            "organisation", "organisation__country", "country", "country__subregion", "category", "category__parent"
        )
        .select_related("unit", "sector")
        .prefetch_related(
            Prefetch("translations", queryset=ListingTranslation.objects.order_by("language")),
            "organisation__sectors",
        )
        .get(pk=pk)
    )


def listings_of(organisation_ids: Iterable[int]) -> QuerySet[Listing]:
    """Every listing of these organisations, whatever its status, most recently changed first ("our listings")."""
    return with_card_relations(Listing.objects.filter(organisation_id__in=list(organisation_ids))).order_by(
        "-updated_at", "-id"
    )


def status_counts(organisation_ids: Iterable[int]) -> dict[str, int]:
    rows = (
        Listing.objects.filter(organisation_id__in=list(organisation_ids))
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["status"]: row["n"] for row in rows}


def open_listings_of(organisation: Organisation, limit: int = 10) -> tuple[list[Listing], int]:
    """An organisation's open listings (its profile's "offers and needs"), newest first, and how many there are."""
    qs = Listing.objects.filter(open_listings(), organisation=organisation)
    listings = list(with_card_relations(qs.order_by("-published_at", "-id"))[:limit])
    total = len(listings) if len(listings) < limit else qs.count()
    return listings, total


# ---------------------------------------------------------------------------------------------------------------
# Reference lists


@dataclass(frozen=True)
class CategoryGroup:
    """A CPC section and its divisions, as an <optgroup> offers them."""

    section: Category
    divisions: list[Category]


def category_groups() -> list[CategoryGroup]:
    """The ten CPC sections, each with its divisions, in code order (one query)."""
    sections: dict[str, CategoryGroup] = {}
    rows = list(Category.objects.order_by("code"))
    for c in rows:
        if c.level == CategoryLevel.SECTION:
            sections[c.code] = CategoryGroup(c, [])
    for c in rows:
        if c.level == CategoryLevel.DIVISION and c.parent_id in sections:
            sections[c.parent_id].divisions.append(c)
    return list(sections.values())


def categories_by_code() -> dict[str, Category]:
    return {c.code: c for c in Category.objects.all()}


def units() -> list[Unit]:
    return list(Unit.objects.all())


def trading_organisations(user: Any) -> list[Organisation]:
    """The organisations `user` acts for in trade, by name in the reader's order."""
    return by_name(permissions.trading_organisations(user).select_related("country"))
