"""Reads of the knowledge library that pages and the API share, each with what it needs fetched at once so that
a page issues a constant number of queries whatever its size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from cicopa.core import queries as core_queries
from cicopa.core.fulltext import TextQuery
from cicopa.core.i18n import CONTENT_LANGUAGES, current_language
from cicopa.core.models import Country, Sector
from cicopa.knowledge import library, permissions
from cicopa.knowledge.library import Card
from cicopa.knowledge.models import Attachment, Experience, ExperienceStatus, LibraryEntry, LibraryKind, Topic

MAX_WORDS = 200


@dataclass(frozen=True)
class ExperienceFilters:
    """What the library list is narrowed by (every value already checked against the reference lists)."""

    q: str = ""
    topic: str = ""
    country: str = ""
    sector: str = ""
    language: str = ""
    year: int | None = None

    def as_query(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in ("", None)}


def parse_filters(params: Any) -> ExperienceFilters:
    """Filters from a query string; unknown values are dropped (a stale link still shows the library)."""

    def one(name: str) -> str:
        value = params.get(name) or ""
        return value[:MAX_WORDS] if isinstance(value, str) else ""

    topic = one("topic")
    country = one("country").upper()
    sector = one("sector")
    year_text = one("year")
    year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else None
    return ExperienceFilters(
        q=" ".join(one("q").split()),
        topic=topic if topic and Topic.objects.filter(code=topic).exists() else "",
        country=country if len(country) == 2 and Country.objects.filter(iso2=country).exists() else "",
        sector=sector if sector and Sector.objects.filter(code=sector).exists() else "",
        language=one("language") if one("language") in CONTENT_LANGUAGES else "",
        year=year,
    )


def with_details(qs: QuerySet[Experience]) -> QuerySet[Experience]:
    return qs.select_related("organisation", "country", "author").prefetch_related(
        "translations",
        "topics",
        "sectors",
        Prefetch("attachments", queryset=Attachment.objects.defer("content")),
    )


def published_experiences(filters: ExperienceFilters | None = None) -> QuerySet[Experience]:
    """Published experiences, newest first, narrowed by `filters` (the API's list of experiences)."""
    qs = Experience.objects.filter(permissions.PUBLIC_EXPERIENCE)
    f = filters or ExperienceFilters()
    if f.topic:
        qs = qs.filter(topics__code=f.topic)
    if f.country:
        qs = qs.filter(country_id=f.country)
    if f.sector:
        qs = qs.filter(sectors__code=f.sector)
    if f.language:
        qs = qs.filter(language=f.language)
    if f.year:
        qs = qs.filter(year=f.year)
    if f.q:  # through the library's index: the same words find the same experiences as its search
        found = library.INDEX.with_index(
            LibraryEntry.objects.filter(kind=LibraryKind.EXPERIENCE), TextQuery.parse(f.q), []
        ).values("object_id")
        # Compiled on its own: as a subquery, Django would alias the table that the index's join names.
        sql, params = found.query.sql_with_params()
        qs = qs.extra(where=[f"knowledge_experience.id IN ({sql})"], params=params)  # noqa: S610 - bound parameters
    return with_details(qs.distinct().order_by("-published_at", "-id"))


def review_queue() -> QuerySet[Experience]:
    return with_details(Experience.objects.filter(status=ExperienceStatus.SUBMITTED).order_by("submitted_at", "id"))


def experience_for(user: Any, experience_id: Any) -> Experience | None:
    """The experience `user` may see under this id, or None (the page and the API answer 404)."""
    return core_queries.by_id(with_details(permissions.visible_experiences(user)), experience_id)


def experience_cards(ids: list[int]) -> dict[int, Card]:
    """The library's result cards of published experiences (knowledge.library.CARD_MAKERS), in the reader's
    language where they have it."""
    language = current_language()
    cards = {}
    for exp in Experience.objects.filter(permissions.PUBLIC_EXPERIENCE, pk__in=ids).prefetch_related("translations"):
        texts, shown_in, _languages = exp.text_in(language)
        cards[exp.pk] = Card(
            title=texts["title"],
            url=exp.get_absolute_url(),
            summary=texts["summary"],
            text="\n".join(texts[f] for f in ("summary", "problem", "actions", "results", "lessons") if texts[f]),
            original_language=shown_in if shown_in != language else None,
        )
    return cards
