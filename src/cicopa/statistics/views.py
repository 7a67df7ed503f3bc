"""Statistics pages: the public dashboard, and the entry and review of returns."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from cicopa.core import charts, exports, pagecache, worldmap
from cicopa.core.errors import form_errors, report_errors
from cicopa.core.i18n import by_name, name_field, sort_field
from cicopa.core.models import Country, MembershipType, Region, Sector
from cicopa.core.roles import is_secretariat
from cicopa.core.tabular import ImportFileError
from cicopa.registry.models import Organisation, OrganisationAccess, OrganisationKind
from cicopa.statistics import aggregation, queries, services, spreadsheets
from cicopa.statistics.forms import LineFormSet, NewReturnForm
from cicopa.statistics.models import COUNT_MEASURES, MEASURES, StatisticalReturn, estimated_names

MEASURE_LABELS = dict(MEASURES)
BREAKDOWNS = (
    ("sector", gettext_lazy("By sector")),
    ("region", gettext_lazy("By region")),
    ("membership_type", gettext_lazy("By membership type")),
    ("development", gettext_lazy("Developed and developing regions")),
)


def _number(v: float) -> str:
    return intcomma(int(v)) if float(v).is_integer() else intcomma(round(v, 2))


def _labels() -> dict[str, dict[str, str]]:
    lang = name_field()
    return {
        "sector": dict(Sector.objects.values_list("code", lang)),
        "membership_type": dict(MembershipType.objects.values_list("code", lang)),
        "region": dict(Region.objects.values_list("m49", lang)),
        "subregion": dict(Region.objects.values_list("m49", lang)),
        "country": dict(Country.objects.values_list("iso2", lang)),
        "development": {"developed": _("Developed regions"), "developing": _("Developing regions")},
        "world": {"world": _("World")},
    }


@require_GET
@pagecache.public  # a country's page too: country() calls it
def dashboard(request: HttpRequest, place: Country | None = None) -> HttpResponse:
    params = request.GET.copy()
    if place is not None:
        params.setlist("country", [place.iso2])
    try:
        filters = queries.parse_filters(params)
        errors: dict[str, list[str]] = {}
    except ValidationError as exc:
        filters, errors = queries.StatsFilters(), exc.message_dict
    labels = _labels()
    measure_label = str(MEASURE_LABELS[filters.measure])
    world = queries.series(filters, "world").get("world", {})
    published = (
        queries.published(filters.measure)
        if not (filters.country or filters.region or filters.sector or filters.membership_type)
        else []
    )
    trend = [
        charts.Series(
            _("Sum of validated returns"),
            sorted((y, f.value) for y, f in world.items()),
            frozenset(y for y, f in world.items() if f.estimated),
        )
    ]
    if published:
        trend.append(
            charts.Series(
                _("Published estimates"), [(p.year, float(p.value)) for p in published], css_class="series-published"
            )
        )
    year = queries.latest_year(filters)
    breakdowns = []
    if year is not None:
        for dimension, title in BREAKDOWNS:
            rows = _breakdown_rows(filters, dimension, year, labels)
            bars = [charts.Bar(r["label"], r["figure"].value, r["figure"].estimated) for r in rows]
            breakdowns.append(
                {
                    "dimension": dimension,
                    "title": title,
                    "svg": charts.bar_chart(
                        bars,
                        title=f"{title} — {measure_label}, {year}",
                        description=_(
                            "%(measure)s in %(year)s, one bar per group; the same figures are in the table below."
                        )
                        % {"measure": measure_label, "year": year},
                        value_label=measure_label,
                        number_format=_number,
                        empty_text=_("No data"),
                    ),
                    "rows": rows,
                }
            )
    by_country = queries.breakdown(filters, "country", year) if year else {}
    map_svg = worldmap.render_map(
        markers=[],
        shading={iso: f.value for iso, f in by_country.items() if f.value},
        shading_label=lambda iso, v: f"{labels['country'].get(iso, iso)}: {_number(v)}",
        title=_("%(measure)s by country, %(year)s") % {"measure": measure_label, "year": year or "—"},
        description=_("Countries are shaded by their figure; darker means more. The table below has the figures."),
    )
    context = {
        "filters": filters,
        "errors": errors,
        "measure_label": measure_label,
        "measures": COUNT_MEASURES,
        "headline": queries.headline(filters),
        "year": year,
        "trend_svg": charts.line_chart(
            trend,
            title=_("%(measure)s over the years") % {"measure": measure_label},
            description=_("Yearly totals; hollow points are estimates. The figures are in the table below."),
            y_label=measure_label,
            number_format=_number,
            empty_text=_("No validated figures yet"),
        ),
        "trend_rows": [
            {"year": y, "figure": world.get(y), "published": next((p for p in published if p.year == y), None)}
            for y in sorted(set(world) | {p.year for p in published})
        ],
        "breakdowns": breakdowns,
        "map_svg": map_svg,
        "country_rows": sorted(
            ((labels["country"].get(k, k), k, f) for k, f in by_country.items()), key=lambda r: -(r[2].value or 0)
        ),
        "query": params.urlencode(),
        "place": place,
        "countries": Country.objects.order_by(sort_field()),
        "regions": sorted(by_name(Region.objects.all()), key=lambda r: r.level),
        "sectors": Sector.objects.all(),
        "membership_types": MembershipType.objects.all(),
    }
    return render(request, "statistics/dashboard.html", context)


def _breakdown_rows(
    filters: queries.StatsFilters, dimension: str, year: int, labels: dict[str, dict[str, str]]
) -> list[dict[str, Any]]:
    """One year's figures per group, largest first, with each group's share of the total."""
    values = sorted(queries.breakdown(filters, dimension, year).items(), key=lambda kv: -(kv[1].value or 0))
    share = aggregation.shares({(k,): f.value for k, f in values})
    return [{"code": k, "label": labels[dimension].get(k, k), "figure": f, "share": share[(k,)]} for k, f in values]


TABLES = ("trend", *(d for d, _t in BREAKDOWNS), "country")


@require_GET
def table_download(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """Any table of the dashboard as CSV, XLSX or JSON: ?table=trend|sector|region|... plus the filters."""
    table = request.GET.get("table", "trend")
    if fmt not in exports.FORMATS or table not in TABLES:
        raise Http404
    try:
        filters = queries.parse_filters(request.GET)
    except ValidationError as exc:
        return HttpResponse(json.dumps({"detail": exc.message_dict}), status=400, content_type="application/json")
    measure = filters.measure
    if table == "trend":
        world = queries.series(filters, "world").get("world", {})
        published = {p.year: p for p in queries.published(measure)}
        columns = ["year", "measure", "value", "estimate", "published_estimate", "published_source"]
        rows: list[dict[str, Any]] = [
            {
                "year": y,
                "measure": measure,
                "value": world[y].value if y in world else None,
                "estimate": world[y].estimated if y in world else None,
                "published_estimate": float(published[y].value) if y in published else None,
                "published_source": published[y].source if y in published else "",
            }
            for y in sorted(set(world) | set(published))
        ]
    else:
        year = queries.latest_year(filters)
        columns = ["year", "measure", table, "label", "value", "estimate", "share"]
        rows = [
            {
                "year": year,
                "measure": measure,
                table: r["code"],
                "label": r["label"],
                "value": r["figure"].value,
                "estimate": r["figure"].estimated,
                "share": r["share"],
            }
            for r in (_breakdown_rows(filters, table, year, _labels()) if year else [])
        ]
    return exports.table_response(rows, columns, fmt, f"cicopa-{table}-{measure}")


@require_GET
def country(request: HttpRequest, iso: str) -> HttpResponse:
    """A country's page: the dashboard for that country alone."""
    place = Country.objects.filter(iso2=iso.upper()).first()
    if place is None:
        raise Http404
    return dashboard(request, place=place)


@require_GET
def tidy_csv(request: HttpRequest) -> HttpResponse:
    """Every counted figure in long format with coded dimensions, for researchers."""
    try:
        filters = queries.parse_filters(request.GET)
    except ValidationError as exc:
        return HttpResponse(json.dumps(exc.message_dict), status=400, content_type="application/json")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "year",
            "country_iso",
            "m49_region",
            "m49_subregion",
            "sector",
            "isic",
            "membership_type",
            "measure",
            "value",
            "estimate",
            "source",
            "reporter",
        ]
    )
    rows = (
        queries.counted(filters)
        .select_related("country", "sector", "statistical_return__reporter")
        .order_by("year", "country_id", "sector__position", "membership_type__position")
    )
    for line in rows.iterator(chunk_size=2000):
        est = set(estimated_names(line.estimated_mask))
        for measure, _label in MEASURES:
            value = getattr(line, measure)
            if value is None:
                continue
            writer.writerow(
                [
                    line.year,
                    line.country_id,
                    line.country.region_id if line.country else "",
                    line.country.subregion_id if line.country else "",
                    line.sector_id,
                    line.sector.isic,
                    line.membership_type_id,
                    measure,
                    value,
                    int(measure in est),
                    line.source,
                    line.statistical_return.reporter.slug,
                ]
            )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="cicopa-statistics-long.csv"'
    return response


def _reporters(user: Any) -> list[Organisation]:
    """The organisations `user` may start a return for."""
    if is_secretariat(user):
        return list(Organisation.objects.filter(kind=OrganisationKind.MEMBER_ORGANISATION).order_by("sort_name"))
    ids = OrganisationAccess.objects.filter(user=user).values("organisation_id")
    kinds = (OrganisationKind.MEMBER_ORGANISATION, OrganisationKind.COOPERATIVE)
    return list(Organisation.objects.filter(id__in=ids, kind__in=kinds).order_by("sort_name"))


@login_required
def returns(request: HttpRequest) -> HttpResponse:
    reporters = _reporters(request.user)
    form = NewReturnForm(request.POST or None, reporters=[(o.slug, str(o)) for o in reporters])
    if request.method == "POST" and form.is_valid():
        reporter = get_object_or_404(Organisation, slug=form.cleaned_data["reporter"])
        try:
            ret = services.return_create(actor=request.user, reporter=reporter, year=form.cleaned_data["year"])
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect("statistics:return", return_id=ret.pk)
    qs = StatisticalReturn.objects.select_related("reporter", "reporter__country")
    if not is_secretariat(request.user):
        qs = qs.filter(reporter__in=reporters)
    return render(
        request,
        "statistics/returns.html",
        {
            "form": form,
            "returns": qs.order_by("status", "-year", "reporter__sort_name")[:500],
            "is_secretariat": is_secretariat(request.user),
        },
    )


def _initial(ret: StatisticalReturn) -> list[dict[str, Any]]:
    return [
        {
            "sector": line.sector_id,
            "membership_type": line.membership_type_id,
            **{m: getattr(line, m) for m, _label in MEASURES},
            "currency": line.currency,
            "source": line.source,
            "estimated": estimated_names(line.estimated_mask),
            "explanation": line.explanation,
        }
        for line in ret.lines.all()
    ]


def _versions(ret: StatisticalReturn) -> list[Any]:
    """The return's versions, latest first, each with `changes`: what it changed in the lines."""
    versions = list(ret.versions.select_related("actor"))
    changes = queries.version_changes(versions)
    labels = _labels()
    measures = dict(MEASURES)
    for v in versions:
        v.changes = [  # type: ignore[attr-defined]
            {
                "line": " · ".join(
                    labels[d].get(code, code)
                    for d, code in zip(("sector", "membership_type"), c.line.split("/"), strict=False)
                ),
                "field": str(measures.get(c.field, c.field)),
                "old": c.old,
                "new": c.new,
            }
            for c in changes.get(v.number, [])
        ]
    return versions


@login_required
def return_template(request: HttpRequest, return_id: int) -> HttpResponse:
    """The return as an XLSX workbook to fill in, pre-filled with its lines or last year's figures."""
    ret = get_object_or_404(StatisticalReturn.objects.select_related("reporter"), pk=return_id)
    if not services.can_report_for(request.user, ret.reporter):
        raise PermissionDenied
    response = HttpResponse(
        spreadsheets.template_xlsx(ret),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="return-{ret.reporter.slug}-{ret.year}.xlsx"'
    return response


@login_required
def return_detail(request: HttpRequest, return_id: int) -> HttpResponse:
    ret = get_object_or_404(StatisticalReturn.objects.select_related("reporter", "reporter__country"), pk=return_id)
    if not services.can_report_for(request.user, ret.reporter):
        raise PermissionDenied
    action = request.POST.get("action", "") if request.method == "POST" else ""
    bound = request.POST if action in ("save", "submit") else None
    formset = LineFormSet(bound, initial=_initial(ret), prefix="lines")
    warnings: list[Any] = []
    try:
        if request.method == "POST" and action == "upload" and ret.is_editable:
            upload = request.FILES.get("file")
            if upload is None or (upload.size or 0) > settings.CICOPA_MAX_UPLOAD_BYTES:
                raise ValidationError({"file": _("Choose the filled-in template (an .xlsx or .csv file).")})
            try:
                lines = spreadsheets.read_lines(upload, upload.name or "")
            except ImportFileError as exc:
                raise ValidationError({"file": exc.message}) from None
            warnings = services.return_save_lines(actor=request.user, statistical_return=ret, lines=lines)
            formset = LineFormSet(initial=_initial(ret), prefix="lines")
            messages.success(request, _("The figures of the file were saved."))
            if not warnings:
                return redirect("statistics:return", return_id=ret.pk)
        elif request.method == "POST" and action in ("save", "submit") and ret.is_editable:
            if formset.is_valid():
                lines = [d for d in (f.service_data() for f in formset.forms if f.has_changed() or f.initial) if d]
                warnings = services.return_save_lines(actor=request.user, statistical_return=ret, lines=lines)
                if action == "submit":
                    services.return_submit(actor=request.user, statistical_return=ret)
                    messages.success(request, _("The return was submitted to the secretariat."))
                    return redirect("statistics:return", return_id=ret.pk)
                messages.success(request, _("The return was saved."))
                if not warnings:
                    return redirect("statistics:return", return_id=ret.pk)
        elif request.method == "POST" and action == "validate":
            services.return_validate(actor=request.user, statistical_return=ret)
            messages.success(request, _("The return was validated; its figures are now public."))
            return redirect("statistics:return", return_id=ret.pk)
        elif request.method == "POST" and action == "return":
            services.return_send_back(
                actor=request.user, statistical_return=ret, comment=request.POST.get("comment", "")
            )
            messages.success(request, _("The return was sent back with your comment."))
            return redirect("statistics:return", return_id=ret.pk)
    except ValidationError as exc:
        for field, errs in exc.message_dict.items():
            for err in errs:
                where = _("Line %(n)s") % {"n": field[5:]} if field.startswith("line ") else ""
                messages.error(request, f"{where}: {err}" if where else err)
    ret.refresh_from_db()
    return render(
        request,
        "statistics/return.html",
        {
            "ret": ret,
            "formset": formset,
            "warnings": warnings,
            "versions": _versions(ret),
            "is_secretariat": is_secretariat(request.user),
            "editable": ret.is_editable,
        },
    )


@login_required
def reporters(request: HttpRequest) -> HttpResponse:
    """The secretariat chooses, country by country, whose figures prevail when several organisations
    report for the same sector and membership type."""
    if not is_secretariat(request.user):
        raise PermissionDenied
    if request.method == "POST":
        country = get_object_or_404(Country, iso2=request.POST.get("country", ""))
        slug = request.POST.get("organisation", "")
        try:
            if slug:
                organisation = get_object_or_404(Organisation, slug=slug)
                services.designate_reporter(actor=request.user, country=country, organisation=organisation)
                messages.success(
                    request,
                    _("The figures of %(org)s now prevail for %(country)s.")
                    % {"org": organisation.name, "country": country.name},
                )
            else:
                services.remove_reporter_designation(actor=request.user, country=country)
                messages.success(
                    request, _("No reporter is designated for %(country)s any more.") % {"country": country.name}
                )
        except ValidationError as exc:
            report_errors(request, exc)
        return redirect("statistics:reporters")
    return render(request, "statistics/reporters.html", {"rows": queries.reporters_by_country()})
