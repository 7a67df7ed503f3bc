"""Statistics endpoints of the JSON API: the dashboard's aggregates (public, validated figures only)
and the entry and review of returns (token or session)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view
from pydantic import JsonValue

from cicopa.core import pagecache
from cicopa.core.api_auth import WRITE_AUTH
from cicopa.core.api_input import JsonObject
from cicopa.core.exports import plain_value
from cicopa.registry import queries as registry_queries
from cicopa.statistics import permissions, queries, services
from cicopa.statistics.models import MEASURE_NAMES, StatisticalReturn, estimated_names

router = Router(tags=["statistics"])


class StatsQuery(Schema):
    measure: str | None = Field(None, description="One of " + ", ".join(MEASURE_NAMES) + " (default cooperatives)")
    region: str | None = Field(None, description="UN M49 region, sub-region or intermediate region code")
    country: list[str] | None = Field(None, description="ISO 3166-1 alpha-2 codes")
    sector: list[str] | None = None
    membership_type: list[str] | None = None
    year_from: int | None = None
    year_to: int | None = None
    carry: bool | None = Field(None, description="Carry each country's last known figures into missing years")


class YearFigure(Schema):
    year: int
    value: int | float  # counts stay whole numbers
    estimate: bool


class Figure(Schema):
    value: int | float  # counts stay whole numbers
    estimate: bool


class PublishedOut(Schema):
    year: int
    value: int | float  # counts stay whole numbers
    source: str


class SeriesOut(Schema):
    measure: str
    dimension: str
    series: dict[str, list[YearFigure]]
    published: list[PublishedOut]


class BreakdownOut(Schema):
    measure: str
    dimension: str
    year: int | None
    values: dict[str, Figure]


SUBDIVISION_HELP = (
    "ISO 3166-2 code of a subdivision of the reporter's country, e.g. FR-ARA (see /subdivisions?country=FR), or its "
    "name; empty for the whole country or not given. A co-operative's line without one is of its own subdivision."
)
DIMENSION_HELP = (
    "The dimension: one of world, region, subregion, development, country, sector, membership_type, or subdivision "
    '(ISO 3166-2; it needs exactly one country, else 422, and the key "" holds the figures without a subdivision, '
    "so that the values add up to the country's total)."
)


class LineOut(Schema):
    sector: str
    membership_type: str
    subdivision: str
    cooperatives: int | None
    members: int | None
    members_women: int | None
    employees: int | None
    employees_women: int | None
    worker_members: int | None
    worker_members_women: int | None
    producer_members: int | None
    producer_members_women: int | None
    turnover: float | None
    currency: str
    source: str
    estimated: list[str]
    explanation: str


class WarningOut(Schema):
    line: int
    field: str
    message: str


class ReturnOut(Schema):
    id: int
    reporter: str
    year: int
    status: str
    comment: str
    lines: list[LineOut]
    warnings: list[WarningOut]


def _figure(f: Any) -> dict[str, Any]:
    return {"value": plain_value(f.value), "estimate": f.estimated}  # 12, not 12.0, as in the downloads


@router.get("/statistics/series", summary="Yearly totals by a dimension", auth=None, response=SeriesOut)
@decorate_view(pagecache.public)
def stats_series(
    request: HttpRequest, params: Query[StatsQuery], dimension: str = Query("world", description=DIMENSION_HELP)
) -> dict[str, Any]:
    filters = queries.parse_filters(request.GET)
    data = queries.series(filters, dimension)
    return {
        "measure": filters.measure,
        "dimension": dimension,
        "series": {key: [{"year": y, **_figure(f)} for y, f in sorted(years.items())] for key, years in data.items()},
        "published": [
            {"year": p.year, "value": plain_value(p.value), "source": p.source} for p in queries.published(filters)
        ]
        if dimension == "world"
        else [],
    }


@router.get("/statistics/breakdown", summary="One year's totals by a dimension", auth=None, response=BreakdownOut)
@decorate_view(pagecache.public)
def stats_breakdown(
    request: HttpRequest,
    params: Query[StatsQuery],
    dimension: str = Query("sector", description=DIMENSION_HELP),
    year: int | None = None,
) -> dict[str, Any]:
    filters = queries.parse_filters(request.GET)
    year = year or queries.latest_year(filters)
    values = queries.breakdown(filters, dimension, year) if year else {}
    return {
        "measure": filters.measure,
        "dimension": dimension,
        "year": year,
        "values": {k: _figure(f) for k, f in sorted(values.items())},
    }


class LineIn(JsonObject):
    sector: str
    membership_type: str
    subdivision: str = Field("", description=SUBDIVISION_HELP)
    cooperatives: int | None = None
    members: int | None = None
    members_women: int | None = None
    employees: int | None = None
    employees_women: int | None = None
    worker_members: int | None = None
    worker_members_women: int | None = None
    producer_members: int | None = None
    producer_members_women: int | None = None
    turnover: float | None = None
    currency: str = ""
    source: str = ""
    estimated: list[str] = []
    explanation: str = ""


class ReturnIn(JsonObject):
    reporter: str = Field(..., description="Slug of the reporting organisation")
    year: int
    lines: list[LineIn] = []


def _return(ret: StatisticalReturn, warnings: list[Any] | None = None) -> dict[str, Any]:
    return {
        "id": ret.pk,
        "reporter": ret.reporter.slug,
        "year": ret.year,
        "status": ret.status,
        "comment": ret.comment,
        "lines": [
            {
                "sector": line.sector_id,
                "membership_type": line.membership_type_id,
                "subdivision": line.subdivision,
                **{
                    m: (float(getattr(line, m)) if m == "turnover" and line.turnover is not None else getattr(line, m))
                    for m in MEASURE_NAMES
                },
                "currency": line.currency,
                "source": line.source,
                "estimated": estimated_names(line.estimated_mask),
                "explanation": line.explanation,
            }
            for line in ret.lines.all()
        ],
        "warnings": [{"line": w.line, "field": w.field, "message": w.message} for w in warnings or []],
    }


@router.post(
    "/statistics/returns", summary="Create a return with its lines", auth=WRITE_AUTH, response={201: ReturnOut}
)
def create_return(request: HttpRequest, payload: ReturnIn) -> tuple[int, dict[str, Any]]:
    reporter = registry_queries.organisation_by_slug(payload.reporter)
    if reporter is None:
        raise ValidationError({"reporter": _("No organisation has the slug %(slug)s.") % {"slug": payload.reporter}})
    with transaction.atomic():  # a return whose lines are refused is not created either
        ret = services.return_create(actor=request.user, reporter=reporter, year=payload.year)
        warnings = services.return_save_lines(
            actor=request.user, statistical_return=ret, lines=[line.dict() for line in payload.lines]
        )
    return 201, _return(ret, warnings)


@router.get(
    "/statistics/returns/{return_id}",
    summary="A return (its reporter or the secretariat)",
    auth=WRITE_AUTH,
    response=ReturnOut,
)
def get_return(request: HttpRequest, return_id: int) -> dict[str, Any]:
    ret = get_object_or_404(queries.returns(), pk=return_id)
    if not permissions.can_report_for(request.user, ret.reporter):
        raise PermissionDenied(_("You may only see the returns of your own organisation."))
    return _return(ret)


class LinesIn(JsonObject):
    lines: list[LineIn]


@router.put(
    "/statistics/returns/{return_id}/lines", summary="Replace a return's lines", auth=WRITE_AUTH, response=ReturnOut
)
def put_lines(request: HttpRequest, return_id: int, payload: LinesIn) -> dict[str, Any]:
    ret = get_object_or_404(queries.returns(), pk=return_id)
    warnings = services.return_save_lines(
        actor=request.user, statistical_return=ret, lines=[line.dict() for line in payload.lines]
    )
    return _return(ret, warnings)


WORKFLOW_ACTIONS: list[JsonValue] = ["submit", "validate", "return"]


class Transition(JsonObject):
    action: str = Field(..., description="submit, validate or return", json_schema_extra={"enum": WORKFLOW_ACTIONS})
    comment: str = ""


@router.post(
    "/statistics/returns/{return_id}/workflow",
    summary="Submit, validate or return",
    auth=WRITE_AUTH,
    response=ReturnOut,
)
def workflow(request: HttpRequest, return_id: int, payload: Transition) -> dict[str, Any]:
    ret = get_object_or_404(queries.returns(), pk=return_id)
    if payload.action == "submit":
        ret = services.return_submit(actor=request.user, statistical_return=ret)
    elif payload.action == "validate":
        ret = services.return_validate(actor=request.user, statistical_return=ret)
    elif payload.action == "return":
        ret = services.return_send_back(actor=request.user, statistical_return=ret, comment=payload.comment)
    else:
        raise ValidationError({"action": _("action must be submit, validate or return.")})
    return _return(ret)
