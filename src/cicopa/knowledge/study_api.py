"""The library's studies in the JSON API, under /api/v1/knowledge/studies. Published studies and their PDFs are
public; the others are seen (and written) by their authors, their organisations' people and the secretariat,
with the same services and rules as the pages; to anyone else they do not exist (404).

A study is described with JSON (POST, PATCH with If-Match), then its PDF is sent whole as the body of
`PUT /knowledge/studies/{id}/file` with `Content-Type: application/pdf` (the file's name in `?filename=`); its
text is read in the background (`extraction`: pending, then done or unreadable)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from cicopa.core import formats
from cicopa.core.api_auth import WRITE_AUTH
from cicopa.core.api_input import IF_MATCH, JsonObject, if_match
from cicopa.knowledge import study_queries, study_services
from cicopa.knowledge.api import ReturnIn
from cicopa.knowledge.models import Study, StudyFile
from cicopa.registry.models import Organisation

router = Router(tags=["knowledge"])
PAGE_SIZE = 50


class StudyFields(JsonObject):
    language: str | None = Field(None, description="en, fr or es: the language the study is written in")
    title: str | None = None
    authors: str | None = Field(None, description="The authors, one a line")
    year: int | None = None
    abstract: str | None = None
    topics: list[str] | None = Field(None, description="Topic codes (GET /knowledge/topics)")
    countries: list[str] | None = Field(None, description="ISO 3166-1 alpha-2 codes; the organisation's by default")
    sectors: list[str] | None = Field(None, description="Sector codes")


class StudyIn(StudyFields):
    organisation: str | None = Field(
        None, description="The slug of the organisation publishing it; none for the secretariat's own (secretariat)"
    )


class StudyFileOut(Schema):
    filename: str
    size: int
    url: str


class StudyOut(Schema):
    id: int
    url: str
    organisation: dict[str, Any] | None
    status: str
    language: str
    title: str
    authors: list[str]
    year: int
    abstract: str
    topics: list[str]
    countries: list[str]
    sectors: list[str]
    file: StudyFileOut | None
    pages: int | None
    extraction: str = Field(description="pending, done or unreadable (then found by its title and abstract only)")
    review_comment: str
    published_at: str | None


class StudyPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[StudyOut]


class PageQuery(Schema):
    page: int = 1


def study_dict(s: Study, file: StudyFile | None) -> dict[str, Any]:
    return {
        "id": s.pk,
        "url": s.get_absolute_url(),
        "organisation": {"slug": s.organisation.slug, "name": s.organisation.name} if s.organisation else None,
        "status": s.status,
        "language": s.language,
        "title": s.title,
        "authors": s.author_names(),
        "year": s.year,
        "abstract": s.abstract,
        "topics": sorted(t.code for t in s.topics.all()),
        "countries": sorted(c.iso2 for c in s.countries.all()),
        "sectors": sorted(x.code for x in s.sectors.all()),
        "file": {"filename": file.filename, "size": file.size, "url": f"/api/v1/knowledge/studies/{s.pk}/file"}
        if file
        else None,
        "pages": s.pages,
        "extraction": s.extraction,
        "review_comment": s.review_comment,
        "published_at": s.published_at.isoformat() if s.published_at else None,
    }


def _files(ids: list[int]) -> dict[int, StudyFile]:
    return {f.study_id: f for f in StudyFile.objects.defer("data").filter(study_id__in=ids)}


def _study(request: HttpRequest, study_id: int) -> Study:
    found = study_queries.study_for(request.user, study_id)
    if found is None:
        raise HttpError(404, _("No such study."))
    return found


def _fresh(study: Study) -> dict[str, Any]:
    s = study_queries.with_details(Study.objects.filter(pk=study.pk)).get()
    return study_dict(s, study_queries.file_of(s))


@router.get("/knowledge/studies", summary="Published studies, newest first", auth=None, response=StudyPageOut)
def list_studies(request: HttpRequest, params: Query[PageQuery]) -> dict[str, Any]:
    if not 1 <= params.page <= 100_000:
        raise ValidationError({"page": _("Give a page from 1.")})
    paginator = Paginator(study_queries.published_studies(), PAGE_SIZE)
    page = paginator.get_page(params.page)
    studies = list(page.object_list)
    files = _files([s.pk for s in studies])
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "results": [study_dict(s, files.get(s.pk)) for s in studies],
    }


@router.get("/knowledge/studies/{study_id}", summary="One study", auth=None, response=StudyOut)
def get_study(request: HttpRequest, response: HttpResponse, study_id: int) -> dict[str, Any]:
    """A published study is public; another is seen only by its authors, its organisation's people and the
    secretariat (404 for anyone else). ETag holds its version: send it back in If-Match with a PATCH."""
    study = _study(request, study_id)
    response["ETag"] = f'"{study_services.study_version(study)}"'
    return study_dict(study, study_queries.file_of(study))


@router.get(
    "/knowledge/studies/{study_id}/file",
    summary="The study's PDF",
    auth=None,
    response={200: None},
    openapi_extra={
        "responses": {
            200: {
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
                "description": "The PDF",
            }
        }
    },
)
def get_study_file(request: HttpRequest, study_id: int) -> HttpResponse:
    from cicopa.knowledge.views import document_download

    study = _study(request, study_id)
    found = StudyFile.objects.filter(study_id=study.pk).first()
    if found is None:
        raise HttpError(404, _("This study has no PDF yet."))
    return document_download(found.data, found.filename, "application/pdf")


@router.post("/knowledge/studies", summary="Describe a study (a draft)", auth=WRITE_AUTH, response={201: StudyOut})
def create_study(request: HttpRequest, payload: StudyIn) -> tuple[int, dict[str, Any]]:
    org = None
    if payload.organisation is not None:
        org = Organisation.objects.filter(slug=payload.organisation[:100]).first()
        if org is None:
            raise ValidationError({"organisation": _("No organisation has this slug.")})
    data = payload.dict(exclude_unset=True, exclude={"organisation"})
    study = study_services.study_create(actor=request.user, organisation=org, data=data)
    return 201, _fresh(study)


@router.patch(
    "/knowledge/studies/{study_id}", summary="Change a draft or returned study", auth=WRITE_AUTH, response=StudyOut
)
def update_study(
    request: HttpRequest, response: HttpResponse, study_id: int, payload: StudyFields, version: str | None = IF_MATCH
) -> dict[str, Any]:
    study = study_services.study_update(
        actor=request.user,
        study=_study(request, study_id),
        data=payload.dict(exclude_unset=True),
        based_on=if_match(version),
    )
    response["ETag"] = f'"{study_services.study_version(study)}"'
    return _fresh(study)


class FileQuery(Schema):
    filename: str = Field("study.pdf", description="The PDF's file name, ending in .pdf")


@router.put(
    "/knowledge/studies/{study_id}/file",
    summary="Send the study's PDF (the body is the PDF, Content-Type: application/pdf)",
    auth=WRITE_AUTH,
    response=StudyOut,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
def upload_study_file(request: HttpRequest, study_id: int, params: Query[FileQuery]) -> dict[str, Any]:
    """Replaces the PDF the study had. Refused (422) when the body is not a PDF, is empty or is larger than the
    platform's upload limit. Its text is read in the background: `extraction` says when it is done."""
    study = _study(request, study_id)
    if request.content_type != "application/pdf":
        raise ValidationError({"file": _("Send the PDF itself as the body, with Content-Type: application/pdf.")})
    limit = settings.CICOPA_MAX_UPLOAD_BYTES
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        raise ValidationError(
            {"file": _("The file is larger than %(mb)s MB.") % {"mb": formats.format_number(limit // (1024 * 1024))}}
        )
    data = request.read(limit + 1)
    study_services.study_upload_file(actor=request.user, study=study, filename=params.filename[:300], data=data)
    return _fresh(study)


@router.post(
    "/knowledge/studies/{study_id}/submit",
    summary="Submit a study for the secretariat's review",
    auth=WRITE_AUTH,
    response=StudyOut,
)
def submit_study(request: HttpRequest, study_id: int) -> dict[str, Any]:
    return _fresh(study_services.study_submit(actor=request.user, study=_study(request, study_id)))


@router.post(
    "/knowledge/studies/{study_id}/publish",
    summary="Publish a submitted study, or a draft at once (secretariat)",
    auth=WRITE_AUTH,
    response=StudyOut,
)
def publish_study(request: HttpRequest, study_id: int) -> dict[str, Any]:
    return _fresh(study_services.study_publish(actor=request.user, study=_study(request, study_id)))


@router.post(
    "/knowledge/studies/{study_id}/return",
    summary="Return a submitted study to its authors with a comment (secretariat)",
    auth=WRITE_AUTH,
    response=StudyOut,
)
def return_study(request: HttpRequest, study_id: int, payload: ReturnIn) -> dict[str, Any]:
    return _fresh(
        study_services.study_return(actor=request.user, study=_study(request, study_id), comment=payload.comment)
    )
