"""Reads of the exchange's listings that the pages and the API share: the listings directory (full-text search,
filters, facet counts, paging), an organisation's listings and one listing's page.

Visibility is `permissions.visible_listings`: published listings for everyone, the others to the publisher's
people, everything to the secretariat. Published listings are read through the full-text index (exchange/search.py,
core/fulltext.py), words and filters together, so a search of a million listings stays bounded as the registry's
directory does (see docs/performance.md): relevance ranks at most RANK_WINDOW candidates, the newest that match,
with BM25 (registry.ranking; a word of a title counts ten times a word of a description); totals are
counted up to CICOPA_SEARCH_COUNT_LIMIT. A publisher's own listings that are not published (drafts, paused,
closed, expired: a few per organisation) are matched apart, on the same index columns, and merged in; they never
slow the public path.

Every listing these functions return comes with its organisation, category, country, sector and unit, and its
translations prefetched: `listing.text_in(language)` costs no query.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from itertools import chain
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.utils.translation import gettext as _

from cicopa.core import params as query_params
from cicopa.core import queries as core_queries
from cicopa.core.fulltext import TextQuery
from cicopa.core.i18n import CONTENT_LANGUAGES
from cicopa.core.models import Country, Sector
from cicopa.core.roles import is_secretariat
from cicopa.exchange import permissions, search
from cicopa.exchange.models import (
    Category,
    CategoryLevel,
    Direction,
    Listing,
    ListingKind,
    ListingStatus,
    ListingTranslation,
    Scope,
)
from cicopa.registry import ranking
from cicopa.registry.models import Organisation, search_tag

SORTS = ("relevance", "newest")
# Relevance ranks the newest this many listings that match (or CICOPA_SEARCH_RANK_LIMIT, if lower): a marketplace
# reads its newest offers and needs first, and reading the words of a thousand candidates instead of two keeps a
# search of a million listings within 1.5x of the bare full-text query (docs/performance.md).
RANK_WINDOW = 1000
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
LIST_FILTERS = ("direction", "kind", "category", "sector", "country", "scope", "language", "status")
# Filters on values that a large share of listings have: checked on the listing's row, after the index has
# narrowed the field by words and the other filters (see exchange/search.py on why), or, when nothing else is
# asked, read from the index alone (which stops at the first results it needs).
COMMON = ("direction", "kind", "scope", "language")
RARE = ("category", "sector", "country", "region")
NOT_PUBLISHED = tuple(s for s in ListingStatus.values if s != ListingStatus.PUBLISHED)
FACETS = ("direction", "kind", "section", "country", "scope")
# The index tag prefix of each filter, and the filter a facet counts.
_PREFIX = {
    "direction": search.DIRECTION,
    "kind": search.KIND,
    "category": search.CATEGORY,
    "sector": search.SECTOR,
    "country": search.COUNTRY,
    "scope": search.SCOPE,
    "language": search.LANGUAGE,
    "status": search.STATUS,
}
_FACET_FILTER = {
    "direction": "direction",
    "kind": "kind",
    "section": "category",
    "country": "country",
    "scope": "scope",
}


@dataclass(frozen=True)
class ListingFilters:
    """What the listings directory is filtered by. Within a filter any value; across filters all."""

    direction: tuple[str, ...] = ()  # offer, need
    kind: tuple[str, ...] = ()  # goods, services, technical_assistance, know_how
    category: tuple[str, ...] = ()  # UN CPC codes; a section (one digit) includes its divisions
    sector: tuple[str, ...] = ()
    country: tuple[str, ...] = ()  # ISO 3166-1 alpha-2
    region: str = ""  # a UN M49 region, sub-region or intermediate region: every country in it
    scope: tuple[str, ...] = ()  # delivery scope: local, national, regional, international
    language: tuple[str, ...] = ()  # the language written in: en, fr, es
    status: tuple[str, ...] = ()  # none: every status the reader may see (the public sees only published ones)

    def tag_groups(self, names: Iterable[str] = (*LIST_FILTERS, "region")) -> list[list[str]]:
        """The filters among `names` in use, as groups of index terms (every group must match, within a group
        any term). The status is left to the caller."""
        groups = [
            [search_tag(_PREFIX[name], value) for value in values]
            for name in names
            if name not in ("status", "region") and (values := getattr(self, name))
        ]
        if self.region and "region" in names:
            groups.append([search_tag(search.REGION, self.region)])
        return groups

    def common_values(self) -> dict[str, tuple[str, ...]]:
        """The filters in use on values that many listings share (COMMON), by field."""
        return {name: values for name in COMMON if (values := getattr(self, name))}

    def without(self, name: str) -> ListingFilters:
        cleared: Any = "" if name == "region" else ()
        return replace(self, **{name: cleared})


@dataclass(frozen=True)
class ListingSearch:
    """A search as read from query parameters (parse_search): pass as_kwargs() to search_listings."""

    q: str = ""
    filters: ListingFilters = field(default_factory=ListingFilters)
    page: int = 1
    sort: str = ""
    page_size: int = DEFAULT_PAGE_SIZE

    def as_kwargs(self) -> dict[str, Any]:
        return {"q": self.q, "filters": self.filters, "page": self.page, "sort": self.sort, "page_size": self.page_size}


def _known() -> dict[str, set[str]]:
    return {
        "direction": set(Direction.values),
        "kind": set(ListingKind.values),
        "category": set(Category.objects.values_list("code", flat=True)),
        "sector": set(Sector.objects.values_list("code", flat=True)),
        "country": set(Country.objects.values_list("iso2", flat=True)),
        "scope": set(Scope.values),
        "language": set(CONTENT_LANGUAGES),
        "status": set(ListingStatus.values),
    }


def _label(name: str) -> Any:
    """How a filter is named to the reader: as the listing's field is."""
    return Listing._meta.get_field(name).verbose_name  # type: ignore[union-attr]


def parse_filters(params: Mapping[str, Any], errors: dict[str, str] | None = None) -> ListingFilters:
    """Filters from query parameters (repeated or comma-separated values); raises ValidationError naming each
    bad parameter and value, unless `errors` is given to collect them."""
    collect = {} if errors is None else errors
    known = _known()
    data: dict[str, Any] = {
        name: query_params.codes(
            params,
            name,
            known[name],
            collect,
            label=_label(name),
            upper=name == "country",
            read=core_queries.read_country if name == "country" else None,
        )
        for name in LIST_FILTERS
    }
    data["region"] = query_params.region(params, collect)
    if errors is None and collect:
        raise ValidationError(collect)
    return ListingFilters(**data)


def parse_search(params: Mapping[str, Any]) -> ListingSearch:
    """q, filters, page, sort and page_size from query parameters; raises ValidationError naming every bad one."""
    errors: dict[str, str] = {}
    filters = parse_filters(params, errors)
    sort = query_params.one(params, "sort")
    if sort and sort not in SORTS:
        errors["sort"] = _("sort must be one of %(choices)s, not %(v)s") % {"choices": ", ".join(SORTS), "v": sort}
    numbers = {}
    for key, default, top in (("page", 1, 10**6), ("page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)):
        raw = query_params.one(params, key)
        try:
            value = int(raw) if raw else default
            if not 1 <= value <= top:
                raise ValueError
        except ValueError:
            errors[key] = _("%(param)s must be a whole number from 1 to %(top)s, not %(v)s") % {
                "param": key,
                "top": top,
                "v": raw,
            }
            value = default
        numbers[key] = value
    if errors:
        raise ValidationError(errors)
    q = (query_params.one(params, "q") or "")[:200]
    return ListingSearch(q, filters, numbers["page"], sort, numbers["page_size"])


def with_relations(qs: QuerySet[Listing]) -> QuerySet[Listing]:
    """What a listing shows wherever it is listed: its organisation, category, country, sector, unit and
    translations."""
    return qs.select_related("organisation", "category", "country", "sector", "unit").prefetch_related(
        Prefetch("translations", queryset=ListingTranslation.objects.order_by("language"))
    )


@dataclass
class ListingFacets:
    groups: dict[str, list[tuple[str, str, int]]]  # facet -> (value, label, count), largest first
    approximate: bool  # the results were too many to count in full: counts are over the first `sample`
    sample: int


@dataclass
class ListingPage:
    q: str
    filters: ListingFilters
    sort: str  # the sort applied: relevance (with words) or newest
    page: int
    page_size: int
    items: list[Listing]
    total: int
    total_is_capped: bool = False  # more results than were counted: `total` is then a lower bound
    ranked_limit: int | None = None  # relevance ranks only the first this many (the newest that match)
    beyond_ranking: bool = False  # the page asked for lies beyond them
    facets: ListingFacets | None = None

    @property
    def pages(self) -> int:
        reachable = self.total if self.ranked_limit is None else min(self.total, self.ranked_limit)
        return max(1, math.ceil(reachable / self.page_size))

    @property
    def past_the_end(self) -> bool:
        return bool(self.total) and not self.items and self.page > self.pages

    @property
    def start(self) -> int:
        return (self.page - 1) * self.page_size + 1 if self.items else 0

    @property
    def end(self) -> int:
        return self.start + len(self.items) - 1 if self.items else 0


@dataclass(frozen=True)
class _Reader:
    """Which listings a user reads besides the published ones: everything (the secretariat), or the unpublished
    listings of the organisations they act for."""

    everything: bool
    own: frozenset[int]


def _reader(user: Any) -> _Reader:
    if is_secretariat(user):
        return _Reader(True, frozenset())
    return _Reader(False, frozenset(permissions.trading_organisation_ids(user)))


def hidden_statuses() -> list[str]:
    """The index terms of every status but published: what the public's reads leave out."""
    return [search_tag(search.STATUS, s) for s in NOT_PUBLISHED]


@dataclass(frozen=True)
class _IndexRead:
    """How the index path reads (see _index_read): the rows of `rows` that the index finds for `text`, one tag of
    each group of `tags` and none of `without`; with no words and no tags, `rows` alone. `rows_checked`: whether
    `rows` holds conditions of its own that the index does not check (common filters, statuses)."""

    rows: QuerySet[Listing]
    text: TextQuery
    tags: list[list[str]]
    without: list[str]
    rows_checked: bool

    def queryset(self) -> QuerySet[Listing]:
        """The rows, newest first."""
        if not self.text and not self.tags:
            return self.rows.order_by("-id")
        return search.INDEX.with_index(self.rows, self.text, self.tags, without=self.without, newest_first=True)

    def candidates(self, limit: int) -> list[tuple[int, str, str]]:
        """(id, search_title, search_body) of the newest `limit` rows, to rank: by one plain statement where the
        index decides alone (SQLite), else through the ORM."""
        found = None
        if not self.rows_checked and (self.text or self.tags):
            # Published listings only: checked on the few rows read rather than by the index's NOT of every
            # other status, whose entries (a tenth of the table) it would read for each search.
            published = self.without == hidden_statuses()
            found = search.INDEX.newest(
                self.text,
                self.tags,
                without=() if published else self.without,
                where=("t.status = %s", [ListingStatus.PUBLISHED]) if published else None,
                limit=limit,
            )
        if found is None:
            found = list(self.queryset().values_list("id", "search_title", "search_body")[:limit])
        return found

    def bounded_count(self) -> tuple[int, bool]:
        """How many rows there are, counted up to CICOPA_SEARCH_COUNT_LIMIT (and whether there are more): in the
        index alone where it decides (SQLite), which spares reading a row of the table for each hit."""
        limit = settings.CICOPA_SEARCH_COUNT_LIMIT
        found = None
        if not self.rows_checked and (self.text or self.tags):
            found = search.INDEX.count(self.text, self.tags, without=self.without, limit=limit + 1)
        if found is None:
            found = self.queryset().order_by().values("id")[: limit + 1].count()
        return min(found, limit), found > limit


def _index_read(reader: _Reader, text: TextQuery, filters: ListingFilters) -> _IndexRead:
    """The listings of the index path: published ones (everything, for the secretariat) matching words and
    filters. None at all when the status filter leaves nothing of it.

    The words and the rarer filters (category, sector, country, region) go to the index; the common ones
    (COMMON) and the secretariat's status filter are checked on the rows it yields. Published listings are those
    without a term of another status (a NOT that costs nothing while they are few, where an AND with the term of
    nearly every listing would walk it whole). With neither words nor rarer filters, the common filters are read
    from the index, which stops at the first results it needs; with no filter at all, the table is read."""
    rare = filters.tag_groups(RARE)
    common = filters.common_values()
    hidden: list[str] = []
    statuses: tuple[str, ...] = ()
    if reader.everything:
        statuses = filters.status
    elif filters.status and ListingStatus.PUBLISHED not in filters.status:
        return _IndexRead(Listing.objects.none(), TextQuery(()), [], [], rows_checked=True)
    else:
        hidden = hidden_statuses()
    if text or rare:
        qs = Listing.objects.filter(**{f"{name}__in": values for name, values in common.items()})
        if statuses:
            qs = qs.filter(status__in=statuses)
        return _IndexRead(qs, text, rare, hidden, rows_checked=bool(common or statuses))
    groups = filters.tag_groups(COMMON)
    if statuses:
        groups.append([search_tag(search.STATUS, s) for s in statuses])
    if groups:
        return _IndexRead(Listing.objects.all(), text, groups, hidden, rows_checked=False)
    qs = Listing.objects.all() if reader.everything else Listing.objects.filter(status=ListingStatus.PUBLISHED)
    return _IndexRead(qs, text, [], [], rows_checked=True)


def _own_unpublished(reader: _Reader, text: TextQuery, filters: ListingFilters) -> list[tuple[int, str, str, str]]:
    """(id, search_title, search_body, search_tags) of the reader's own listings that are not published and
    match, newest first: matched here on the index columns, by the index's rules (each word a prefix of a word of
    the title or body; from each group of filters one tag)."""
    if reader.everything or not reader.own:
        return []
    statuses = [s for s in (filters.status or ListingStatus.values) if s != ListingStatus.PUBLISHED]
    if not statuses:
        return []
    rows = (
        Listing.objects.filter(organisation_id__in=reader.own, status__in=statuses)
        .order_by("-id")
        .values_list("id", "search_title", "search_body", "search_tags")
    )
    groups = [set(group) for group in filters.tag_groups()]
    out = []
    for row in rows:
        tags = set(row[3].split())
        if any(not (group & tags) for group in groups):
            continue
        if text:
            tokens = (row[1] + " " + row[2]).replace("_", " ").split()
            if not all(any(token.startswith(term) for token in tokens) for term in text.terms):
                continue
        out.append(row)
    return out


def _rows(ids: list[int]) -> list[Listing]:
    if not ids:
        return []
    by_id = {o.pk: o for o in with_relations(Listing.objects.filter(pk__in=ids))}
    return [by_id[i] for i in ids if i in by_id]


def search_listings(
    user: Any,
    *,
    q: str = "",
    filters: ListingFilters | Mapping[str, Any] | None = None,
    page: int = 1,
    sort: str = "",
    page_size: int = DEFAULT_PAGE_SIZE,
    facets: bool = False,
) -> ListingPage:
    """One page of the listings `user` may see that match the words `q` and `filters` (a ListingFilters, or
    query parameters to parse: ValidationError if they are wrong), sorted by relevance (the default with words)
    or newest first (the default without), with the total; with `facets`, the facet counts too.

    Queries, whatever the page size: for the public, (candidates,) count (unless the candidates were all the
    hits), rows, translations; for a signed-in user, one or two more for the organisations they act for and one
    for their unpublished listings."""
    if filters is None:
        filters = ListingFilters()
    elif not isinstance(filters, ListingFilters):
        filters = parse_filters(filters)
    page = max(1, page)
    page_size = min(max(1, page_size), MAX_PAGE_SIZE)
    text = TextQuery.parse(q)
    sort = sort if sort in SORTS and (sort != "relevance" or text) else ("relevance" if text else "newest")
    reader = _reader(user)
    own = _own_unpublished(reader, text, filters)
    offset = (page - 1) * page_size
    result = ListingPage(q, filters, sort, page, page_size, [], 0)
    read = _index_read(reader, text, filters)
    if sort == "relevance":
        limit = min(RANK_WINDOW, settings.CICOPA_SEARCH_RANK_LIMIT)
        if offset >= limit:  # ranking further would cost more with every page: the pages end before this one
            total, capped = read.bounded_count()
            result.total, result.total_is_capped = total + len(own), capped
            result.ranked_limit, result.beyond_ranking = limit, True
        else:
            cap = max(limit, offset + page_size)
            candidates = read.candidates(cap)
            total, capped = (len(candidates), False) if len(candidates) < cap else read.bounded_count()
            # Ids negated: of equal relevance, the newer first.
            pool = [(-pk, title, body) for pk, title, body in candidates]
            pool += [(-pk, title, body) for pk, title, body, _tags in own]
            ids = [-i for i in ranking.rank(pool, text.terms, offset + page_size)[offset:]]
            result.items = _rows(ids)
            result.total, result.total_is_capped = total + len(own), capped
            result.ranked_limit = limit if total > limit else None
    else:
        total, capped = read.bounded_count()
        qs = read.queryset()
        if own:
            newest = list(qs.values_list("id", flat=True)[: offset + page_size])
            result.items = _rows(
                sorted(chain(newest, (row[0] for row in own)), reverse=True)[offset : offset + page_size]
            )
        elif not read.rows_checked and (read.text or read.tags):  # the index alone: its newest ids, then rows
            result.items = _rows([row[0] for row in read.candidates(offset + page_size)[offset:]])
        else:
            result.items = list(with_relations(qs)[offset : offset + page_size])
        result.total, result.total_is_capped = total + len(own), capped
    if facets:
        result.facets = listing_facets(user, q=q, filters=filters)
    return result


def listing_facets(user: Any, *, q: str = "", filters: ListingFilters | None = None) -> ListingFacets:
    """How many of the results have each direction, kind, CPC section, country and delivery scope:
    (value, label, count), largest first.

    A filter in use is counted as if it were not (as the registry's directory does), so that the panel keeps
    showing the other values to add: one query counts every other facet, and one more each facet in use. Each
    reads the results' index tags and counts them here; over more than CICOPA_SEARCH_COUNT_LIMIT results, the
    counts are over the first that many (`approximate`)."""
    filters = filters or ListingFilters()
    text = TextQuery.parse(q)
    reader = _reader(user)
    tag_facets = _tag_facets()
    found, approximate = _facet_counts(reader, text, filters, tag_facets)
    for facet in FACETS:
        name = _FACET_FILTER[facet]
        if getattr(filters, name):
            without, more = _facet_counts(reader, text, filters.without(name), tag_facets)
            found[facet] = without[facet]
            approximate = approximate or more
    labels = _facet_labels()
    groups = {
        facet: [
            (code, labels[facet].get(code, code), n)
            for code, n in sorted(found[facet].items(), key=lambda item: (-item[1], item[0]))
        ]
        for facet in FACETS
    }
    return ListingFacets(groups, approximate, settings.CICOPA_SEARCH_COUNT_LIMIT)


def _tag_facets() -> dict[str, tuple[str, str]]:
    """Index tag -> (facet, value), for every value of every facet."""
    values: dict[str, Iterable[str]] = {
        "direction": Direction.values,
        "kind": ListingKind.values,
        "section": Category.objects.filter(level=CategoryLevel.SECTION).values_list("code", flat=True),
        "country": Country.objects.values_list("iso2", flat=True),
        "scope": Scope.values,
    }
    return {
        search_tag(_PREFIX[_FACET_FILTER[facet]], code): (facet, code)
        for facet, codes in values.items()
        for code in codes
    }


def _facet_counts(
    reader: _Reader, text: TextQuery, filters: ListingFilters, tag_facets: dict[str, tuple[str, str]]
) -> tuple[dict[str, Counter[str]], bool]:
    limit = settings.CICOPA_SEARCH_COUNT_LIMIT
    tags = list(_index_read(reader, text, filters).queryset().values_list("search_tags", flat=True)[: limit + 1])
    own = [row[3] for row in _own_unpublished(reader, text, filters)]
    counts = Counter(chain.from_iterable(t.split() for t in chain(tags[:limit], own)))
    found: dict[str, Counter[str]] = {facet: Counter() for facet in FACETS}
    for tag, n in counts.items():
        if tag in tag_facets:
            facet, code = tag_facets[tag]
            found[facet][code] += n
    return found, len(tags) > limit


def _facet_labels() -> dict[str, dict[str, str]]:
    return {
        "direction": {str(k): str(v) for k, v in Direction.choices},
        "kind": {str(k): str(v) for k, v in ListingKind.choices},
        "section": {c.code: c.name for c in Category.objects.filter(level=CategoryLevel.SECTION)},
        "country": core_queries.names_by_code()["country"],
        "scope": {str(k): str(v) for k, v in Scope.choices},
    }


def listings_of(organisation: Organisation | int, user: Any, *, limit: int = 100) -> list[Listing]:
    """The listings of `organisation` that `user` may see, for its profile: published ones first, then (for its
    people and the secretariat) drafts, paused, expired and closed ones; newest first within each."""
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    order = Case(
        *(When(status=s, then=Value(i)) for i, s in enumerate(_STATUS_ORDER)),
        default=Value(len(_STATUS_ORDER)),
        output_field=IntegerField(),
    )
    qs = permissions.visible_listings(user).filter(organisation_id=org_id).order_by(order, "-id")
    return list(with_relations(qs)[:limit])


_STATUS_ORDER = (
    ListingStatus.PUBLISHED,
    ListingStatus.DRAFT,
    ListingStatus.PAUSED,
    ListingStatus.EXPIRED,
    ListingStatus.CLOSED,
)


def listing_detail(pk: int, user: Any) -> Listing:
    """One listing as its page shows it, if `user` may see it (else Listing.DoesNotExist): with its organisation
    and that organisation's country, its category and section, country, sector, unit and translations. A constant
    number of queries."""
    qs = permissions.visible_listings(user).select_related(
        "organisation", "organisation__country", "category", "category__parent", "country", "sector", "unit"
    )
    return qs.prefetch_related(Prefetch("translations", queryset=ListingTranslation.objects.order_by("language"))).get(
        pk=pk
    )
