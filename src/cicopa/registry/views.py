"""Pages of the registry. Thin: parse the request, call a query or a service, render."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from cicopa.core import audit, exports, extensions, pagecache, subdivisions, versions, worldmap
from cicopa.core import names as core_names
from cicopa.core import queries as core_queries
from cicopa.core.embed import json_for_script
from cicopa.core.errors import EditConflict, form_errors
from cicopa.core.formats import format_number
from cicopa.core.roles import is_secretariat
from cicopa.registry import directory_queries, history, permissions, queries, representations, services
from cicopa.registry.fields import EXPORT_COLUMNS
from cicopa.registry.forms import OrganisationForm, SubdivisionForm
from cicopa.registry.models import Organisation, OrganisationKind

FACET_TITLES = directory_queries.FILTER_LABELS

logger = logging.getLogger(__name__)


PAGING_PARAMS = ("page", "page_size")


def _filters_or_errors(request: HttpRequest) -> tuple[directory_queries.DirectoryFilters, dict[str, list[str]]]:
    """The directory's filters, or, when some are wrong, the whole directory and what was wrong. A wrong page
    number or page size alone costs the search nothing: the first page of it is shown, at the usual size."""
    try:
        return directory_queries.parse_filters(request.GET), {}
    except ValidationError as exc:
        errors = exc.message_dict
    if set(errors) <= set(PAGING_PARAMS):
        params = request.GET.copy()
        for key in errors:
            params.pop(key, None)
        try:
            return directory_queries.parse_filters(params), errors
        except ValidationError:  # pragma: no cover - the other parameters were read without fault just now
            pass
    return directory_queries.DirectoryFilters(), errors


@require_GET
# The results alone for htmx's requests, the whole page otherwise (and for its history restores); the results
# reload the counts and the map unless the request is a boosted link's (_results.html).
@pagecache.public(vary=("HX-Request", "HX-History-Restore-Request", "HX-Boosted"))
def directory(request: HttpRequest) -> HttpResponse:
    filters, errors = _filters_or_errors(request)
    page = directory_queries.search_directory(filters)
    query = request.GET.copy()
    query.pop("page", None)
    for key in errors:
        query.pop(key, None)  # links to other pages, exports and counts go without what could not be used
    suggestion = directory_queries.spelling_suggestion(filters) if not page.total and filters.text else None
    if suggestion:
        corrected = query.copy()
        corrected["q"] = suggestion
    context = {
        "page": page,
        "filters": filters,
        "errors": errors,
        "paging_errors_only": bool(errors) and set(errors) <= set(PAGING_PARAMS),
        "suggestion": suggestion,
        "suggestion_query": corrected.urlencode() if suggestion else "",
        "query": query.urlencode(),
        "kinds": OrganisationKind.choices,
        "sorts": _sort_choices(bool(filters.text)),
        "filter_controls": _filter_controls(filters),
        "subdivision_filter": _subdivision_filter(filters),
        "xlsx_limit": exports.XLSX_MAX_ROWS,
    }
    fragment = request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request")
    template = "registry/_results.html" if fragment else "registry/directory.html"
    return render(request, template, context)


def _sort_choices(with_text: bool) -> list[tuple[str, str]]:
    choices = [
        ("name", _("name, A to Z")),
        ("-name", _("name, Z to A")),
        ("country", _("country")),
        ("-members", _("most members")),
        ("founded", _("oldest first")),
        ("-founded", _("newest first")),
        ("-updated", _("recently updated")),
    ]
    return [("relevance", _("best match")), *choices] if with_text else choices


def _filter_controls(filters: directory_queries.DirectoryFilters) -> dict[str, SafeString]:
    """The filter form's lists of reference data, drawn once per language (core.queries.filter_choices), with the
    reader's choices marked: 250 countries through a template loop took longer than the search."""
    drawn = core_queries.filter_choices()
    return {
        "regions": drawn["regions"].html({filters.region}),
        "countries": drawn["countries"].html(filters.country),
        "sectors": drawn["sectors_checkboxes"].html(filters.sector),
        "membership_types": drawn["membership_types_checkboxes"].html(filters.membership_type),
        "legal_forms": drawn["legal_forms_checkboxes"].html(filters.legal_form),
    }


def _subdivision_filter(filters: directory_queries.DirectoryFilters) -> dict[str, Any] | None:
    """The filter panel's select of subdivisions: those of the one country chosen (or of the one country of the
    subdivisions chosen), and any chosen that are of another (a country changed in a browser without JavaScript),
    named with their country, so that every filter in use shows. None when no country or subdivision points to
    one list."""
    chosen = set(filters.subdivision)
    of_chosen = {subdivisions.country_of(code) for code in chosen}
    country = filters.country[0] if len(filters.country) == 1 else None
    if country is None and len(of_chosen) == 1:
        country = next(iter(of_chosen))
    if not chosen and not subdivisions.has_subdivisions(country):
        return None
    options = [
        (code, f"{subdivisions.label(code)} ({core_names.territory_name(c or '')})", True)
        for code in filters.subdivision
        if (c := subdivisions.country_of(code)) != country
    ]
    options += [(s.code, s.label, s.code in chosen) for s in subdivisions.subdivisions(country)]
    return {
        "options": options,
        "multiple": len(chosen) > 1,
        "country": core_names.territory_name(country) if country else "",
    }


def _chosen_first(values: list[tuple[str, str, int]], chosen: set[str]) -> list[tuple[str, str, int]]:
    """A group's counted values with the chosen ones first, never hidden among those to show more of."""
    return sorted(values, key=lambda value: value[0] not in chosen)


@require_GET
@pagecache.public
def directory_facets(request: HttpRequest) -> HttpResponse:
    filters, _errors = _filters_or_errors(request)
    facets = directory_queries.directory_facets(filters)
    selected = {
        "kind": set(filters.kind),
        "country": set(filters.country),
        "subdivision": set(filters.subdivision),
        "region": {filters.region},
        "sector": set(filters.sector),
        "membership_type": set(filters.membership_type),
        "legal_form": set(filters.legal_form),
    }
    groups = [
        {
            "key": key,
            "title": FACET_TITLES[key],
            "values": [
                {
                    "value": v,
                    "label": label,
                    "count": n,
                    "selected": v in selected[key],
                    "url": _toggle(request, key, v, multi=key != "region"),
                }
                for v, label, n in _chosen_first(facets.groups[key], selected[key])
            ],
        }
        for key in ("kind", "region", "country", "subdivision", "sector", "membership_type", "legal_form")
        if facets.groups.get(key)
    ]
    return render(request, "registry/_facets.html", {"groups": groups, "facets": facets})


def _toggle(request: HttpRequest, key: str, value: str, *, multi: bool) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    current = [v for item in query.getlist(key) for v in item.split(",") if v]
    if value in current:
        current.remove(value)
    elif multi:
        current.append(value)
    else:
        current = [value]
    query.setlist(key, current)
    return "?" + query.urlencode()


@require_GET
@pagecache.public
def directory_map(request: HttpRequest) -> HttpResponse:
    filters, _errors = _filters_or_errors(request)
    middles = worldmap.label_points()
    countries = core_queries.names_by_code()["country"]
    query = request.GET.copy()
    query.pop("page", None)
    markers, approximate = [], 0
    for cell in directory_queries.map_cells(filters):
        # Organisations without coordinates stand in the middle of their country.
        point = (cell.lat, cell.lon) if cell.lat is not None else middles.get(cell.country or "")
        if point is None or point[0] is None or point[1] is None:
            continue
        if cell.slug:  # one organisation: its profile
            label, href = cell.name, reverse("registry:organisation", kwargs={"slug": cell.slug})
        else:  # several: the directory narrowed to them (their country, and their city when they share one)
            place = cell.city or countries.get(cell.country or "", "")
            n = {"n": format_number(cell.count), "place": place}
            label = (
                ngettext("%(n)s organisation in %(place)s", "%(n)s organisations in %(place)s", cell.count) % n
                if place
                else ngettext("%(n)s organisation", "%(n)s organisations", cell.count) % n
            )
            href = reverse("registry:directory") + "?" + _narrowed(query, cell)
        if cell.approximate:
            label += " " + _("(%(n)s at an approximate location)") % {"n": format_number(cell.approximate)}
        markers.append(worldmap.Marker(lat=point[0], lon=point[1], count=cell.count, label=label, href=href))
        approximate += cell.approximate
    description = _("%(n)s organisations shown on a world map; larger circles stand for more organisations.") % {
        "n": format_number(sum(m.count for m in markers))
    }
    if approximate:
        description += " " + ngettext(
            "%(n)s of them is placed approximately, at the centre of its postcode area or the like.",
            "%(n)s of them are placed approximately, at the centre of their postcode area or the like.",
            approximate,
        ) % {"n": format_number(approximate)}
    svg = worldmap.render_map(markers=markers, title=_("Map of the results"), description=description)
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=300"
    return response


def _narrowed(query: Any, cell: directory_queries.MapCell) -> str:
    """The directory's query narrowed to a cluster of the map: its country, and its city when all share one."""
    narrowed = query.copy()
    if cell.country:
        narrowed.setlist("country", [cell.country])
    if cell.city:
        narrowed["q"] = " ".join(part for part in (narrowed.get("q", "").strip(), cell.city) if part)
    for key in list(narrowed):
        values = [v for v in narrowed.getlist(key) if v]
        if values:
            narrowed.setlist(key, values)
        else:
            del narrowed[key]
    return str(narrowed.urlencode())


@require_GET
@exports.download
def directory_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    if fmt not in exports.FORMATS:
        raise Http404
    filters = directory_queries.parse_filters(request.GET)
    rows = (representations.export_row(o) for o in directory_queries.export_rows(filters))
    return exports.table_response(rows, EXPORT_COLUMNS, fmt, "organisations")


@require_GET
@pagecache.public
def organisation(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        org = queries.organisation_profile(slug)
    except Organisation.DoesNotExist:
        raise Http404 from None
    current, past = queries.offices(org)
    members, member_count = queries.members_of(org)
    map_svg = None
    point = _location(org)
    if point is not None:
        map_svg = worldmap.render_map(
            markers=[
                worldmap.Marker(
                    lat=point[0],
                    lon=point[1],
                    count=1,
                    label=_("%(name)s (approximate location)") % {"name": org.name}
                    if org.location_approximate and org.has_coordinates
                    else org.name,
                )
            ],
            title=_("Location of %(name)s") % {"name": org.name},
            description=org.city or (org.country.name if org.country else ""),
        )
    return render(
        request,
        "registry/organisation.html",
        {
            "org": org,
            "current_offices": current,
            "past_offices": past,
            "members": members,
            "member_count": member_count,
            "belongs_to": queries.belongs_to(org, request.user),
            "can_edit": permissions.can_edit_organisation(request.user, org),
            "can_manage_members": permissions.can_manage_membership(request.user, parent=org),
            "can_manage_officers": permissions.can_manage_offices(request.user, org),
            "can_manage_access": permissions.can_manage_access(request.user, org),
            "can_add_cooperative": permissions.can_create_organisation(request.user, OrganisationKind.COOPERATIVE, org),
            "can_see_history": permissions.can_see_history(request.user),
            "jsonld": json_for_script(representations.jsonld(org)),
            "map_svg": map_svg,
            "profile_sections": extensions.profile_sections(request, org),
        },
    )


def _location(org: Organisation) -> tuple[float, float] | None:
    """Where to show an organisation: its coordinates, else the middle of its country."""
    if org.latitude is not None and org.longitude is not None:
        return org.latitude, org.longitude
    return worldmap.label_points().get(org.country_id or "")


def account_panel(request: HttpRequest) -> dict[str, Any]:
    """The account page's panel of the organisations its user acts for (core.extensions.AccountPanel)."""
    return {"access": queries.access_of(request.user)}


@login_required
def organisation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    org = get_object_or_404(Organisation, slug=slug)
    if not permissions.can_edit_organisation(request.user, org):
        raise PermissionDenied
    secretariat = is_secretariat(request.user)
    form = OrganisationForm(request.POST or None, instance=org, secretariat=secretariat)
    # The profile as the editor first saw it travels with the form, so that a save never undoes, unseen, what
    # someone else saved meanwhile.
    started = versions.editing_state(request.POST.get("editing_from")) if request.method == "POST" else None
    started = started or services.organisation_snapshot(org)
    conflict, changed_meanwhile, both_changed = "", None, set[str]()
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organisation_update(
                actor=request.user, organisation=org, data=form.cleaned_data, based_on=versions.version(started)
            )
        except EditConflict as exc:
            conflict = exc.message
            now = services.organisation_snapshot(Organisation.objects.get(pk=org.pk))
            changed_meanwhile = history.field_changes(audit.diff(started, now))
            form, both_changed = _merged_form(form, started, now, secretariat=secretariat)
            started = now  # saving again, after seeing what changed, is a choice made knowingly
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect(org)
    elif request.method == "POST":
        _with_service_checks(form, actor=request.user, organisation=org)
    context = {
        "form": form,
        "org": org,
        "editing_from": versions.editing_token(started),
        "conflict": conflict,
        "changed_meanwhile": changed_meanwhile,
        "both_changed": both_changed,
    }
    return render(request, "registry/organisation_form.html", context)


def _with_service_checks(form: OrganisationForm, *, actor: Any, organisation: Organisation | None) -> None:
    """On a form with problems, the service's own checks of what the form could read, beside the form's: every
    problem in one round, not the next ones only after the first are corrected."""
    data = {k: v for k, v in form.cleaned_data.items() if k not in form.errors and k != "sectors"}
    try:
        services.organisation_check(actor=actor, organisation=organisation, data=data, unknown=set(form.errors))
    except ValidationError as exc:
        form_errors(form, ValidationError({k: v for k, v in exc.message_dict.items() if k not in form.errors}))


def _merged_form(
    form: OrganisationForm, started: dict[str, Any], now: dict[str, Any], *, secretariat: bool
) -> tuple[OrganisationForm, set[str]]:
    """The form again after a conflict: a field someone else changed and this editor left alone takes its new
    value; a field both changed keeps this editor's (the labels of those are returned, to say so)."""
    data = form.data.copy()  # type: ignore[attr-defined]  # a bound form's QueryDict
    both = set()
    for name in form.fields:
        key = f"{name}_id" if name in ("country", "membership_type", "legal_form") else name
        if key not in now or started.get(key) == now[key]:
            continue
        mine = form.cleaned_data.get(name)
        mine = sorted(s.code for s in mine or ()) if name == "sectors" else audit.plain(mine)
        if (mine or None) != (started.get(key) or None):
            both.add(key)
            continue
        value = now[key]
        data.setlist(
            name, [str(v) for v in value] if isinstance(value, list) else ["" if value is None else str(value)]
        )
    merged = OrganisationForm(data, instance=form.instance, secretariat=secretariat)
    merged.is_valid()
    return merged, history.field_labels(both)


@require_GET
def subdivision_field(request: HttpRequest) -> HttpResponse:
    """The organisation form's subdivision select for the country chosen (`country`), which the form swaps in when
    its country changes (htmx). The subdivision chosen (`subdivision`) stays if it is of that country."""
    country = request.GET.get("country", "").strip().upper()[:2]
    current = request.GET.get("subdivision", "").strip().upper()
    current = current if subdivisions.is_valid(current, country) else ""
    form = SubdivisionForm(initial={"subdivision": current}, country=country)
    return render(request, "registry/_subdivision_field.html", {"field": form["subdivision"]})


@login_required
def organisation_new(request: HttpRequest) -> HttpResponse:
    parent_slug = request.GET.get("parent") or request.POST.get("parent") or ""
    parent = queries.organisation_by_slug(parent_slug)
    secretariat = is_secretariat(request.user)
    if not secretariat and (parent is None or not permissions.can_manage_membership(request.user, parent=parent)):
        raise PermissionDenied
    form = OrganisationForm(
        request.POST or None,
        secretariat=secretariat,
        initial={"kind": OrganisationKind.COOPERATIVE, "country": parent.country_id if parent else None},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if not secretariat:
            data["kind"] = OrganisationKind.COOPERATIVE
        try:
            org = services.organisation_create(actor=request.user, data=data, parent=parent)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The organisation was created."))
            return redirect(org)
    elif request.method == "POST":
        _with_service_checks(form, actor=request.user, organisation=None)
    return render(request, "registry/organisation_form.html", {"form": form, "org": None, "parent": parent})


@login_required
def organisation_history(request: HttpRequest, slug: str) -> HttpResponse:
    org = get_object_or_404(Organisation, slug=slug)
    if not permissions.can_see_history(request.user):
        raise PermissionDenied
    return render(request, "registry/history.html", {"org": org, "entries": history.organisation_history(org)})


@require_GET
@pagecache.public
def organisation_murmurations(request: HttpRequest, slug: str) -> JsonResponse:
    try:
        org = queries.organisation_profile(slug)
    except Organisation.DoesNotExist:
        raise Http404 from None
    return JsonResponse(representations.murmurations(org), json_dumps_params={"ensure_ascii": False})


@require_GET
@pagecache.public
def organisation_jsonld(request: HttpRequest, slug: str) -> JsonResponse:
    try:
        org = queries.organisation_profile(slug)
    except Organisation.DoesNotExist:
        raise Http404 from None
    return JsonResponse(
        representations.jsonld(org), content_type="application/ld+json", json_dumps_params={"ensure_ascii": False}
    )


@require_GET
@pagecache.public
def member_organisations(request: HttpRequest) -> HttpResponse:
    root = queries.federation_root()
    groups = queries.member_organisations_by_country(root) if root else []
    return render(
        request,
        "registry/members.html",
        {
            "root": root,
            "groups": groups,
            "total": sum(len(orgs) for _, orgs in groups),
        },
    )
