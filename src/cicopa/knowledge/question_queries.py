"""Reads of the library's questions that pages, the API and the library's search share, each with what it needs
fetched at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from cicopa.core import queries as core_queries
from cicopa.core.i18n import current_language
from cicopa.core.models import Country, Sector
from cicopa.core.roles import is_authenticated
from cicopa.knowledge import question_permissions as rules
from cicopa.knowledge.library import Card
from cicopa.knowledge.models import Answer, Question, Topic
from cicopa.knowledge.permissions import writing_organisation_ids

STATES = ("open", "answered")


@dataclass(frozen=True)
class QuestionFilters:
    topic: str = ""
    country: str = ""
    sector: str = ""
    state: str = ""  # "open": no most useful answer yet; "answered": one
    mine: str = ""  # "1": those the reader asked, or their organisations did

    def as_query(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v}


def parse_filters(params: Any) -> QuestionFilters:
    """Filters from a query string; unknown values are dropped (a stale link still shows the questions)."""

    def one(name: str) -> str:
        value = params.get(name) or ""
        return value[:100] if isinstance(value, str) else ""

    topic, country, sector, state = one("topic"), one("country").upper(), one("sector"), one("state")
    return QuestionFilters(
        topic=topic if topic and Topic.objects.filter(code=topic).exists() else "",
        country=country if len(country) == 2 and Country.objects.filter(iso2=country).exists() else "",
        sector=sector if sector and Sector.objects.filter(code=sector).exists() else "",
        state=state if state in STATES else "",
        mine="1" if one("mine") in ("1", "true") else "",
    )


def with_details(qs: QuerySet[Question]) -> QuerySet[Question]:
    return qs.select_related("organisation", "country", "author", "accepted_answer").prefetch_related(
        "topics",
        "sectors",
        Prefetch(
            "answers", queryset=Answer.objects.select_related("organisation", "author").order_by("created_at", "id")
        ),
    )


def questions(user: Any, filters: QuestionFilters | None = None) -> QuerySet[Question]:
    """The questions `user` may read (the public: answered ones), newest first, narrowed by `filters`."""
    qs = rules.visible_questions(user)
    f = filters or QuestionFilters()
    if f.topic:
        qs = qs.filter(topics__code=f.topic)
    if f.country:
        qs = qs.filter(country_id=f.country)
    if f.sector:
        qs = qs.filter(sectors__code=f.sector)
    if f.state == "open":
        qs = qs.filter(accepted_answer__isnull=True)
    elif f.state == "answered":
        qs = qs.filter(accepted_answer__isnull=False)
    if f.mine:
        if not is_authenticated(user):
            return qs.none()
        qs = qs.filter(Q(author=user) | Q(organisation_id__in=writing_organisation_ids(user)))
    return with_details(qs.distinct().annotate(answer_count=Count("answers", distinct=True))).order_by(
        "-created_at", "-id"
    )


def question_for(user: Any, question_id: Any) -> Question | None:
    """The question `user` may read under this id, or None (the page and the API answer 404)."""
    return core_queries.by_id(with_details(rules.visible_questions(user)), question_id)


def answers_in_order(question: Question) -> list[Answer]:
    """Its answers as its page shows them: the most useful first, then the others, oldest first."""
    answers = list(question.answers.all())
    return sorted(answers, key=lambda a: (a.pk != question.accepted_answer_id, a.created_at, a.pk))


def library_cards(ids: list[int]) -> dict[int, Card]:
    """The library search's cards of these public questions (knowledge.library.CARD_MAKERS; others are left out).
    A question is written in one language: its title and text are its own, marked with it for a reader of
    another."""
    language = current_language()
    found = (
        Question.objects.filter(rules.PUBLIC_QUESTION, pk__in=ids)
        .select_related("organisation")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.order_by("created_at", "id")))
    )
    cards = {}
    for q in found:
        cards[q.pk] = Card(
            title=q.title,
            url=q.get_absolute_url(),
            summary=q.body[:300],
            text="\n\n".join([q.body, *(a.body for a in q.answers.all())]),
            original_language=q.language if q.language != language else None,
        )
    return cards
