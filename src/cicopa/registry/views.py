"""Pages of the registry. Thin: parse the request, call a query or a service, render."""

from __future__ import annotations

import io
import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET

from cicopa.core import audit, exports, pagecache, uploads, versions, worldmap
from cicopa.core.embed import json_for_script
from cicopa.core.errors import EditConflict, form_errors
from cicopa.core.i18n import by_name, sort_field
from cicopa.core.models import Country, LegalForm, MembershipType, Region, Sector
from cicopa.core.roles import is_secretariat
from cicopa.registry import history, importing, permissions, queries, representations, services
from cicopa.registry.forms import (
    ImportForm,
    OrganisationForm,
)
from cicopa.registry.models import Organisation, OrganisationKind

FACET_TITLES = {
    "kind": gettext_lazy("kind"),
    "region": gettext_lazy("region"),
    "country": gettext_lazy("country"),
    "sector": gettext_lazy("sector"),
    "membership_type": gettext_lazy("membership type"),
    "legal_form": gettext_lazy("legal form"),
}

logger = logging.getLogger(__name__)


def _filters_or_errors(request: HttpRequest) -> tuple[queries.DirectoryFilters, dict[str, list[str]]]:
    try:
        return queries.parse_filters(request.GET), {}
    except ValidationError as exc:
        return queries.DirectoryFilters(), exc.message_dict


@require_GET
# The results alone for htmx's requests, the whole page otherwise (and for its history restores); the results
# reload the counts and the map unless the request is a boosted link's (_results.html).
@pagecache.public(vary=("HX-Request", "HX-History-Restore-Request", "HX-Boosted"))
def directory(request: HttpRequest) -> HttpResponse:
    filters, errors = _filters_or_errors(request)
    try:
        page = queries.search_directory(filters)
    except ValidationError as exc:
        errors = exc.message_dict
        filters = filters.with_page(1)
        page = queries.search_directory(filters)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "errors": errors,
        "query": query.urlencode(),
        "kinds": OrganisationKind.choices,
        "sorts": _sort_choices(bool(filters.text)),
        "lookups": _lookups(),
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


def _lookups() -> dict[str, Any]:
    return {
        "countries": Country.objects.order_by(sort_field()),
        "regions": sorted(by_name(Region.objects.exclude(level="intermediate")), key=lambda r: r.level),
        "sectors": Sector.objects.all(),
        "membership_types": MembershipType.objects.all(),
        "legal_forms": LegalForm.objects.all(),
    }


def _chosen_first(values: list[tuple[str, str, int]], chosen: set[str]) -> list[tuple[str, str, int]]:
    """A group's counted values with the chosen ones first, never hidden among those to show more of."""
    return sorted(values, key=lambda value: value[0] not in chosen)


@require_GET
@pagecache.public
def directory_facets(request: HttpRequest) -> HttpResponse:
    filters, _errors = _filters_or_errors(request)
    facets = queries.directory_facets(filters)
    selected = {
        "kind": set(filters.kind),
        "country": set(filters.country),
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
        for key in ("kind", "region", "country", "sector", "membership_type", "legal_form")
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
    cells = queries.map_cells(filters)
    labels = worldmap.label_points()
    # Organisations without coordinates stand in the middle of their country.
    points = cells.located + [(*labels[iso], n) for iso, n in cells.by_country.items() if iso in labels]
    markers = [
        worldmap.Marker(
            lat=lat,
            lon=lon,
            count=n,
            label=ngettext("%(n)s organisation", "%(n)s organisations", n) % {"n": intcomma(n)},
        )
        for lat, lon, n in points
    ]
    svg = worldmap.render_map(
        markers=markers,
        title=_("Map of the results"),
        description=_("%(n)s organisations shown on a world map; larger circles stand for more organisations.")
        % {"n": intcomma(sum(n for *_, n in points))},
    )
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def directory_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    if fmt not in exports.FORMATS:
        raise Http404
    try:
        filters = queries.parse_filters(request.GET)
    except ValidationError as exc:
        return JsonResponse({"detail": exc.message_dict}, status=400)
    rows = (representations.export_row(o) for o in queries.export_rows(filters))
    return exports.table_response(rows, representations.EXPORT_COLUMNS, fmt, "organisations")


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
            markers=[worldmap.Marker(lat=point[0], lon=point[1], count=1, label=org.name)],
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
            "can_edit": permissions.can_edit_organisation(request.user, org),
            "can_manage_members": permissions.can_manage_membership(request.user, parent=org),
            "can_manage_officers": permissions.can_manage_offices(request.user, org),
            "can_manage_access": permissions.can_manage_access(request.user, org),
            "is_secretariat": is_secretariat(request.user),
            "jsonld": json_for_script(representations.jsonld(org)),
            "map_svg": map_svg,
        },
    )


def _location(org: Organisation) -> tuple[float, float] | None:
    """Where to show an organisation: its coordinates, else the middle of its country."""
    if org.latitude is not None and org.longitude is not None:
        return org.latitude, org.longitude
    return worldmap.label_points().get(org.country_id or "")


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
    context = {
        "form": form,
        "org": org,
        "editing_from": versions.editing_token(started),
        "conflict": conflict,
        "changed_meanwhile": changed_meanwhile,
        "both_changed": both_changed,
    }
    return render(request, "registry/organisation_form.html", context)


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


@login_required
def organisation_new(request: HttpRequest) -> HttpResponse:
    parent_slug = request.GET.get("parent") or request.POST.get("parent") or ""
    parent = Organisation.objects.filter(slug=parent_slug).first() if parent_slug else None
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
    return render(request, "registry/organisation_form.html", {"form": form, "org": None, "parent": parent})


@login_required
def organisation_history(request: HttpRequest, slug: str) -> HttpResponse:
    org = get_object_or_404(Organisation, slug=slug)
    if not is_secretariat(request.user):
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


@login_required
def import_organisations(request: HttpRequest) -> HttpResponseBase:
    if not is_secretariat(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and "confirm" in request.POST:
        pending = request.session.pop("pending_import", None) or {}
        data = uploads.take(pending.get("token"))
        if data is None:
            messages.error(request, _("Nothing to import: upload the file again."))
            return redirect("registry:import")
        steps = importing.import_steps(
            actor=request.user,
            stream=io.BytesIO(data),
            filename=pending["name"],
            fmt=pending["format"],
        )
        return StreamingHttpResponse(_import_progress(request, steps, pending.get("rows", 0)))
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            report = importing.import_organisations(
                actor=request.user,
                stream=io.BytesIO(data),
                filename=upload.name,
                fmt=form.cleaned_data["format"],
                dry_run=True,
            )
        except importing.ImportFileError as exc:
            form.add_error("file", exc.message)
        else:
            if report.ok:
                uploads.take(request.session.get("pending_import", {}).get("token"))  # a previous, unconfirmed one
                request.session["pending_import"] = {
                    "token": uploads.keep(data),
                    "name": upload.name,
                    "format": form.cleaned_data["format"],
                    "rows": report.rows,
                }
    preview = _import_preview(report.sample) if report and report.sample else []
    return render(request, "registry/import.html", {"form": form, "report": report, "preview": preview})


@require_GET
def import_example(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """A two-row example file of an import format, to start from."""
    if fmt not in importing.FORMATS:
        raise Http404
    header, rows = importing.example(fmt)
    return exports.table_response(
        (dict(zip(header, row, strict=True)) for row in rows), header, "csv", f"{fmt}-organisations-example"
    )


def _import_preview(sample: list[importing.PreviewRow]) -> list[dict[str, Any]]:
    """The first rows of a checked file as they will be imported, codes shown by their names."""
    names = queries.code_names()

    def name(field: str, code: Any) -> str:
        return names[field].get(code, code) if code else ""

    return [
        {
            "row": r.row,
            "identifier": r.identifier,
            "name": r.values["name"],
            "kind": name("kind", r.values["kind"]),
            "place": ", ".join(p for p in (r.values["city"], name("country_id", r.values["country_id"])) if p),
            "sectors": ", ".join(name("sectors", code) for code in r.sectors),
            "membership_type": name("membership_type_id", r.values["membership_type_id"]),
            "legal_form": " — ".join(
                p for p in (name("legal_form_id", r.values["legal_form_id"]), r.values["legal_form_text"]) if p
            ),
            "action": r.action,
        }
        for r in sample
    ]


def _import_progress(request: HttpRequest, steps: Any, rows: int) -> Any:
    """The import page while the import runs: a progress bar that grows as rows are checked, then
    written (twice the rows in all), and the result. Plain HTML sent as it goes: no script needed."""
    head, tail = render_to_string("registry/import_running.html", {"rows": rows}, request).split("<!--progress-->")
    yield head
    total = max(1, 2 * rows)
    report, failed = None, False
    try:
        for step in steps:
            if isinstance(step, importing.ImportReport):
                report = step
                continue
            done = step.rows if step.phase == "checked" else rows + step.rows
            context = {"done": done, "total": total, "step": step}
            yield render_to_string("registry/_import_step.html", context, request)
    except Exception:  # the page has begun: say what happened rather than stop mid-way without a word
        logger.exception("import of %s failed", getattr(request.user, "username", "?"))
        failed = True
    yield render_to_string("registry/_import_result.html", {"report": report, "failed": failed}, request)
    yield tail
