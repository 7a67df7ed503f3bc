"""Recommendation endpoints of the JSON API, under /api/v1/knowledge/recommendations. Issued recommendations are
public, with their texts in English, French and Spanish; a draft exists only for the secretariat (404 for anyone
else). The secretariat writes, issues and circulates them; an officer of a recipient member organisation records
its responses (never another organisation's); the adoption figures are the dashboard's, for the secretariat and
the officers of member organisations. The same services and rules as the pages."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from cicopa.core.api_auth import WRITE_AUTH
from cicopa.core.api_input import IF_MATCH, JsonObject, if_match
from cicopa.core.errors import PermissionDenied
from cicopa.knowledge import recommendation_permissions as permissions
from cicopa.knowledge import recommendation_queries as queries
from cicopa.knowledge import recommendation_responses as responses
from cicopa.knowledge import recommendation_services as services
from cicopa.knowledge.models import Recipient, Recommendation
from cicopa.knowledge.recommendation_views import adoption_figures

router = Router(tags=["knowledge"])


class RecommendationTextIn(JsonObject):
    title: str | None = None
    text: str | None = None


class RecommendationIn(JsonObject):
    texts: dict[str, RecommendationTextIn] | None = Field(
        None, description="Title and text by language (en, fr, es); the whole set: a language left out is removed"
    )
    topics: list[str] | None = Field(None, description="Topic codes (GET /knowledge/topics)")
    experiences: list[int] | None = Field(None, description="Ids of published experiences it draws on")
    studies: list[int] | None = Field(None, description="Ids of published studies it draws on")
    follow_up_date: datetime.date | None = Field(None, description="YYYY-MM-DD; reminders go out before it")


class CirculateIn(JsonObject):
    scope: str = Field(description="all, regions, countries or sectors")
    codes: list[str] | None = Field(
        None, description="UN M49 region codes, ISO 3166-1 alpha-2 country codes or sector codes; none for all"
    )


class ResponseIn(JsonObject):
    organisation: str = Field(description="The slug of the recipient member organisation you answer for")
    status: str = Field(
        description="acknowledged, under_consideration, adopted, partly_adopted or not_adopted "
        "(received is recorded at circulation)"
    )
    comment: str | None = None
    evidence_url: str | None = Field(None, description="A link (http or https) to a decision, minutes, a page")


class RecommendationOut(Schema):
    id: int
    url: str
    reference: str
    status: str
    texts: dict[str, dict[str, str]]
    topics: list[str]
    experiences: list[int]
    studies: list[int]
    follow_up_date: str | None
    issued_at: str | None


class ResponseOut(Schema):
    status: str
    comment: str
    evidence_url: str
    evidence_file: str | None
    at: str
    by_secretariat: bool


class RecipientOut(Schema):
    organisation: dict[str, Any]
    status: str
    status_changed_at: str
    circulated_at: str
    reminded_at: str | None
    history: list[ResponseOut]


class CirculationOut(Schema):
    circulated_at: str
    audience: dict[str, Any]
    added: int


class AdoptionOut(Schema):
    total: int
    by_status: list[dict[str, Any]]
    by_region: list[dict[str, Any]]
    period: str
    over_time: list[dict[str, Any]]
    by_country: dict[str, dict[str, Any]]
    not_answered: list[dict[str, Any]]


def recommendation_dict(rec: Recommendation) -> dict[str, Any]:
    return {
        "id": rec.pk,
        "url": rec.get_absolute_url(),
        "reference": rec.reference,
        "status": rec.status,
        "texts": {t.language: {"title": t.title, "text": t.text} for t in rec.texts.all()},
        "topics": sorted(t.code for t in rec.topics.all()),
        "experiences": sorted(e.pk for e in rec.experiences.all()),
        "studies": sorted(s.pk for s in rec.studies.all()),
        "follow_up_date": rec.follow_up_date.isoformat() if rec.follow_up_date else None,
        "issued_at": rec.issued_at.isoformat() if rec.issued_at else None,
    }


def recipient_dict(r: Recipient) -> dict[str, Any]:
    return {
        "organisation": {
            "slug": r.organisation.slug,
            "name": r.organisation.name,
            "country": r.organisation.country_id,
        },
        "status": r.status,
        "status_changed_at": r.status_changed_at.isoformat(),
        "circulated_at": r.circulated_at.isoformat(),
        "reminded_at": r.reminded_at.isoformat() if r.reminded_at else None,
        "history": [
            {
                "status": x.status,
                "comment": x.comment,
                "evidence_url": x.evidence_url,
                "evidence_file": x.get_evidence_url() if x.evidence_filename else None,
                "at": x.at.isoformat(),
                "by_secretariat": x.by_secretariat,
            }
            for x in r.responses.all()
        ],
    }


def _recommendation(request: HttpRequest, recommendation_id: int) -> Recommendation:
    found = queries.recommendation_for(request.user, recommendation_id)
    if found is None:
        raise HttpError(404, _("No such recommendation."))
    return found


def _fresh(rec: Recommendation) -> dict[str, Any]:
    return recommendation_dict(queries.with_details(Recommendation.objects.filter(pk=rec.pk)).get())


def _data(payload: RecommendationIn) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    if data.get("texts") is not None:
        data["texts"] = {k: {f: v for f, v in (t or {}).items() if v is not None} for k, t in data["texts"].items()}
    return data


@router.get(
    "/knowledge/recommendations",
    summary="Issued recommendations, newest first (and drafts, for the secretariat)",
    auth=None,
    response=list[RecommendationOut],
)
def list_recommendations(request: HttpRequest) -> list[dict[str, Any]]:
    qs = queries.with_details(permissions.visible_recommendations(request.user)).order_by("-issued_at", "-id")
    return [recommendation_dict(r) for r in qs[:500]]


@router.get(
    "/knowledge/recommendations/{recommendation_id}",
    summary="One recommendation, with its texts in every language",
    auth=None,
    response=RecommendationOut,
)
def get_recommendation(request: HttpRequest, response: HttpResponse, recommendation_id: int) -> dict[str, Any]:
    """An issued recommendation is public; a draft is seen only by the secretariat (404 for anyone else). ETag
    holds its version: send it back in If-Match with a PATCH."""
    rec = _recommendation(request, recommendation_id)
    response["ETag"] = f'"{services.recommendation_version(rec)}"'
    return recommendation_dict(rec)


@router.post(
    "/knowledge/recommendations",
    summary="Write a recommendation, a draft (secretariat)",
    auth=WRITE_AUTH,
    response={201: RecommendationOut},
)
def create_recommendation(request: HttpRequest, payload: RecommendationIn) -> tuple[int, dict[str, Any]]:
    rec = services.recommendation_create(actor=request.user, data=_data(payload))
    return 201, _fresh(rec)


@router.patch(
    "/knowledge/recommendations/{recommendation_id}",
    summary="Change a recommendation (secretariat)",
    auth=WRITE_AUTH,
    response=RecommendationOut,
)
def update_recommendation(
    request: HttpRequest,
    response: HttpResponse,
    recommendation_id: int,
    payload: RecommendationIn,
    version: str | None = IF_MATCH,
) -> dict[str, Any]:
    rec = services.recommendation_update(
        actor=request.user,
        recommendation=_recommendation(request, recommendation_id),
        data=_data(payload),
        based_on=if_match(version),
    )
    response["ETag"] = f'"{services.recommendation_version(rec)}"'
    return _fresh(rec)


@router.post(
    "/knowledge/recommendations/{recommendation_id}/issue",
    summary="Issue a recommendation written in English, French and Spanish: it becomes public (secretariat)",
    auth=WRITE_AUTH,
    response=RecommendationOut,
)
def issue_recommendation(request: HttpRequest, recommendation_id: int) -> dict[str, Any]:
    rec = services.recommendation_issue(actor=request.user, recommendation=_recommendation(request, recommendation_id))
    return _fresh(rec)


@router.post(
    "/knowledge/recommendations/{recommendation_id}/circulate",
    summary="Circulate an issued recommendation to member organisations (secretariat); those that have it already "
    "are not added again",
    auth=WRITE_AUTH,
    response={201: CirculationOut},
)
def circulate_recommendation(
    request: HttpRequest, recommendation_id: int, payload: CirculateIn
) -> tuple[int, dict[str, Any]]:
    circulation = services.recommendation_circulate(
        actor=request.user,
        recommendation=_recommendation(request, recommendation_id),
        scope=payload.scope,
        codes=payload.codes,
    )
    return 201, {
        "circulated_at": circulation.circulated_at.isoformat(),
        "audience": circulation.audience,
        "added": circulation.added,
    }


@router.get(
    "/knowledge/recommendations/{recommendation_id}/responses",
    summary="The responses, with their history: of the organisations you answer for, or all for the secretariat",
    auth=WRITE_AUTH,
    response=list[RecipientOut],
)
def list_responses(request: HttpRequest, recommendation_id: int) -> list[dict[str, Any]]:
    rec = _recommendation(request, recommendation_id)
    if permissions.can_manage_recommendations(request.user):
        rows = list(queries.recipients(rec))
    else:
        rows = queries.own_recipients(request.user, rec)
    return [recipient_dict(r) for r in rows]


@router.post(
    "/knowledge/recommendations/{recommendation_id}/responses",
    summary="Record the next step of your organisation's response (an officer of the recipient organisation)",
    auth=WRITE_AUTH,
    response={201: RecipientOut},
)
def record_response(request: HttpRequest, recommendation_id: int, payload: ResponseIn) -> tuple[int, dict[str, Any]]:
    rec = _recommendation(request, recommendation_id)
    recipient = Recipient.objects.filter(recommendation=rec, organisation__slug=payload.organisation[:120]).first()
    if recipient is None:
        raise HttpError(404, _("This recommendation was not sent to an organisation with this slug."))
    responses.response_record(
        actor=request.user,
        recipient=recipient,
        status=payload.status,
        comment=payload.comment or "",
        evidence_url=payload.evidence_url or "",
    )
    fresh = queries.recipients(rec).get(pk=recipient.pk)
    return 201, recipient_dict(fresh)


@router.get(
    "/knowledge/recommendations/{recommendation_id}/adoption",
    summary="The adoption figures: by status, by region, over time, by country, and who has not answered "
    "(secretariat and officers of member organisations)",
    auth=WRITE_AUTH,
    response=AdoptionOut,
)
def get_adoption(request: HttpRequest, recommendation_id: int) -> dict[str, Any]:
    rec = _recommendation(request, recommendation_id)
    if not permissions.can_see_adoption(request.user, rec):
        raise PermissionDenied(_("The adoption of recommendations is for the secretariat and member organisations."))
    return adoption_figures(queries.adoption(rec))
