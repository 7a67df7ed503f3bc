"""Registry endpoints of the JSON API. Reads are public; writes call the same services as the pages."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.errors import HttpError

from cicopa.core import pagecache, subdivisions
from cicopa.core.api_auth import WRITE_AUTH
from cicopa.core.api_input import IF_MATCH, JsonObject, if_match
from cicopa.core.models import Country, LegalForm, MembershipType
from cicopa.registry import directory_queries, queries, representations, services
from cicopa.registry.models import (
    PUBLIC_MEMBERSHIP,
    Membership,
    MembershipStatus,
    Office,
    Organisation,
    OrganisationKind,
)
from cicopa.registry.schemas import (
    DirectoryPage,
    MembershipOut,
    OfficeOut,
    OrganisationIn,
    OrganisationOut,
)

router = Router(tags=["registry"])


class DirectoryQuery(Schema):
    q: str | None = Field(None, description="Words to find in name, acronym, description and city")
    kind: list[str] | None = Field(None, description="alliance, sectoral, member_organisation, cooperative, other")
    country: list[str] | None = Field(None, description="ISO 3166-1 alpha-2 codes, e.g. FR")
    subdivision: list[str] | None = Field(
        None, description="ISO 3166-2 codes of subdivisions of countries, e.g. FR-ARA (see /subdivisions)"
    )
    region: str | None = Field(None, description="UN M49 region, sub-region or intermediate region code")
    development: str | None = Field(None, description="developed or developing")
    sector: list[str] | None = Field(None, description="Sector codes (see /sectors)")
    membership_type: list[str] | None = None
    legal_form: list[str] | None = None
    status: str | None = Field(None, description="active (default), dissolved or all")
    member_of: str | None = Field(None, description="Slug of the organisation the results belong to")
    sort: str | None = Field(None, description="relevance, name, -name, country, founded, -founded, -members, -updated")
    page: int | None = Field(
        None, description="1 to 1,000,000, default 1", json_schema_extra={"minimum": 1, "maximum": 10**6}
    )
    page_size: int | None = Field(
        None, description="1 to 100, default 20", json_schema_extra={"minimum": 1, "maximum": 100}
    )
    facets: bool = Field(False, description="Include counts per filter value")


@router.get("/organisations", summary="Search the directory", auth=None, response=DirectoryPage, exclude_unset=True)
@decorate_view(pagecache.public)
def list_organisations(request: HttpRequest, params: Query[DirectoryQuery]) -> dict[str, Any]:
    filters = directory_queries.parse_filters(request.GET)
    page = directory_queries.search_directory(filters)
    if page.beyond_ranking:
        message = _(
            "sorted by best match, the results go up to page %(last)s; sort by name, or add words or filters, to see "
            "others"
        )
        raise ValidationError({"page": message % {"last": page.pages}})
    data: dict[str, Any] = {
        "count": page.total,
        "page": filters.page,
        "pages": page.pages,
        "page_size": filters.page_size,
        "results": [representations.organisation_summary(o) for o in page.items],
    }
    if page.ranked_limit is not None:
        data["ranked_limit"] = page.ranked_limit
    if page.total_is_capped:
        data["count_is_lower_bound"] = True
    if params.facets:
        facets = directory_queries.directory_facets(filters)
        data["facets"] = {
            key: [{"value": v, "label": label, "count": n} for v, label, n in values]
            for key, values in facets.groups.items()
        }
        data["facets_approximate"] = facets.approximate
    return data


class SubdivisionOut(Schema):
    code: str = Field(..., description="ISO 3166-2 code, e.g. ES-AL")
    name: str
    label: str = Field(..., description="The name with its parent or type where two would read alike")
    type: str = Field(..., description="As ISO 3166-2 names it, in English: Province, Autonomous community, ...")
    parent: str | None = Field(None, description="The code of the subdivision it is part of")


@router.get(
    "/subdivisions",
    summary="ISO 3166-2 subdivisions of a country (regions, provinces, states)",
    auth=None,
    response=list[SubdivisionOut],
)
@decorate_view(pagecache.public)
def list_subdivisions(
    request: HttpRequest, country: str = Query(..., description="ISO 3166-1 alpha-2 code, e.g. FR")
) -> list[dict[str, Any]]:
    """The codes an organisation's `subdivision` takes, sorted by name."""
    code = country.strip().upper()
    if not Country.objects.filter(iso2=code).exists():
        raise ValidationError(
            {"country": _("Unknown %(param)s: %(value)s") % {"param": _("country"), "value": country}}
        )
    return [
        {"code": s.code, "name": s.name, "label": s.label, "type": s.type, "parent": s.parent or None}
        for s in subdivisions.subdivisions(code)
    ]


@router.get("/organisations/{slug}", summary="One organisation", auth=None, response=OrganisationOut)
@decorate_view(pagecache.public)
def get_organisation(request: HttpRequest, response: HttpResponse, slug: str) -> dict[str, Any]:
    """The ETag header holds the organisation's version: send it back in If-Match with a PATCH so that a change
    made meanwhile by someone else is not overwritten (412 instead)."""
    org = _organisation(slug, profile=True)
    response["ETag"] = f'"{services.organisation_version(org)}"'
    return representations.organisation_detail(org)


def _organisation(slug: str, *, profile: bool = False) -> Organisation:
    """The organisation of a slug (with its profile's relations if asked), or a 404 that names the slug."""
    try:
        return queries.organisation_profile(slug) if profile else Organisation.objects.get(slug=slug)
    except Organisation.DoesNotExist:
        raise HttpError(404, _("No organisation has the slug %(slug)s.") % {"slug": slug}) from None


def _service_data(payload: OrganisationIn) -> dict[str, Any]:
    """Turn codes into records; report each unknown code by field."""
    data = payload.dict(exclude_unset=True)
    data.pop("parent", None)
    errors: dict[str, str] = {}
    lookups: dict[str, Any] = {"country": Country, "membership_type": MembershipType, "legal_form": LegalForm}
    for key, model in lookups.items():
        if data.get(key):
            code = data[key].upper() if key == "country" else data[key]
            obj = model.objects.filter(pk=code).first()
            if obj is None:
                label = getattr(Organisation._meta.get_field(key), "verbose_name", key)  # the reader's word
                errors[key] = _("Unknown %(param)s: %(value)s") % {"param": label, "value": data[key]}
            data[key] = obj
        elif key in data:
            data[key] = None
    if "kind" in data and data["kind"] not in OrganisationKind.values:
        errors["kind"] = _("Unknown kind: %(value)s") % {"value": data["kind"]}
    if errors:
        raise ValidationError(errors)
    return data


@router.post("/organisations", summary="Create an organisation", auth=WRITE_AUTH, response={201: OrganisationOut})
def create_organisation(request: HttpRequest, payload: OrganisationIn) -> tuple[int, dict[str, Any]]:
    parent = None
    if payload.parent:
        parent = queries.organisation_by_slug(payload.parent)
        if parent is None:
            raise ValidationError({"parent": _("No organisation has the slug %(slug)s.") % {"slug": payload.parent}})
    org = services.organisation_create(actor=request.user, data=_service_data(payload), parent=parent)
    return 201, representations.organisation_detail(queries.organisation_profile(org.slug))


@router.patch("/organisations/{slug}", summary="Change an organisation", auth=WRITE_AUTH, response=OrganisationOut)
def update_organisation(
    request: HttpRequest, response: HttpResponse, slug: str, payload: OrganisationIn, version: str | None = IF_MATCH
) -> dict[str, Any]:
    org = _organisation(slug)
    if payload.parent is not None:
        raise ValidationError({"parent": _("Change memberships through /memberships.")})
    org = services.organisation_update(
        actor=request.user, organisation=org, data=_service_data(payload), based_on=if_match(version)
    )
    org = queries.organisation_profile(org.slug)
    response["ETag"] = f'"{services.organisation_version(org)}"'
    return representations.organisation_detail(org)


@router.get("/organisations/{slug}/jsonld", summary="schema.org / W3C ORG JSON-LD", auth=None, response=dict[str, Any])
@decorate_view(pagecache.public)
def organisation_jsonld(request: HttpRequest, slug: str) -> dict[str, Any]:
    return representations.jsonld(_organisation(slug, profile=True))


@router.get(
    "/organisations/{slug}/murmurations",
    summary="Murmurations profile (organizations_schema-v1.0.0)",
    auth=None,
    response=dict[str, Any],
)
@decorate_view(pagecache.public)
def organisation_murmurations(request: HttpRequest, slug: str) -> dict[str, Any]:
    return representations.murmurations(_organisation(slug, profile=True))


@router.get("/organisations/{slug}/offices", summary="Officers, current and past", auth=None, response=list[OfficeOut])
@decorate_view(pagecache.public)
def organisation_offices(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    org = _organisation(slug)
    current, past = queries.offices(org)
    return [_office(o, True) for o in current] + [_office(o, False) for o in past]


def _office(o: Office, current: bool) -> dict[str, Any]:
    return {
        "id": o.pk,
        "person": o.person.full_name,
        "role": o.role,
        "current": current,
        "start": o.start.isoformat() if o.start else None,
        "end": o.end.isoformat() if o.end else None,
    }


class OfficeIn(JsonObject):
    role: str = Field(..., description="president, vice_president, secretary, treasurer, board_member or contact")
    full_name: str
    title: str = ""
    email: str = ""
    phone: str = ""
    start: datetime.date | None = None
    end: datetime.date | None = None


class OfficeEnd(JsonObject):
    end: datetime.date | None = Field(None, description="Last day of the term; today if left out")


@router.post("/organisations/{slug}/offices", summary="Record an officer", auth=WRITE_AUTH, response={201: OfficeOut})
def create_office(request: HttpRequest, slug: str, payload: OfficeIn) -> tuple[int, dict[str, Any]]:
    org = _organisation(slug)
    office = services.office_assign(
        actor=request.user,
        organisation=org,
        role=payload.role,
        person_data={
            "full_name": payload.full_name,
            "title": payload.title,
            "email": payload.email,
            "phone": payload.phone,
        },
        start=payload.start,
        end=payload.end,
    )
    return 201, _office(office, office.is_current())


@router.patch("/offices/{office_id}", summary="End an officer's term", auth=WRITE_AUTH, response=OfficeOut)
def end_office(request: HttpRequest, office_id: int, payload: OfficeEnd) -> dict[str, Any]:
    office = get_object_or_404(Office.objects.select_related("person", "organisation"), pk=office_id)
    office = services.office_end(actor=request.user, office=office, end=payload.end)
    return _office(office, office.is_current())


class MembershipIn(JsonObject):
    member: str = Field(..., description="Slug of the member")
    parent: str = Field(..., description="Slug of the organisation it belongs to")
    status: str = MembershipStatus.APPLICANT
    since: datetime.date | None = None
    note: str = ""


class MembershipChange(JsonObject):
    status: str
    date: datetime.date | None = None
    note: str = ""


@router.get(
    "/memberships",
    summary="Memberships, filtered by member or parent slug",
    auth=None,
    response=list[MembershipOut],
)
@decorate_view(pagecache.public)
def list_memberships(
    request: HttpRequest, member: str | None = None, parent: str | None = None, status: str | None = None
) -> list[dict[str, Any]]:
    if not member and not parent:
        raise ValidationError({"member": _("Give member or parent (an organisation's slug).")})
    if status and status not in PUBLIC_MEMBERSHIP:
        raise ValidationError(
            {"status": _("Unknown membership status: %(status)s") % {"status": status}}
            if status not in MembershipStatus.values
            else {"status": _("Applications are not public; their federation's officers see them on its members page.")}
        )
    memberships = queries.public_memberships(member=member, parent=parent, status=status)
    return [representations.membership_dict(m) for m in memberships[:1000]]


@router.post("/memberships", summary="Link a member to an organisation", auth=WRITE_AUTH, response={201: MembershipOut})
def create_membership(request: HttpRequest, payload: MembershipIn) -> tuple[int, dict[str, Any]]:
    member = queries.organisation_by_slug(payload.member)
    parent = queries.organisation_by_slug(payload.parent)
    errors = {}
    if member is None:
        errors["member"] = _("No organisation has the slug %(slug)s.") % {"slug": payload.member}
    if parent is None:
        errors["parent"] = _("No organisation has the slug %(slug)s.") % {"slug": payload.parent}
    if errors:
        raise ValidationError(errors)
    assert member is not None and parent is not None
    m = services.membership_create(
        actor=request.user,
        member=member,
        parent=parent,
        status=payload.status,
        since=payload.since,
        note=payload.note,
    )
    return 201, representations.membership_dict(m)


@router.patch(
    "/memberships/{membership_id}", summary="Change a membership's status", auth=WRITE_AUTH, response=MembershipOut
)
def change_membership(request: HttpRequest, membership_id: int, payload: MembershipChange) -> dict[str, Any]:
    m = get_object_or_404(Membership.objects.select_related("member", "parent"), pk=membership_id)
    m = services.membership_set_status(
        actor=request.user, membership=m, status=payload.status, date=payload.date, note=payload.note
    )
    return representations.membership_dict(m)
