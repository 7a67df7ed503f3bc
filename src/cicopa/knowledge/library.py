"""The library's one search: experiences, studies, answered questions and recommendations in one full-text index
(`LibraryEntry`, see core/fulltext.py), with the directory's qualities: accents and case aside, words as prefixes,
ranked with bounded work, filters intersected inside the index, facets counted over the results.

Each kind's services keep the index: `index_put(LibraryItem(...))` when an item becomes public or changes while
public, `index_remove(kind, id)` when it stops being public, in their transaction. The index holds nothing else,
so no search, facet or feed can show what is not public. A kind shows its results through its own card maker
(`CARD_MAKERS`): title and summary in the reader's language, and the text the excerpt is cut from.

Ranking: the newest `CICOPA_SEARCH_RANK_LIMIT` hits are ranked by the engine (SQLite's BM25 over FTS5, title
weighted ten times the body; PostgreSQL's ts_rank), so that a common word costs no more than that many; a search
finding more says so and asks to narrow it. Counts stop at `CICOPA_SEARCH_COUNT_LIMIT`; the facets count the first
`CICOPA_LIBRARY_FACET_SAMPLE` hits (2,000: reading and counting each hit's tags is most of a broad search's work,
17 ms for 10,000 of them at 100,000 items), and say so when there are more."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import chain
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cicopa.core import params as query_params
from cicopa.core import queries as core_queries
from cicopa.core import reference_cache
from cicopa.core.fulltext import FullTextIndex, TagGroups, TextQuery, fts5_query, is_postgres, tags_tsquery
from cicopa.core.i18n import CONTENT_LANGUAGES
from cicopa.core.names import language_name
from cicopa.core.text import search_text
from cicopa.knowledge.excerpts import Segment, excerpt
from cicopa.knowledge.models import FIRST_YEAR, LAST_YEAR, LibraryEntry, LibraryKind, Topic
from cicopa.registry.models import search_tag

INDEX = FullTextIndex("knowledge_libraryentry")
KIND, TOPIC, COUNTRY, SECTOR, LANGUAGE, YEAR = "ktcsly"
FACETS = ("kind", "topic", "country", "sector", "language", "year")
PAGE_SIZE = 20
MAX_TITLE, MAX_BODY = 4_000, 4_000_000
TITLE_WEIGHT = 10.0

# Each kind's card maker: ids -> {id: Card}, in the reader's language.
CARD_MAKERS: dict[str, str] = {
    LibraryKind.EXPERIENCE: "cicopa.knowledge.queries.experience_cards",
}
# How the kind facet names them.
KIND_PLURALS = {
    LibraryKind.EXPERIENCE: gettext_lazy("Experiences"),
    LibraryKind.STUDY: gettext_lazy("Studies"),
    LibraryKind.QUESTION: gettext_lazy("Answered questions"),
    LibraryKind.RECOMMENDATION: gettext_lazy("Recommendations"),
}
FILTER_LABELS = {
    "kind": gettext_lazy("kind"),
    "topic": gettext_lazy("topic"),
    "country": gettext_lazy("country"),
    "sector": gettext_lazy("sector"),
    "language": gettext_lazy("language"),
    "year": gettext_lazy("year"),
}


@dataclass(frozen=True)
class LibraryItem:
    """What the index keeps of one public item: its words in every language it has, and its filter values."""

    kind: str
    object_id: int
    language: str  # the language it was written in
    titles: Mapping[str, str]  # its title in each language it has
    texts: Sequence[str]  # everything else that is searched
    published_at: datetime.datetime
    topics: Sequence[str] = ()
    countries: Sequence[str] = ()
    sectors: Sequence[str] = ()
    year: int | None = None


@dataclass(frozen=True)
class Card:
    """How a result shows: title and summary in the reader's language where the item has it, else the original
    (`original_language` then names it, for "Written in ..."); `text`, the plain text an excerpt is cut from."""

    title: str
    url: str
    summary: str = ""
    text: str = ""
    original_language: str | None = None


def item_tags(item: LibraryItem) -> list[str]:
    languages = {item.language, *(lang for lang, title in item.titles.items() if title)}
    tags = {search_tag(KIND, item.kind)}
    tags |= {search_tag(TOPIC, code) for code in item.topics}
    tags |= {search_tag(COUNTRY, code) for code in item.countries}
    tags |= {search_tag(SECTOR, code) for code in item.sectors}
    tags |= {search_tag(LANGUAGE, code) for code in languages if code}
    if item.year:
        tags.add(search_tag(YEAR, str(item.year)))
    return sorted(tags)


def entry_fields(item: LibraryItem) -> dict[str, Any]:
    """The index entry's columns for `item`."""
    original = item.titles.get(item.language) or ""
    titles = [original, *(t for lang, t in item.titles.items() if lang != item.language)]
    return {
        "language": item.language,
        "year": item.year,
        "published_at": item.published_at,
        "topics": " ".join(sorted(set(item.topics)))[:1_000],
        "countries": " ".join(sorted(set(item.countries)))[:1_000],
        "search_title": search_text(*titles)[:MAX_TITLE],
        "search_body": search_text(*item.texts)[:MAX_BODY],
        "search_tags": " ".join(item_tags(item))[:4_000],
    }


def index_put(item: LibraryItem) -> None:
    """Enter a public item in the library's index, or bring its entry up to date (it keeps its place)."""
    LibraryEntry.objects.update_or_create(kind=item.kind, object_id=item.object_id, defaults=entry_fields(item))


def index_new(items: Sequence[LibraryItem]) -> None:
    """Enter many items not in the index yet, in bulk (the demo, benchmarks): the index is brought up to date
    once at the end (core.fulltext.FullTextIndex.bulk_indexing)."""
    with INDEX.bulk_indexing():
        LibraryEntry.objects.bulk_create(
            [LibraryEntry(kind=i.kind, object_id=i.object_id, **entry_fields(i)) for i in items], batch_size=2_000
        )


def index_remove(kind: str, object_id: int) -> None:
    """Take an item that is no longer public out of the index (nothing happens if it was not in it)."""
    LibraryEntry.objects.filter(kind=kind, object_id=object_id).delete()


# --- Searching ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LibraryFilters:
    q: str = ""
    kind: tuple[str, ...] = ()
    topic: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    sector: tuple[str, ...] = ()
    language: tuple[str, ...] = ()
    year: tuple[str, ...] = ()
    sort: str = ""  # "relevance" (the default with words) or "newest"
    page: int = 1

    @property
    def text(self) -> TextQuery:
        return TextQuery.parse(self.q)

    @property
    def effective_sort(self) -> str:
        return "relevance" if self.text and self.sort != "newest" else "newest"

    def tags(self) -> list[list[str]]:
        prefixes = {"kind": KIND, "topic": TOPIC, "country": COUNTRY, "sector": SECTOR, "language": LANGUAGE}
        groups = [[search_tag(prefixes[f], v) for v in getattr(self, f)] for f in prefixes if getattr(self, f)]
        if self.year:
            groups.append([search_tag(YEAR, y) for y in self.year])
        return groups

    def as_query(self, **changes: Any) -> list[tuple[str, str]]:
        """The filters as query parameters (for links: pages, removing one value)."""
        f = replace(self, **changes)
        pairs = [("q", f.q)] if f.q else []
        pairs += [(name, value) for name in FACETS for value in getattr(f, name)]
        if f.sort:
            pairs.append(("sort", f.sort))
        if f.page > 1:
            pairs.append(("page", str(f.page)))
        return pairs

    def is_empty(self) -> bool:
        return not (self.q or any(getattr(self, name) for name in FACETS))


def parse_filters(params: Mapping[str, Any]) -> tuple[LibraryFilters, dict[str, str]]:
    """The filters of a query string and, by parameter, a sentence for each value that is not understood (the page
    shows it and leaves the value out; the API answers 422)."""
    errors: dict[str, str] = {}
    known = core_queries.known_codes()
    kinds = query_params.codes(params, "kind", LibraryKind.values, errors, label=FILTER_LABELS["kind"])
    known_topics = topic_names()
    topics = query_params.codes(params, "topic", known_topics, errors, label=FILTER_LABELS["topic"])
    countries = query_params.codes(
        params,
        "country",
        known["country"],
        errors,
        label=FILTER_LABELS["country"],
        upper=True,
        read=core_queries.read_country,
    )
    sectors = query_params.codes(params, "sector", known["sector"], errors, label=FILTER_LABELS["sector"])
    languages = query_params.codes(params, "language", CONTENT_LANGUAGES, errors, label=FILTER_LABELS["language"])
    years = tuple(dict.fromkeys(query_params.values(params, "year")))
    bad_years = [y for y in years if not (y.isdigit() and FIRST_YEAR <= int(y) <= LAST_YEAR)]
    if bad_years:
        errors["year"] = _("Give a year from %(first)s to %(last)s, not %(values)s.") % {
            "first": FIRST_YEAR,
            "last": LAST_YEAR,
            "values": ", ".join(bad_years),
        }
    sort = query_params.one(params, "sort")
    if sort not in ("", "relevance", "newest"):
        errors["sort"] = _("Sort by “relevance” or “newest”, not “%(value)s”.") % {"value": sort}
        sort = ""
    page_text = query_params.one(params, "page") or "1"
    page = int(page_text) if page_text.isdigit() and 0 < int(page_text) <= 100_000 else 0
    if not page:
        errors["page"] = _("Give a page from 1.")
        page = 1
    q = " ".join(str(params.get("q") or "").split())[:200]
    return (
        LibraryFilters(
            q=q,
            kind=tuple(k for k in kinds if k in LibraryKind.values),
            topic=tuple(t for t in topics if t in known_topics),
            country=tuple(c for c in countries if c in known["country"]),
            sector=tuple(s for s in sectors if s in known["sector"]),
            language=tuple(lang for lang in languages if lang in CONTENT_LANGUAGES),
            year=tuple(y for y in years if y not in bad_years),
            sort=sort,
            page=page,
        ),
        errors,
    )


def topic_names() -> dict[str, str]:
    """Every topic's name in the reader's language, by code, in the topics' order. Topics change only with the
    migrations, which renew the reference data's state: kept under it (core.reference_cache)."""
    return reference_cache.kept("knowledge.topics", lambda: {t.code: t.name for t in Topic.objects.all()})


@dataclass
class Hit:
    kind: str
    object_id: int
    card: Card
    excerpt: list[Segment]
    year: int | None
    countries: list[str]
    topics: list[str]
    published_at: datetime.datetime
    language: str


@dataclass
class LibraryPage:
    filters: LibraryFilters
    hits: list[Hit]
    total: int
    capped: bool  # more results than were counted (total is then CICOPA_SEARCH_COUNT_LIMIT)
    ranked_limit: int | None  # the relevance order covers the newest this many results, when there are more
    facets: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)
    facets_approximate: bool = False

    @property
    def pages(self) -> int:
        shown = min(self.total, self.ranked_limit) if self.ranked_limit else self.total
        return max(1, -(-shown // PAGE_SIZE))

    @property
    def start(self) -> int:
        return (self.filters.page - 1) * PAGE_SIZE + 1 if self.hits else 0

    @property
    def end(self) -> int:
        return self.start + len(self.hits) - 1 if self.hits else 0


def search(filters: LibraryFilters, *, with_facets: bool = True) -> LibraryPage:
    """One page of the library's search, its count and its facets, in a number of queries that does not grow
    with the page size or the library: ids, count, entries, one card query per kind shown, facets (one more per
    filter in use)."""
    offset = (filters.page - 1) * PAGE_SIZE
    text, tags = filters.text, filters.tags()
    total, capped = _count(text, tags)
    ranked_limit = None
    if filters.effective_sort == "relevance":
        limit = settings.CICOPA_SEARCH_RANK_LIMIT
        ranked_limit = limit if total > limit else None
        ids = _ranked(text, tags, offset, PAGE_SIZE, limit) if offset < limit else []
    else:
        ids = _newest(text, tags, offset, PAGE_SIZE)
    page = LibraryPage(filters, _hits(ids, text), total, capped, ranked_limit)
    if with_facets:
        page.facets, page.facets_approximate = facets(filters)
    return page


def _entries(text: TextQuery, tags: TagGroups) -> Any:
    qs = LibraryEntry.objects.order_by()
    return INDEX.with_index(qs, text, tags) if text or tags else qs


def _count(text: TextQuery, tags: TagGroups) -> tuple[int, bool]:
    limit = settings.CICOPA_SEARCH_COUNT_LIMIT
    found = INDEX.count(text, tags, limit=limit + 1) if (text or tags) else None
    if found is None:
        found = _entries(text, tags).values("id")[: limit + 1].count()
    return min(found, limit), found > limit


def _newest(text: TextQuery, tags: TagGroups, offset: int, size: int) -> list[int]:
    if not text and not tags:
        qs = LibraryEntry.objects.order_by("-id")
    else:
        qs = INDEX.with_index(LibraryEntry.objects.order_by(), text, tags, newest_first=True)
    return list(qs.values_list("id", flat=True)[offset : offset + size])


def _ranked(text: TextQuery, tags: TagGroups, offset: int, size: int, limit: int) -> list[int]:
    """Ids of the page, best first, among the newest `limit` hits: bounded work however common the words."""
    table, fts = INDEX.table, INDEX.fts_table
    if is_postgres():
        where = [f"{table}.search_vector @@ to_tsquery('simple', %s)"]
        params: list[Any] = [text.tsquery()]
        if tags:
            where.append(f"{table}.search_tags_vector @@ to_tsquery('simple', %s)")
            params.append(tags_tsquery(tags))
        sql = (
            f"SELECT id FROM (SELECT id, search_vector FROM {table} WHERE {' AND '.join(where)}"
            " ORDER BY id DESC LIMIT %s) hits"
            " ORDER BY ts_rank(search_vector, to_tsquery('simple', %s)) DESC, id DESC LIMIT %s OFFSET %s"
        )
        params += [limit, text.tsquery(), size, offset]
    else:
        match = fts5_query(text, tags)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s ORDER BY rowid DESC LIMIT 1 OFFSET %s",
                [match, limit - 1],
            )
            row = cursor.fetchone()
        sql = (
            f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s AND rowid >= %s"
            f" ORDER BY bm25({fts}, {TITLE_WEIGHT}, 1.0, 0.0), rowid DESC LIMIT %s OFFSET %s"
        )
        params = [match, row[0] if row else 0, size, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [r[0] for r in cursor.fetchall()]


def _hits(ids: Sequence[int], text: TextQuery) -> list[Hit]:
    entries = {
        e.id: e
        for e in LibraryEntry.objects.filter(id__in=ids).only(
            "id", "kind", "object_id", "language", "year", "published_at", "topics", "countries"
        )
    }
    ordered = [entries[i] for i in ids if i in entries]
    cards = item_cards([(e.kind, e.object_id) for e in ordered])
    hits = []
    for e in ordered:
        card = cards.get((e.kind, e.object_id))
        if card is None:  # the item went between the index and its card: shown on the next search no more
            continue
        hits.append(
            Hit(
                kind=e.kind,
                object_id=e.object_id,
                card=card,
                excerpt=excerpt(card.text or card.summary, text.terms) if text else [],
                year=e.year,
                countries=e.countries.split(),
                topics=e.topics.split(),
                published_at=e.published_at,
                language=e.language,
            )
        )
    return hits


def item_cards(items: Sequence[tuple[str, int]]) -> dict[tuple[str, int], Card]:
    """The cards of (kind, id) pairs: one call per kind to its card maker."""
    by_kind: dict[str, list[int]] = {}
    for kind, object_id in items:
        by_kind.setdefault(kind, []).append(object_id)
    cards: dict[tuple[str, int], Card] = {}
    for kind, ids in by_kind.items():
        maker: Callable[[list[int]], dict[int, Card]] = import_string(CARD_MAKERS[kind])
        cards.update({(kind, pk): card for pk, card in maker(ids).items()})
    return cards


def facets(filters: LibraryFilters) -> tuple[dict[str, list[tuple[str, str, int]]], bool]:
    """(value, label, count) of each filter over the results, most first, and whether they were too many to count
    in full. A filter in use is counted as if it were not (disjunctive facets, as the directory does), so that a
    second value can be added to it."""
    found, approximate = _facet_counts(filters)
    for name in FACETS:
        if getattr(filters, name):
            cleared: tuple[str, ...] = ()
            without, more = _facet_counts(replace(filters, **{name: cleared}))  # type: ignore[arg-type]
            found[name] = without[name]
            approximate = approximate or more
    labels = _labels()
    groups = {}
    for name, counts in found.items():
        order = sorted(counts.items(), key=lambda item: (-int(item[0]), 0) if name == "year" else (-item[1], item[0]))
        groups[name] = [(code, labels[name].get(code, code), n) for code, n in order if n]
    groups["country"] = groups["country"][:60]
    return groups, approximate


def _facet_counts(filters: LibraryFilters) -> tuple[dict[str, Counter[str]], bool]:
    limit = facet_sample()
    rows = list(_entries(filters.text, filters.tags()).values_list("search_tags", flat=True)[: limit + 1])
    counts = Counter(chain.from_iterable(t.split() for t in rows[:limit]))
    found: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    codes = _tag_codes()
    for tag, n in counts.items():
        if tag in codes:
            name, code = codes[tag]
            found[name][code] += n
        elif tag.startswith("qq" + YEAR) and tag[3:].isdigit():
            found["year"][tag[3:]] += n
    return found, len(rows) > limit


def facet_sample() -> int:
    return int(settings.CICOPA_LIBRARY_FACET_SAMPLE)


def _tag_codes() -> dict[str, tuple[str, str]]:
    known = core_queries.known_codes()
    values = {
        ("kind", KIND): LibraryKind.values,
        ("topic", TOPIC): topic_names(),
        ("country", COUNTRY): known["country"],
        ("sector", SECTOR): known["sector"],
        ("language", LANGUAGE): CONTENT_LANGUAGES,
    }
    return {search_tag(prefix, code): (name, code) for (name, prefix), codes in values.items() for code in codes}


def _labels() -> dict[str, dict[str, str]]:
    names = core_queries.names_by_code()
    return {
        "kind": {k: str(label) for k, label in KIND_PLURALS.items()},
        "topic": topic_names(),
        "country": names["country"],
        "sector": names["sector"],
        "language": {code: language_name(code) for code in CONTENT_LANGUAGES},
        "year": {},
    }


def newest(*, topic: str | None = None, limit: int = 30) -> list[tuple[LibraryEntry, Card]]:
    """The newest published items (of one topic), newest first, with their cards: what the feeds give."""
    qs = LibraryEntry.objects.all()
    if topic:
        qs = INDEX.with_index(qs, TextQuery(()), [[search_tag(TOPIC, topic)]])
    entries = list(qs.order_by("-published_at", "-id")[:limit])
    cards = item_cards([(e.kind, e.object_id) for e in entries])
    return [(e, cards[(e.kind, e.object_id)]) for e in entries if (e.kind, e.object_id) in cards]


# --- Recommendations -----------------------------------------------------------------------------------------------
CARD_MAKERS[LibraryKind.RECOMMENDATION] = "cicopa.knowledge.recommendation_queries.recommendation_cards"


# Studies (knowledge/study_queries.py)
CARD_MAKERS[LibraryKind.STUDY] = "cicopa.knowledge.study_queries.library_cards"

# Questions and answers: an answered question's card.
CARD_MAKERS[LibraryKind.QUESTION] = "cicopa.knowledge.question_queries.library_cards"
