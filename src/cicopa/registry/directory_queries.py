"""The directory: its filters, its full-text search with bounded ranking, its facet counts, its map and its
exports. Reads shared by the directory page, the API's list and the downloads."""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from itertools import chain
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Avg, Count, F, IntegerField, Max, Min, Prefetch, Q, QuerySet
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cicopa.core import params as query_params
from cicopa.core import queries as core_queries
from cicopa.core import subdivisions
from cicopa.core.models import Country, Sector, in_region
from cicopa.registry import ranking, spelling
from cicopa.registry.models import (
    MEMBER_STATUSES,
    AccessRole,
    Membership,
    MembershipStatus,
    OfficeRole,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    search_tag,
)
from cicopa.registry.search import TextQuery, is_postgres, with_index

SORTS: dict[str, tuple[str, ...] | None] = {
    "relevance": None,
    "name": ("sort_name", "id"),
    "-name": ("-sort_name", "-id"),
    "country": None,  # by the country's name in the reader's language: see _order
    "founded": ("founded", "sort_name", "id"),
    "-founded": ("-founded", "sort_name", "id"),
    "-members": ("-members_count", "sort_name", "id"),
    "-updated": ("-updated_at", "-id"),
}
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
LIST_PARAMS = ("kind", "country", "subdivision", "sector", "membership_type", "legal_form")
# How messages and the filter panel name each filter: in the reader's language, not by its parameter.
FILTER_LABELS = {
    "kind": gettext_lazy("kind"),
    "region": gettext_lazy("region"),
    "country": gettext_lazy("country"),
    "subdivision": gettext_lazy("subdivision"),
    "sector": gettext_lazy("sector"),
    "membership_type": gettext_lazy("membership type"),
    "legal_form": gettext_lazy("legal form"),
}


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    kind: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    subdivision: tuple[str, ...] = ()  # ISO 3166-2 codes
    region: str = ""
    development: str = ""
    sector: tuple[str, ...] = ()
    membership_type: tuple[str, ...] = ()
    legal_form: tuple[str, ...] = ()
    status: str = OrganisationStatus.ACTIVE
    member_of: str = ""
    member_of_name: str = ""  # the name of the organisation `member_of` names, to show
    sort: str = ""
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE

    @property
    def text(self) -> TextQuery:
        return TextQuery.parse(self.q)

    @property
    def effective_sort(self) -> str:
        return self.sort or ("relevance" if self.text else "name")

    def with_page(self, page: int) -> DirectoryFilters:
        return replace(self, page=page)


def parse_filters(params: Mapping[str, Any]) -> DirectoryFilters:
    """Read filters from query parameters; raise ValidationError naming each bad parameter and value."""
    errors: dict[str, str] = {}
    data: dict[str, Any] = {"q": (query_params.one(params, "q") or "")[:200]}
    known: dict[str, Collection[str]] = {
        "kind": set(OrganisationKind.values),
        "subdivision": subdivisions.codes(),
        **core_queries.known_codes(),
    }
    for key in LIST_PARAMS:
        data[key] = query_params.codes(
            params,
            key,
            known[key],
            errors,
            label=FILTER_LABELS[key],
            upper=key in ("country", "subdivision"),
            read=core_queries.read_country if key == "country" else None,
        )
    data["region"] = query_params.region(params, errors)
    development = query_params.one(params, "development")
    if development and development not in ("developed", "developing"):
        errors["development"] = _("development must be 'developed' or 'developing', not %(v)s") % {"v": development}
    data["development"] = development
    status = query_params.one(params, "status") or OrganisationStatus.ACTIVE
    if status not in (*OrganisationStatus.values, "all"):
        errors["status"] = _("status must be active, dissolved or all, not %(v)s") % {"v": status}
    data["status"] = status
    data["member_of"] = query_params.one(params, "member_of")
    if data["member_of"]:
        name = Organisation.objects.filter(slug=data["member_of"]).values_list("name", flat=True).first()
        if name is None:
            errors["member_of"] = _("No organisation has the slug %(slug)s.") % {"slug": data["member_of"]}
        data["member_of_name"] = name or ""
    sort = query_params.one(params, "sort")
    if sort and sort not in SORTS:
        errors["sort"] = _("sort must be one of %(choices)s, not %(v)s") % {"choices": ", ".join(SORTS), "v": sort}
    data["sort"] = sort
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
        data[key] = value
    if errors:
        raise ValidationError(errors)
    return DirectoryFilters(**data)


def index_tags(filters: DirectoryFilters) -> list[list[str]]:
    """The filters that the full-text index answers, as groups of its tags (one of each group must match); none
    when there are neither words nor such filters (the plain directory is read from the table)."""
    groups: list[list[str]] = [
        [search_tag(prefix, v) for v in values]
        for prefix, values in (
            ("k", filters.kind),
            ("c", filters.country),
            ("d", filters.subdivision),
            ("s", filters.sector),
            ("m", filters.membership_type),
            ("l", filters.legal_form),
        )
        if values
    ]
    # On PostgreSQL the status is checked on the rows the index found: as an index term it is one that nearly
    # every organisation holds, whose posting list GIN reads in full to intersect it (20 ms on a million).
    if (filters.text or groups) and filters.status != "all" and not is_postgres():
        groups.append([search_tag("t", filters.status)])
    return groups


def matching(filters: DirectoryFilters) -> QuerySet[Organisation]:
    """Organisations passing the filters and the text query, unordered.

    With words or filters on indexed values, the full-text index answers them together (each filter
    value is an index term); the rest are relational. Only the plain directory, filtered by status
    alone, is read from the table, in name order.
    """
    qs = Organisation.objects.all()
    groups = index_tags(filters)
    if filters.text or groups:
        qs = with_index(qs, filters.text, groups)
        if filters.status != "all" and is_postgres():
            qs = qs.filter(status=filters.status)
    elif filters.status != "all":
        qs = qs.filter(status=filters.status)
    if filters.region:
        qs = qs.filter(in_region(filters.region))
    if filters.development:
        qs = qs.filter(country__developed=filters.development == "developed")
    if filters.member_of:
        members = Membership.objects.filter(parent__slug=filters.member_of, status__in=MEMBER_STATUSES)
        qs = qs.filter(id__in=members.values("member_id"))
    return qs


def with_relations(qs: QuerySet[Organisation]) -> QuerySet[Organisation]:
    return qs.select_related("country", "membership_type", "legal_form").prefetch_related(
        Prefetch("sectors", queryset=Sector.objects.order_by("position"))
    )


@dataclass
class DirectoryPage:
    filters: DirectoryFilters
    items: list[Organisation]
    total: int
    ranked_limit: int | None = None
    # True when there are more results than were counted: `total` is then a lower bound.
    total_is_capped: bool = False
    # True when the page asked for lies beyond the best matches that a search sorted by relevance ranks.
    beyond_ranking: bool = False

    @property
    def pages(self) -> int:
        reachable = self.total if self.ranked_limit is None else min(self.total, self.ranked_limit)
        return max(1, math.ceil(reachable / self.filters.page_size))

    @property
    def past_the_end(self) -> bool:
        """A page asked for after the last one of results there are (never the first page of none)."""
        return bool(self.total) and not self.items and self.filters.page > self.pages

    @property
    def start(self) -> int:
        return (self.filters.page - 1) * self.filters.page_size + 1 if self.items else 0

    @property
    def end(self) -> int:
        return self.start + len(self.items) - 1 if self.items else 0


def _order(sort: str) -> tuple[Any, ...]:
    if sort == "country":
        return (core_queries.by_country_name("country_id"), "sort_name", "id")
    return SORTS.get(sort) or ("sort_name", "id")


def search_directory(filters: DirectoryFilters) -> DirectoryPage:
    """One page of the directory in a constant number of queries whatever the page size:
    (candidates,) count (unless the candidates were all the hits), rows, sectors.

    A page past the end has no items, and says how many results there are (`past_the_end`, `pages`)."""
    offset = (filters.page - 1) * filters.page_size
    qs = matching(filters)
    sort = filters.effective_sort
    if sort == "relevance" and filters.text:
        limit = settings.CICOPA_SEARCH_RANK_LIMIT
        if offset >= limit:  # ranking further would cost more with every page: the pages end before this one
            total, capped = _bounded_count(qs)
            ranked_limit = limit if total > limit else None
            return DirectoryPage(filters, [], total, ranked_limit, capped, beyond_ranking=True)
        cap = max(limit, offset + filters.page_size)
        candidates, total, capped = _candidates(qs, cap)
        ids = ranking.rank(candidates, filters.text.terms, offset + filters.page_size)[offset:]
        by_id = {o.id: o for o in with_relations(Organisation.objects.filter(id__in=ids))}
        items = [by_id[i] for i in ids if i in by_id]
        ranked_limit = settings.CICOPA_SEARCH_RANK_LIMIT if total > settings.CICOPA_SEARCH_RANK_LIMIT else None
        return DirectoryPage(filters, items, total, ranked_limit, capped)
    total, capped = _bounded_count(qs)
    order: list[Any] = list(_order(sort))
    if is_postgres() and not capped:
        order = _sorting_the_hits(order)
    items = list(with_relations(qs.order_by(*order))[offset : offset + filters.page_size])
    return DirectoryPage(filters, items, total, None, capped)


def _sorting_the_hits(order: list[Any]) -> list[Any]:
    """The same order, by an expression that no index serves, for results known to be few (up to
    CICOPA_SEARCH_COUNT_LIMIT): PostgreSQL then finds them and sorts them. Left to itself its planner may walk an
    index of the sort's column for the first rows that match, which it takes to be spread evenly through it; when
    they are not (the co-operatives of one country are named in its language), that read 400,000 rows for the
    first 20 (2.3 s for Kenya's health co-operatives by name, 20 ms sorted)."""
    first, *rest = order
    name = first.lstrip("-") if isinstance(first, str) else ""
    if not name or "__" in name:
        return order
    same = Coalesce(F(name), F(name))  # the column's value, NULL included, but not its index
    return [same.desc() if first.startswith("-") else same.asc(), *rest]


def _candidates(qs: QuerySet[Organisation], cap: int) -> tuple[list[tuple[int, str, str]], int, bool]:
    """The first `cap` hits as (id, search_title, search_body), how many hits there are (up to
    CICOPA_SEARCH_COUNT_LIMIT), and whether there are more than that.

    SQLite: the candidates, then a count if they filled the cap. PostgreSQL: both in one statement, the count a
    window over the bounded hits, so that the GIN index is scanned once, not twice (its bitmap must be whole
    before the first row comes: for a word's prefix, as long as reading the rows)."""
    columns = qs.order_by().values_list("id", "search_title", "search_body")
    if not is_postgres():
        candidates = list(columns[:cap])
        total, capped = (len(candidates), False) if len(candidates) < cap else _bounded_count(qs)
        return candidates, total, capped
    limit = settings.CICOPA_SEARCH_COUNT_LIMIT
    sql, params = columns[: max(limit + 1, cap)].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT hits.*, count(*) OVER () FROM ({sql}) hits LIMIT %s", [*params, cap])
        rows = cursor.fetchall()
    found = rows[0][-1] if rows else 0
    return [(row[0], row[1], row[2]) for row in rows], min(found, limit), found > limit


SPELLING_SAMPLE = 200  # organisations read per prefix of a misspelt word, for the words they hold


def spelling_suggestion(filters: DirectoryFilters) -> str | None:
    """The search with each word that occurs nowhere replaced by the closest word the index holds, if that
    search, with the same filters, finds something; else None. For a search that found nothing.

    The known words near a misspelt one are read from the organisations whose text has words beginning like it
    (its first four, three, then two letters: a slip further on is still caught), at most SPELLING_SAMPLE of them
    each, and the directory's counts of the (at most three) words as near as the nearest: a few small queries per
    word, however large the directory. A word that every organisation lacks
    stays unknown then, and the suggestion is only as good as the sample; it is never wrong, as it is checked.
    """
    terms = list(filters.text.terms)
    changed = False
    for i, term in enumerate(terms):
        if len(term) < spelling.MIN_LENGTH or with_index(Organisation.objects.all(), TextQuery((term,)), []).exists():
            continue
        seen: Counter[str] = Counter()
        for size in sorted({min(len(term) - 1, n) for n in (4, 3, 2)}, reverse=True):
            prefix = term[:size]
            rows = with_index(Organisation.objects.order_by(), TextQuery((prefix,)), []).values_list(
                "search_title", "search_body"
            )[:SPELLING_SAMPLE]
            for title, body in rows:
                seen.update(word for word in chain(title.split(), body.split()) if word.startswith(prefix))
        near = spelling.nearest(term, seen)
        if not near:
            return None  # this word is not a slip of any known one: no spelling of the search finds anything
        # As close as each other ("lyno": "lyon", "lynn"): the commonest in the whole directory is the likelier,
        # the sample's counts being skewed by the prefixes it was read with. Counted up to a bound.
        terms[i], changed = max(near, key=lambda w: (_bounded_hits(w), -near.index(w))), True
    if not changed:
        return None
    suggestion = " ".join(terms)
    return suggestion if matching(replace(filters, q=suggestion, page=1)).exists() else None


def _bounded_hits(word: str, bound: int = 1000) -> int:
    return with_index(Organisation.objects.order_by(), TextQuery((word,)), []).values("id")[:bound].count()


def _bounded_count(qs: QuerySet[Organisation]) -> tuple[int, bool]:
    """(count, more than that?): counting every hit of a common word would cost as much as the search."""
    limit = settings.CICOPA_SEARCH_COUNT_LIMIT
    total = qs.order_by().values("id")[: limit + 1].count()
    return min(total, limit), total > limit


@dataclass
class Facets:
    groups: dict[str, list[tuple[str, str, int]]]
    # True when the results were too many to count in full: counts are then over the first `sample`.
    approximate: bool
    sample: int


def directory_facets(filters: DirectoryFilters, top_countries: int = 60) -> Facets:
    """Counts per value of each filter over the current results: (value, label, count), largest first.

    A filter that is in use is counted as if it were not (disjunctive facets, as directories and shops do
    it): with France chosen, the countries still list Spain and how many Spain would add, so that a second
    value can be picked. So one query counts every other filter, and one more each filter in use.

    Each query reads the results' filter values as the index holds them (`search_tags`), and they are
    counted here, instead of one grouped query per filter over the same results. Over a very large
    result set the counts are taken over its first CICOPA_SEARCH_COUNT_LIMIT results, so that the cost
    stays bounded; `approximate` says so.
    """
    names = code_names()
    tag_codes = _tag_codes(names)
    country_region = dict(Country.objects.exclude(region=None).values_list("iso2", "region_id"))
    found, approximate = _facet_counts(filters, tag_codes, country_region)
    # Subdivisions are counted when the results are of one country: a country's regions are what its many
    # organisations are told apart by; across countries they would be a list of thousands.
    countries = set(filters.country) if len(filters.country) == 1 else {c for c, n in found["country"].items() if n}
    one_country = next(iter(countries)) if len(countries) == 1 else None
    for facet in ("kind", "country", "subdivision", "region", "sector", "membership_type", "legal_form"):
        if getattr(filters, facet):
            without, more_approximate = _facet_counts(_without(filters, facet), tag_codes, country_region)
            found[facet] = without[facet]
            approximate = approximate or more_approximate
    regions = core_queries.names_by_code()["region"]
    field_of = {
        "kind": "kind",
        "country": "country_id",
        "sector": "sectors",
        "membership_type": "membership_type_id",
        "legal_form": "legal_form_id",
    }
    in_country = {
        code: n for code, n in found.pop("subdivision").items() if subdivisions.country_of(code) == one_country
    }
    groups = {
        facet: [
            (code, regions[code] if facet == "region" else names[field_of[facet]][code], n)
            for code, n in sorted(values.items(), key=lambda item: (-item[1], item[0]))
        ]
        for facet, values in found.items()
    }
    groups["country"] = groups["country"][:top_countries]
    if in_country:
        groups["subdivision"] = [
            (code, subdivisions.label(code), n)
            for code, n in sorted(in_country.items(), key=lambda item: (-item[1], item[0]))
        ]
    return Facets(groups, approximate, settings.CICOPA_SEARCH_COUNT_LIMIT)


def _without(filters: DirectoryFilters, facet: str) -> DirectoryFilters:
    """`filters` with no value chosen for `facet`."""
    if facet == "region":
        return replace(filters, region="")
    cleared: tuple[str, ...] = ()
    return replace(filters, **{facet: cleared})  # type: ignore[arg-type]  # a tuple field, by the caller


def _facet_counts(
    filters: DirectoryFilters, tag_codes: dict[str, tuple[str, str]], country_region: dict[str, str]
) -> tuple[dict[str, Counter[str]], bool]:
    """How many results have each value of each filter, and whether the results were too many to count."""
    limit = settings.CICOPA_SEARCH_COUNT_LIMIT
    tags = list(matching(filters).order_by().values_list("search_tags", flat=True)[: limit + 1])
    counts = Counter(chain.from_iterable(t.split() for t in tags[:limit]))
    found: dict[str, Counter[str]] = {
        f: Counter() for f in ("kind", "country", "subdivision", "region", "sector", "membership_type", "legal_form")
    }
    for tag, n in counts.items():
        if tag in tag_codes:
            facet, code = tag_codes[tag]
            found[facet][code] += n
    for iso, n in found["country"].items():
        if iso in country_region:
            found["region"][country_region[iso]] += n
    return found, len(tags) > limit


def _tag_codes(names: dict[str, dict[str, str]]) -> dict[str, tuple[str, str]]:
    """Index tag -> (filter, code), for every value of every filter."""
    return _subdivision_tags() | {
        search_tag(prefix, code): (facet, code)
        for facet, prefix, field in (
            ("kind", "k", "kind"),
            ("country", "c", "country_id"),
            ("sector", "s", "sectors"),
            ("membership_type", "m", "membership_type_id"),
            ("legal_form", "l", "legal_form_id"),
        )
        for code in names[field]
    }


@functools.cache
def _subdivision_tags() -> dict[str, tuple[str, str]]:
    """The index tag of every subdivision (pycountry's list, the same for the life of the process)."""
    return {search_tag("d", code): ("subdivision", code) for code in subdivisions.codes()}


@dataclass(frozen=True)
class MapCell:
    """Results at one place of the map: a grid cell of one country, or a country's results without coordinates
    (lat and lon None: they stand at the country's middle). `slug` and `name` are the organisation's when there
    is one; `city` is the city all of them share, if they do."""

    lat: float | None
    lon: float | None
    count: int
    country: str | None
    slug: str
    name: str
    city: str
    approximate: int  # of them, those placed at an approximate location (such as a postcode's centre)


# The grid follows the results' extent, so that a map zoomed to them still shows them apart: some 30 cells across
# it, between 3 degrees (the world) and 0.05 (a city).
_CELLS_ACROSS = 30
_CELL_DEGREES = (0.05, 3.0)


def map_cells(filters: DirectoryFilters) -> list[MapCell]:
    """The results counted per grid cell and country by the database, so that a map of a million stays cheap."""
    qs = matching(filters).order_by()
    located = qs.filter(latitude__isnull=False, longitude__isnull=False)
    extent = located.aggregate(lat0=Min("latitude"), lat1=Max("latitude"), lon0=Min("longitude"), lon1=Max("longitude"))
    span = max((extent["lat1"] or 0) - (extent["lat0"] or 0), (extent["lon1"] or 0) - (extent["lon0"] or 0))
    cell = min(max(span / _CELLS_ACROSS, _CELL_DEGREES[0]), _CELL_DEGREES[1])
    about = {
        "n": Count("id"),
        "slug": Min("slug"),
        "name": Min("name"),
        "city0": Min("city"),
        "city1": Max("city"),
        "approximate": Count("id", filter=Q(location_approximate=True)),
    }
    in_cells: QuerySet[Any] = located.annotate(
        cell_lat=Cast(F("latitude") / cell, IntegerField()), cell_lon=Cast(F("longitude") / cell, IntegerField())
    )
    unlocated: QuerySet[Any] = qs.filter(Q(latitude__isnull=True) | Q(longitude__isnull=True), country__isnull=False)
    rows: list[dict[str, Any]] = [
        *in_cells.values("cell_lat", "cell_lon", "country_id").annotate(
            lat=Avg("latitude"), lon=Avg("longitude"), **about
        ),
        *unlocated.values("country_id").annotate(**about),
    ]
    return [
        MapCell(
            lat=row.get("lat"),
            lon=row.get("lon"),
            count=row["n"],
            country=row["country_id"],
            slug=row["slug"] if row["n"] == 1 else "",
            name=row["name"] if row["n"] == 1 else "",
            city=row["city0"] if row["city0"] == row["city1"] else "",
            approximate=row["approximate"],
        )
        for row in rows
    ]


def export_rows(filters: DirectoryFilters) -> Any:
    """Every organisation of a directory view, in the view's order (without paging), streamed."""
    qs = matching(filters)
    return with_relations(qs.order_by(*_order(filters.effective_sort))).iterator(chunk_size=2000)


def export_rows_with_memberships(filters: DirectoryFilters) -> Any:
    """Like export_rows, with memberships and identifiers for the open-data documents."""
    qs = matching(filters)
    return (
        with_relations(qs.order_by("id"))
        .prefetch_related(Prefetch("memberships", queryset=Membership.objects.select_related("parent")), "identifiers")
        .iterator(chunk_size=2000)
    )


def code_names() -> dict[str, dict[str, str]]:
    """Names, in the reader's language, of the codes an organisation's fields hold, by field."""
    known = core_queries.names_by_code()
    return {
        "country_id": known["country"],
        "membership_type_id": known["membership_type"],
        "legal_form_id": known["legal_form"],
        "sectors": known["sector"],
        "kind": {str(k): str(v) for k, v in OrganisationKind.choices},
        "status": {str(k): str(v) for k, v in (*MembershipStatus.choices, *OrganisationStatus.choices)},
        "role": {str(k): str(v) for k, v in (*OfficeRole.choices, *AccessRole.choices)},
    }
