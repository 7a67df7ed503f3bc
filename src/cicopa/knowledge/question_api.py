"""The library's questions and answers in the JSON API, under /api/v1/knowledge/questions. The public reads the
questions that have a most useful answer; a signed-in session or a token reads them all (an open question is a 404
to the public). Writes take a token and go through the same services and rules as the pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from cicopa.core.api_auth import WRITE_AUTH
from cicopa.core.api_input import IF_MATCH, JsonObject, if_match
from cicopa.core.roles import is_secretariat
from cicopa.knowledge import question_permissions as rules
from cicopa.knowledge import question_queries as queries
from cicopa.knowledge import question_services as services
from cicopa.knowledge.models import Answer, Question
from cicopa.registry.models import Organisation

router = Router(tags=["knowledge"])
PAGE_SIZE = 50


class QuestionFields(JsonObject):
    language: str | None = Field(None, description="en, fr or es: the language the question is written in")
    title: str | None = Field(None, description="The question, in one line (at most 200 characters)")
    body: str | None = Field(None, description="Its details (at most 10,000 characters)")
    country: str | None = Field(None, description="ISO 3166-1 alpha-2; the organisation's when not given")
    sectors: list[str] | None = Field(None, description="Sector codes")
    topics: list[str] | None = Field(None, description="Topic codes (GET /knowledge/topics)")


class QuestionIn(QuestionFields):
    organisation: str = Field(description="The slug of the organisation that asks")
    title: str = Field(description="The question, in one line (at most 200 characters)")
    body: str = Field(description="Its details (at most 10,000 characters)")


class AnswerChange(JsonObject):
    body: str = Field(description="The answer (at most 10,000 characters)")


class AnswerIn(JsonObject):
    body: str = Field(description="The answer (at most 10,000 characters)")
    organisation: str | None = Field(
        None,
        description="The slug of the organisation you answer for: when not given, the one you write for (if you "
        "write for one only), or the secretariat itself",
    )


class AnswerOut(Schema):
    id: int
    organisation: dict[str, Any] | None
    body: str
    most_useful: bool
    created_at: str
    edited_at: str | None


class QuestionOut(Schema):
    id: int
    url: str
    organisation: dict[str, Any]
    status: str = Field(description="open, answered (it has a most useful answer) or closed")
    language: str
    title: str
    body: str
    country: str
    sectors: list[str]
    topics: list[str]
    accepted_answer: int | None
    experience: int | None = Field(description="The experience made of it, if any")
    created_at: str
    answers: list[AnswerOut] = Field(description="The most useful first, then the others, oldest first")


class ExperienceRef(Schema):
    id: int
    url: str


class QuestionPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[QuestionOut]


class QuestionQuery(Schema):
    topic: str | None = None
    country: str | None = None
    sector: str | None = None
    state: str | None = Field(None, description="open or answered (signed in only: the public reads answered ones)")
    mine: str | None = Field(None, description="1: only those you asked, or the organisations you write for did")
    page: int = 1


def answer_dict(a: Answer, question: Question) -> dict[str, Any]:
    return {
        "id": a.pk,
        "organisation": {"slug": a.organisation.slug, "name": a.organisation.name} if a.organisation else None,
        "body": a.body,
        "most_useful": a.pk == question.accepted_answer_id,
        "created_at": a.created_at.isoformat(),
        "edited_at": a.edited_at.isoformat() if a.edited_at else None,
    }


def question_dict(q: Question) -> dict[str, Any]:
    return {
        "id": q.pk,
        "url": q.get_absolute_url(),
        "organisation": {"slug": q.organisation.slug, "name": q.organisation.name},
        "status": q.status,
        "language": q.language,
        "title": q.title,
        "body": q.body,
        "country": q.country_id,
        "sectors": sorted(s.code for s in q.sectors.all()),
        "topics": sorted(t.code for t in q.topics.all()),
        "accepted_answer": q.accepted_answer_id,
        "experience": q.experience_id,
        "created_at": q.created_at.isoformat(),
        "answers": [answer_dict(a, q) for a in queries.answers_in_order(q)],
    }


def _question(request: HttpRequest, question_id: int) -> Question:
    found = queries.question_for(request.user, question_id)
    if found is None:
        raise HttpError(404, _("No such question."))
    return found


def _answer(question: Question, answer_id: int) -> Answer:
    found = next((a for a in question.answers.all() if a.pk == answer_id), None)
    if found is None:
        raise HttpError(404, _("This question has no such answer."))
    return found


def _fresh(question: Question) -> dict[str, Any]:
    return question_dict(queries.with_details(Question.objects.filter(pk=question.pk)).get())


def _organisation(slug: str | None, field: str) -> Organisation | None:
    if slug is None:
        return None
    org = Organisation.objects.filter(slug=slug[:100]).first()
    if org is None:
        raise ValidationError({field: _("No organisation has this slug.")})
    return org


@router.get(
    "/knowledge/questions",
    summary="Questions to the network, newest first (the public: those with a most useful answer)",
    auth=None,
    response=QuestionPageOut,
)
def list_questions(request: HttpRequest, params: Query[QuestionQuery]) -> dict[str, Any]:
    if not 1 <= params.page <= 100_000:
        raise ValidationError({"page": _("Give a page from 1.")})
    paginator = Paginator(queries.questions(request.user, queries.parse_filters(request.GET)), PAGE_SIZE)
    page = paginator.get_page(params.page)
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "results": [question_dict(q) for q in page.object_list],
    }


@router.get(
    "/knowledge/questions/{question_id}", summary="One question and its answers", auth=None, response=QuestionOut
)
def get_question(request: HttpRequest, response: HttpResponse, question_id: int) -> dict[str, Any]:
    """A question with a most useful answer is public; another is read by signed-in people only (404 for the
    public). ETag holds its version: send it back in If-Match with a PATCH."""
    question = _question(request, question_id)
    response["ETag"] = f'"{services.question_version(question)}"'
    return question_dict(question)


@router.patch(
    "/knowledge/questions/{question_id}",
    summary="Change a question (its asker's side while it has no answers, then its author only)",
    auth=WRITE_AUTH,
    response=QuestionOut,
)
def update_question(
    request: HttpRequest,
    response: HttpResponse,
    question_id: int,
    payload: QuestionFields,
    version: str | None = IF_MATCH,
) -> dict[str, Any]:
    question = services.question_update(
        actor=request.user,
        question=_question(request, question_id),
        data=payload.dict(exclude_unset=True),
        based_on=if_match(version),
    )
    response["ETag"] = f'"{services.question_version(question)}"'
    return _fresh(question)


@router.post("/knowledge/questions", summary="Ask the network a question", auth=WRITE_AUTH, response={201: QuestionOut})
def ask_question(request: HttpRequest, payload: QuestionIn) -> tuple[int, dict[str, Any]]:
    org = _organisation(payload.organisation, "organisation")
    assert org is not None
    data = payload.dict(exclude_unset=True, exclude={"organisation"})
    question = services.question_ask(actor=request.user, organisation=org, data=data)
    return 201, _fresh(question)


@router.post(
    "/knowledge/questions/{question_id}/answers",
    summary="Answer a question",
    auth=WRITE_AUTH,
    response={201: QuestionOut},
)
def answer_question(request: HttpRequest, question_id: int, payload: AnswerIn) -> tuple[int, dict[str, Any]]:
    question = _question(request, question_id)
    org = _organisation(payload.organisation, "organisation")
    if org is None and not is_secretariat(request.user):
        mine = rules.answering_organisations(request.user)
        org = mine[0] if len(mine) == 1 else None  # the one organisation they write for, when there is one
    services.answer_post(actor=request.user, question=question, organisation=org, body=payload.body)
    return 201, _fresh(question)


@router.post(
    "/knowledge/questions/{question_id}/answers/{answer_id}/accept",
    summary="Mark an answer as the most useful (the asking organisation's people)",
    auth=WRITE_AUTH,
    response=QuestionOut,
)
def accept_answer(request: HttpRequest, question_id: int, answer_id: int) -> dict[str, Any]:
    question = _question(request, question_id)
    return _fresh(services.answer_accept(actor=request.user, question=question, answer=_answer(question, answer_id)))


@router.patch(
    "/knowledge/questions/{question_id}/answers/{answer_id}",
    summary="Change your answer",
    auth=WRITE_AUTH,
    response=QuestionOut,
)
def update_answer(request: HttpRequest, question_id: int, answer_id: int, payload: AnswerChange) -> dict[str, Any]:
    question = _question(request, question_id)
    services.answer_update(actor=request.user, answer=_answer(question, answer_id), body=payload.body)
    return _fresh(question)


@router.post(
    "/knowledge/questions/{question_id}/unaccept",
    summary="Withdraw the mark of the most useful answer: the question is open again, and no longer public",
    auth=WRITE_AUTH,
    response=QuestionOut,
)
def unaccept_answer(request: HttpRequest, question_id: int) -> dict[str, Any]:
    return _fresh(services.answer_unaccept(actor=request.user, question=_question(request, question_id)))


@router.post(
    "/knowledge/questions/{question_id}/close",
    summary="Close a question: it takes no more answers (the asking organisation's people, or the secretariat)",
    auth=WRITE_AUTH,
    response=QuestionOut,
)
def close_question(request: HttpRequest, question_id: int) -> dict[str, Any]:
    return _fresh(services.question_close(actor=request.user, question=_question(request, question_id)))


@router.post(
    "/knowledge/questions/{question_id}/experience",
    summary="Turn a question and its answers into a published experience (secretariat)",
    auth=WRITE_AUTH,
    response={201: ExperienceRef},
)
def question_to_experience(request: HttpRequest, question_id: int) -> tuple[int, dict[str, Any]]:
    """Answers 201 with the experience's id and address; a question is turned into an experience once (422 the
    second time)."""
    exp = services.question_to_experience(actor=request.user, question=_question(request, question_id))
    return 201, {"id": exp.pk, "url": exp.get_absolute_url()}
