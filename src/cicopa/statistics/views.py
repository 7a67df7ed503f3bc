"""Statistics pages: the public dashboard, and the entry and review of returns."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from cicopa.core import charts, exports, formats, pagecache, subdivisions, worldmap
from cicopa.core import queries as core_queries
from cicopa.core.errors import form_errors, report_errors
from cicopa.core.i18n import chart_texts
from cicopa.core.models import Country
from cicopa.core.tabular import ImportFileError
from cicopa.registry.models import Organisation
from cicopa.statistics import aggregation, permissions, queries, services, spreadsheets
from cicopa.statistics.forms import LineFormSet, NewReturnForm
from cicopa.statistics.models import COUNT_MEASURES, MEASURES, StatisticalReturn, estimated_names

MEASURE_LABELS = dict(MEASURES)
BREAKDOWNS = (
    ("sector", gettext_lazy("By sector")),
    ("subdivision", gettext_lazy("By subdivision")),  # of one country, where its returns give subdivisions
    ("region", gettext_lazy("By region")),
    ("membership_type", gettext_lazy("By membership type")),
    ("development", gettext_lazy("Developed and developing regions")),
)


# How the breakdown by subdivision names the lines that give none: so that it adds up to the country's total.
NOT_GIVEN = gettext_lazy("Not given / whole country")


def _number(v: float) -> str:
    """A figure of a chart or the map as the tables write it (`number:"-2"`): 1 200, 3,75."""
    return formats.format_number(v, digits=2, trim=True)


def _labels() -> dict[str, dict[str, str]]:
    names = core_queries.names_by_code()
    return {
        **names,
        "subregion": names["region"],
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
    published = queries.published(filters)
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
                _("Published estimates"),
                [(p.year, float(p.value)) for p in published],
                css_class="series-published",
                connect_missing=True,  # published now and then: their points are joined
            )
        )
    year = queries.latest_year(filters)
    breakdowns = []
    if year is not None:
        by_subdivision = queries.has_subdivisions(filters)
        for dimension, title in BREAKDOWNS:
            if dimension in queries.ONE_COUNTRY_DIMENSIONS and not by_subdivision:
                continue
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
                        texts=chart_texts(),
                        number_format=_number,
                    ),
                    "rows": rows,
                }
            )
    by_country = queries.breakdown(filters, "country", year) if year else {}
    map_svg = worldmap.render_map(
        markers=[],
        shading={iso: f.value for iso, f in by_country.items() if f.value},
        shading_label=lambda iso, v: f"{labels['country'].get(iso, iso)}: {_number(v)}",
        shading_href=None if place else lambda iso: _country_page(iso, params),
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
            texts=replace(chart_texts(), empty=_("No validated figures yet")),
            number_format=_number,
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
        "filter_controls": _filter_controls(filters),
    }
    return render(request, "statistics/dashboard.html", context)


def _filter_controls(filters: queries.StatsFilters) -> dict[str, SafeString]:
    """The form's lists of reference data, drawn once per language (core.queries.filter_choices), with the reader's
    choices marked."""
    drawn = core_queries.filter_choices()
    return {
        "regions": drawn["regions"].html({filters.region}),
        "countries": drawn["countries"].html(filters.country),
        "sectors": drawn["sectors"].html(filters.sector),
        "membership_types": drawn["membership_types"].html(filters.membership_type),
    }


def _country_page(iso: str, params: Any) -> str:
    """A country's statistics page with the same choices (measure, years, sector, ...), but of that country."""
    query = params.copy()
    for key in ("country", "region"):
        query.pop(key, None)
    for key in list(query):
        if not any(query.getlist(key)):
            del query[key]
    address = reverse("statistics:country", kwargs={"iso": iso})
    return f"{address}?{query.urlencode()}" if query else address


def _breakdown_rows(
    filters: queries.StatsFilters, dimension: str, year: int, labels: dict[str, dict[str, str]]
) -> list[dict[str, Any]]:
    """One year's figures per group, largest first (by subdivision, the lines without one last), with each group's
    share of the total."""
    values = sorted(
        queries.breakdown(filters, dimension, year).items(), key=lambda kv: (kv[0] == "", -(kv[1].value or 0))
    )
    share = aggregation.shares({(k,): f.value for k, f in values})
    return [
        {"code": k, "label": _group_label(dimension, k, labels), "figure": f, "share": share[(k,)]} for k, f in values
    ]


def _group_label(dimension: str, code: str, labels: dict[str, dict[str, str]]) -> str:
    if dimension == "subdivision":  # in the reader's language, from pycountry's catalogues
        return subdivisions.label(code) if code else str(NOT_GIVEN)
    return labels[dimension].get(code, code)


TABLES = ("trend", *(d for d, _t in BREAKDOWNS), "country")


@require_GET
@exports.download
def table_download(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """Any table of the dashboard as CSV, XLSX or JSON: ?table=trend|sector|region|... plus the filters."""
    table = request.GET.get("table", "trend")
    if fmt not in exports.FORMATS or table not in TABLES:
        raise Http404
    filters = queries.parse_filters(request.GET)
    measure = filters.measure
    if table == "trend":
        world = queries.series(filters, "world").get("world", {})
        published = {p.year: p for p in queries.published(filters)}
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


TIDY_COLUMNS = (
    "year",
    "country_iso",
    "subdivision",
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
)


@require_GET
@exports.download
def tidy_csv(request: HttpRequest) -> HttpResponseBase:
    """Every counted figure in long format with coded dimensions, for researchers."""
    filters = queries.parse_filters(request.GET)
    lines = (
        queries.counted(filters)
        .select_related("country", "sector", "statistical_return__reporter")
        .order_by("year", "country_id", "sector__position", "membership_type__position", "subdivision")
    )

    def rows() -> Iterator[dict[str, Any]]:
        for line in lines.iterator(chunk_size=2000):
            est = set(estimated_names(line.estimated_mask))
            for measure, _label in MEASURES:
                value = getattr(line, measure)
                if value is None:
                    continue
                yield {
                    "year": line.year,
                    "country_iso": line.country_id,
                    "subdivision": line.subdivision,
                    "m49_region": line.country.region_id if line.country else "",
                    "m49_subregion": line.country.subregion_id if line.country else "",
                    "sector": line.sector_id,
                    "isic": line.sector.isic,
                    "membership_type": line.membership_type_id,
                    "measure": measure,
                    "value": value,
                    "estimate": measure in est,
                    "source": line.source,
                    "reporter": line.statistical_return.reporter.slug,
                }

    return exports.table_response(rows(), TIDY_COLUMNS, "csv", "cicopa-statistics-long")


@login_required
def returns(request: HttpRequest) -> HttpResponse:
    reporters = list(permissions.reporting_organisations(request.user).order_by("sort_name"))
    form = NewReturnForm(request.POST or None, reporters=[(o.slug, str(o)) for o in reporters])
    if request.method == "POST" and form.is_valid():
        reporter = get_object_or_404(Organisation, slug=form.cleaned_data["reporter"])
        try:
            ret = services.return_create(actor=request.user, reporter=reporter, year=form.cleaned_data["year"])
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect("statistics:return", return_id=ret.pk)
    qs = permissions.visible_returns(request.user).select_related("reporter", "reporter__country")
    return render(
        request,
        "statistics/returns.html",
        {
            "form": form,
            "returns": qs.order_by("status", "-year", "reporter__sort_name")[:500],
            "can_review": permissions.can_review_returns(request.user),
        },
    )


def _initial(lines: list[Any], *, last_year: bool = False) -> list[dict[str, Any]]:
    return [
        {
            "sector": line.sector_id,
            "membership_type": line.membership_type_id,
            "subdivision": line.subdivision,
            **{m: getattr(line, m) for m, _label in MEASURES},
            "currency": line.currency,
            "source": line.source,
            "estimated": estimated_names(line.estimated_mask),
            # last year's explanation was of last year's change
            "explanation": "" if last_year else line.explanation,
        }
        for line in lines
    ]


def _line_formset(ret: StatisticalReturn, data: Any = None) -> tuple[Any, int | None]:
    """The return's lines as a form (or, for a new return, last year's), with one blank line when there is
    none to start from. Returns the formset and the year its lines were taken from, if not the return's own."""
    lines, from_year = queries.starting_lines(ret) if ret.is_editable else (list(ret.lines.all()), None)
    formset = LineFormSet(
        data,
        initial=_initial(lines, last_year=from_year is not None),
        prefix="lines",
        form_kwargs={"reporter": ret.reporter},
    )
    formset.extra = 0 if lines else 1
    return formset, from_year


def _one_more_line(post: Any) -> Any:
    """The posted form with one more (blank) line: what "Add a line" asks for, nothing saved."""
    data = post.copy()
    try:
        total = int(data.get("lines-TOTAL_FORMS", "0"))
    except ValueError:
        total = 0
    data["lines-TOTAL_FORMS"] = str(min(max(total, 0) + 1, LineFormSet.max_num))
    return data


def _show_on_forms(formset: Any, sent: list[int], exc: ValidationError) -> bool:
    """Put the service's problems of each line beside the field they are about, on the form the line came from
    (blank forms are not sent, so line N is not always form N). False if some problem is not about a line."""
    if not hasattr(exc, "error_dict"):
        return False
    rest = False
    for key, problems in exc.error_dict.items():
        number = key[5:] if key.startswith("line ") else ""
        if not number.isdigit() or not 0 < int(number) <= len(sent):
            rest = True
            continue
        form = formset.forms[sent[int(number) - 1]]
        for problem in problems:
            field = problem.code if problem.code in form.fields else None
            if field is None or field not in form.errors:  # a figure the form refused already says why
                form.add_error(field, problem)
    return not rest


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
                    _group_label(d, code, labels)
                    for d, code in zip(("sector", "membership_type", "subdivision"), c.line.split("/"), strict=False)
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
    ret = get_object_or_404(queries.returns(), pk=return_id)
    if not permissions.can_report_for(request.user, ret.reporter):
        raise PermissionDenied
    response = HttpResponse(
        spreadsheets.template_xlsx(ret),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="return-{ret.reporter.slug}-{ret.year}.xlsx"'
    return response


@login_required
def return_detail(request: HttpRequest, return_id: int) -> HttpResponse:
    ret = get_object_or_404(queries.returns(), pk=return_id)
    if not permissions.can_report_for(request.user, ret.reporter):
        raise PermissionDenied
    action = request.POST.get("action", "") if request.method == "POST" else ""
    bound = request.POST if action in ("save", "submit") else None
    if action == "add" and ret.is_editable:
        bound = _one_more_line(request.POST)
    formset, from_year = _line_formset(ret, bound)
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
            formset, from_year = _line_formset(ret)
            messages.success(request, _("The figures of the file were saved."))
            if not warnings:
                return redirect("statistics:return", return_id=ret.pk)
        elif request.method == "POST" and action in ("save", "submit") and ret.is_editable:
            valid = formset.is_valid()
            sent = [
                i
                for i, f in enumerate(formset.forms)
                if (f.has_changed() or f.initial) and f.service_data() is not None
            ]
            lines = [formset.forms[i].service_data() for i in sent]
            if not valid:
                # The checks across lines too, on what could be read, so that every problem shows at once.
                _clean, problems, _warnings = services.check_lines(ret, lines)
                if problems:
                    _show_on_forms(formset, sent, ValidationError(problems))
            else:
                try:
                    warnings = services.return_save_lines(actor=request.user, statistical_return=ret, lines=lines)
                except ValidationError as exc:
                    if not _show_on_forms(formset, sent, exc):  # beside the fields, and listed above the form
                        raise
                else:
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
            "can_review": permissions.can_review_returns(request.user),
            "editable": ret.is_editable,
            "from_year": from_year,
            "added": action == "add",
        },
    )


@login_required
def reporters(request: HttpRequest) -> HttpResponse:
    """The secretariat chooses, country by country, whose figures prevail when several organisations
    report for the same sector and membership type."""
    if not permissions.can_manage_reporters(request.user):
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
