"""Knowledge library endpoints of the JSON API, under /api/v1/knowledge/. Published experiences are public;
drafts, submitted and returned ones are seen (and written) by their authors, their organisations' people and
the secretariat, with the same services and rules as the pages; to anyone else they do not exist (404)."""

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
from cicopa.knowledge import library, permissions, queries, services
from cicopa.knowledge.models import Experience, Topic
from cicopa.registry.models import Organisation

router = Router(tags=["knowledge"])
PAGE_SIZE = 50


class TopicOut(Schema):
    code: str
    name: str


class TranslationText(JsonObject):
    title: str | None = None
    summary: str | None = None
    problem: str | None = None
    actions: str | None = None
    results: str | None = None
    lessons: str | None = None


class ExperienceFields(JsonObject):
    language: str | None = Field(None, description="en, fr or es: the language the experience is written in")
    title: str | None = None
    summary: str | None = None
    problem: str | None = None
    actions: str | None = None
    results: str | None = None
    lessons: str | None = None
    figures: str | None = Field(None, description='Figures of the results, one a line as "label: value"')
    contact: str | None = None
    country: str | None = Field(None, description="ISO 3166-1 alpha-2; the organisation's when not given")
    year: int | None = None
    sectors: list[str] | None = Field(None, description="Sector codes")
    topics: list[str] | None = Field(None, description="Topic codes (GET /knowledge/topics)")
    translations: dict[str, TranslationText] | None = Field(
        None, description="Translations by language (en, fr, es); the whole set: a language left out is removed"
    )


class ExperienceIn(ExperienceFields):
    organisation: str = Field(description="The slug of the organisation the experience is of")


class ReturnIn(JsonObject):
    comment: str = Field(description="What should change before it can be published")


class ExperienceOut(Schema):
    id: int
    url: str
    organisation: dict[str, Any]
    status: str
    language: str
    title: str
    summary: str
    problem: str
    actions: str
    results: str
    lessons: str
    figures: str
    contact: str
    country: str
    year: int
    sectors: list[str]
    topics: list[str]
    translations: dict[str, dict[str, str]]
    attachments: list[dict[str, Any]]
    review_comment: str
    published_at: str | None


class ExperiencePageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[ExperienceOut]


class LibraryQuery(Schema):
    q: str | None = Field(None, description="Words to find, in any language, accents and case aside; each a prefix")
    topic: str | None = None
    country: str | None = None
    sector: str | None = None
    language: str | None = None
    year: str | None = None
    page: int = 1


class SearchQuery(Schema):
    q: str | None = Field(None, description="Words to find, in any language, accents and case aside; each a prefix")
    kind: str | None = Field(None, description="experience, study, question or recommendation (comma-separated)")
    topic: str | None = Field(None, description="Topic codes (GET /knowledge/topics), comma-separated")
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 codes or names, comma-separated")
    sector: str | None = Field(None, description="Sector codes, comma-separated")
    language: str | None = Field(None, description="Languages it can be read in: en, fr, es")
    year: str | None = Field(None, description="Years, comma-separated")
    sort: str | None = Field(None, description="relevance (the default with words) or newest")
    page: str | None = Field(None, description="From 1; 20 results a page")


class FacetValueOut(Schema):
    value: str
    name: str
    count: int


class SearchHitOut(Schema):
    kind: str
    id: int
    url: str
    title: str
    summary: str
    excerpt: str = Field(description="The passage around the words found, the words between [[ and ]]")
    original_language: str | None = Field(description="The language shown, when not the one asked for")
    language: str
    year: int | None
    countries: list[str]
    topics: list[str]
    published_at: str


class SearchOut(Schema):
    count: int
    count_is_capped: bool
    ranked_among: int | None = Field(description="Relevance covers the newest this many results, when more match")
    page: int
    pages: int
    results: list[SearchHitOut]
    facets: dict[str, list[FacetValueOut]]


def experience_dict(e: Experience) -> dict[str, Any]:
    return {
        "id": e.pk,
        "url": e.get_absolute_url(),
        "organisation": {"slug": e.organisation.slug, "name": e.organisation.name},
        "status": e.status,
        "language": e.language,
        "title": e.title,
        "summary": e.summary,
        "problem": e.problem,
        "actions": e.actions,
        "results": e.results,
        "lessons": e.lessons,
        "figures": e.figures,
        "contact": e.contact,
        "country": e.country_id,
        "year": e.year,
        "sectors": sorted(s.code for s in e.sectors.all()),
        "topics": sorted(t.code for t in e.topics.all()),
        "translations": {
            t.language: {f: getattr(t, f) for f in ("title", "summary", "problem", "actions", "results", "lessons")}
            for t in e.translations.all()
        },
        "attachments": [
            {"filename": a.filename, "media_type": a.media_type, "size": a.size, "url": a.get_absolute_url()}
            for a in e.attachments.all()
        ],
        "review_comment": e.review_comment,
        "published_at": e.published_at.isoformat() if e.published_at else None,
    }


def _experience(request: HttpRequest, experience_id: int) -> Experience:
    found = queries.experience_for(request.user, experience_id)
    if found is None:
        raise HttpError(404, _("No such experience."))
    return found


def _fresh(experience: Experience) -> dict[str, Any]:
    return experience_dict(queries.with_details(Experience.objects.filter(pk=experience.pk)).get())


def _data(payload: ExperienceFields) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True, exclude={"organisation"})
    if "translations" in data and data["translations"] is not None:
        data["translations"] = {
            k: {f: v for f, v in (t or {}).items() if v is not None} for k, t in data["translations"].items()
        }
    return data


@router.get("/knowledge/topics", summary="The library's topics", auth=None, response=list[TopicOut])
def topics(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"code": t.code, "name": t.name} for t in Topic.objects.all()]


@router.get(
    "/knowledge/experiences", summary="Published experiences, newest first", auth=None, response=ExperiencePageOut
)
def list_experiences(request: HttpRequest, params: Query[LibraryQuery]) -> dict[str, Any]:
    if not 1 <= params.page <= 100_000:
        raise ValidationError({"page": _("Give a page from 1.")})
    paginator = Paginator(queries.published_experiences(queries.parse_filters(request.GET)), PAGE_SIZE)
    page = paginator.get_page(params.page)
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "results": [experience_dict(e) for e in page.object_list],
    }


@router.get(
    "/knowledge/my/experiences",
    summary="Experiences of the organisations you write for, whatever their status",
    auth=WRITE_AUTH,
    response=list[ExperienceOut],
)
def my_experiences(request: HttpRequest) -> list[dict[str, Any]]:
    qs = queries.with_details(permissions.managed_experiences(request.user)).order_by("-id")[:500]
    return [experience_dict(e) for e in qs]


@router.get("/knowledge/experiences/{experience_id}", summary="One experience", auth=None, response=ExperienceOut)
def get_experience(request: HttpRequest, response: HttpResponse, experience_id: int) -> dict[str, Any]:
    """A published experience is public; another is seen only by its authors, its organisation's people and the
    secretariat (404 for anyone else). ETag holds its version: send it back in If-Match with a PATCH."""
    experience = _experience(request, experience_id)
    response["ETag"] = f'"{services.experience_version(experience)}"'
    return experience_dict(experience)


@router.post(
    "/knowledge/experiences", summary="Write an experience (a draft)", auth=WRITE_AUTH, response={201: ExperienceOut}
)
def create_experience(request: HttpRequest, payload: ExperienceIn) -> tuple[int, dict[str, Any]]:
    org = Organisation.objects.filter(slug=payload.organisation[:100]).first()
    if org is None:
        raise ValidationError({"organisation": _("No organisation has this slug.")})
    experience = services.experience_create(actor=request.user, organisation=org, data=_data(payload))
    return 201, _fresh(experience)


@router.patch(
    "/knowledge/experiences/{experience_id}",
    summary="Change a draft or returned experience",
    auth=WRITE_AUTH,
    response=ExperienceOut,
)
def update_experience(
    request: HttpRequest,
    response: HttpResponse,
    experience_id: int,
    payload: ExperienceFields,
    version: str | None = IF_MATCH,
) -> dict[str, Any]:
    experience = services.experience_update(
        actor=request.user,
        experience=_experience(request, experience_id),
        data=_data(payload),
        based_on=if_match(version),
    )
    response["ETag"] = f'"{services.experience_version(experience)}"'
    return _fresh(experience)


@router.post(
    "/knowledge/experiences/{experience_id}/submit",
    summary="Submit an experience for the secretariat's review",
    auth=WRITE_AUTH,
    response=ExperienceOut,
)
def submit_experience(request: HttpRequest, experience_id: int) -> dict[str, Any]:
    return _fresh(services.experience_submit(actor=request.user, experience=_experience(request, experience_id)))


@router.post(
    "/knowledge/experiences/{experience_id}/publish",
    summary="Publish a submitted experience (secretariat)",
    auth=WRITE_AUTH,
    response=ExperienceOut,
)
def publish_experience(request: HttpRequest, experience_id: int) -> dict[str, Any]:
    return _fresh(services.experience_publish(actor=request.user, experience=_experience(request, experience_id)))


@router.post(
    "/knowledge/experiences/{experience_id}/return",
    summary="Return a submitted experience to its authors with a comment (secretariat)",
    auth=WRITE_AUTH,
    response=ExperienceOut,
)
def return_experience(request: HttpRequest, experience_id: int, payload: ReturnIn) -> dict[str, Any]:
    return _fresh(
        services.experience_return(
            actor=request.user, experience=_experience(request, experience_id), comment=payload.comment
        )
    )


@router.get(
    "/knowledge/search",
    summary="One search across the library: experiences, studies, answered questions, recommendations",
    auth=None,
    response=SearchOut,
)
def search(request: HttpRequest, params: Query[SearchQuery]) -> dict[str, Any]:
    """Only what is published is searched. An unknown filter value is a 422 naming it."""
    filters, errors = library.parse_filters(request.GET)
    if errors:
        raise ValidationError(errors)
    page = library.search(filters)
    return {
        "count": page.total,
        "count_is_capped": page.capped,
        "ranked_among": page.ranked_limit,
        "page": filters.page,
        "pages": page.pages,
        "results": [
            {
                "kind": hit.kind,
                "id": hit.object_id,
                "url": request.build_absolute_uri(hit.card.url),
                "title": hit.card.title,
                "summary": hit.card.summary,
                "excerpt": "".join(f"[[{text}]]" if marked else text for text, marked in hit.excerpt),
                "original_language": hit.card.original_language,
                "language": hit.language,
                "year": hit.year,
                "countries": hit.countries,
                "topics": hit.topics,
                "published_at": hit.published_at.isoformat(),
            }
            for hit in page.hits
        ],
        "facets": {
            name: [{"value": code, "name": label, "count": n} for code, label, n in values]
            for name, values in page.facets.items()
        },
    }


# The routers of recommendations, studies, and questions and answers (they import from here: so, last).
from cicopa.knowledge.question_api import router as question_router  # noqa: E402
from cicopa.knowledge.recommendation_api import router as recommendation_router  # noqa: E402
from cicopa.knowledge.study_api import router as study_router  # noqa: E402

router.add_router("", recommendation_router)
router.add_router("", study_router)
router.add_router("", question_router)
