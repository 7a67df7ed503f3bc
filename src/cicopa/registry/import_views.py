"""The import pages: upload, map the columns of a file of any layout, check, choose countries the file names
wrongly, import in the background (registry/tasks.py) on a page that follows it; then the history of imports, each
one's report, and undoing one.

The uploaded file waits in core.uploads between the steps, and until the import has committed; what was chosen
for it (format, mapping, countries) waits in the session until the import is confirmed.
"""

from __future__ import annotations

import io
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_htmx.http import HttpResponseClientRefresh

from cicopa.core import exports, progress, subdivisions, uploads
from cicopa.core import queries as core_queries
from cicopa.core.errors import form_errors
from cicopa.core.models import Country, TaskProgress
from cicopa.registry import directory_queries, import_services, importing, permissions, queries, tasks
from cicopa.registry.forms import ColumnsForm, ImportForm, column_label
from cicopa.registry.models import ImportRun, OrganisationKind

PENDING = "pending_import"
SHOWN_WARNINGS = 200  # on the check's page; the command line and the history's report list more


@login_required
def import_organisations(request: HttpRequest) -> HttpResponseBase:
    if not permissions.can_import_organisations(request.user):
        raise PermissionDenied
    pending: dict[str, Any] = request.session.get(PENDING) or {}
    step = request.POST.get("step", "") if request.method == "POST" else ""
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request)
    if step in ("columns", "remap", "country") and _file(pending) is None:
        messages.error(request, _("Nothing to import: upload the file again."))
        return redirect("registry:import")
    if step == "columns":
        return _columns_chosen(request, pending)
    if step == "remap":
        return _columns_page(request, pending)
    if step == "country":
        country = request.POST.get("country", "")
        if Country.objects.filter(iso2=country).exists():
            pending.setdefault("fixes", {})[request.POST.get("value", "")] = country
            request.session[PENDING] = pending
        return _check(request, pending)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        uploads.take(pending.get("token"))  # a previous, unconfirmed one
        saved = form.cleaned_data.get("mapping")
        pending = {
            "token": uploads.keep(data),
            "name": upload.name,
            "format": form.cleaned_data["format"],
            "mapping": saved.columns if saved else None,
            "mapping_name": saved.name if saved else "",
            "kind": saved.kind if saved else OrganisationKind.COOPERATIVE,
            "fixes": {},
        }
        request.session[PENDING] = pending
        if pending["format"] == "columns":
            return _columns_page(request, pending, form=form)
        return _check(request, pending, form=form)
    return render(request, "registry/import.html", {"form": form, **_page_context()})


def _page_context() -> dict[str, Any]:
    return {"has_mappings": queries.import_mappings().exists()}


def _file(pending: dict[str, Any]) -> bytes | None:
    return uploads.peek(pending.get("token"))


def _columns_page(
    request: HttpRequest, pending: dict[str, Any], *, form: ImportForm | None = None, columns: ColumnsForm | None = None
) -> HttpResponse:
    """The step of a file of any layout: each of its columns, samples of its values, and what it is read as."""
    form = form or ImportForm()
    try:
        preview = importing.preview_columns(
            actor=request.user,
            stream=io.BytesIO(_file(pending) or b""),
            filename=pending["name"],
            mapping=pending.get("mapping"),
        )
    except importing.ImportFileError as exc:
        form.add_error(None, exc.message)
        return render(request, "registry/import.html", {"form": form, **_page_context()})
    if columns is None:
        initial = {f"column-{n}": field for n, field in enumerate(preview.mapping.values())}
        initial["kind"] = pending.get("kind") or OrganisationKind.COOPERATIVE
        initial["save_as"] = pending.get("mapping_name", "")
        columns = ColumnsForm(initial=initial, columns=list(preview.mapping))
    rows = [
        {"column": column, "field": field, "samples": preview.samples.get(column, [])}
        for column, field in columns.rows()
    ]
    context = {"form": form, "columns": columns, "rows": rows, "pending": pending, "header_row": preview.header_row}
    return render(request, "registry/import_columns.html", context)


def _columns_chosen(request: HttpRequest, pending: dict[str, Any]) -> HttpResponse:
    try:
        preview = importing.preview_columns(
            actor=request.user, stream=io.BytesIO(_file(pending) or b""), filename=pending["name"]
        )
    except importing.ImportFileError as exc:
        messages.error(request, exc.message)
        return redirect("registry:import")
    columns = ColumnsForm(request.POST, columns=list(preview.mapping))
    if not columns.is_valid():
        return _columns_page(request, pending, columns=columns)
    pending["mapping"] = columns.mapping()
    pending["kind"] = columns.cleaned_data["kind"]
    if name := columns.cleaned_data.get("save_as", "").strip():
        try:
            saved = import_services.import_mapping_save(
                actor=request.user, name=name, columns=pending["mapping"], kind=pending["kind"]
            )
        except ValidationError as exc:
            form_errors(columns, ValidationError({"save_as": [m for ms in exc.message_dict.values() for m in ms]}))
            return _columns_page(request, pending, columns=columns)
        pending["mapping_name"] = saved.name
        messages.success(request, _("The mapping was kept as “%(name)s”.") % {"name": saved.name})
    request.session[PENDING] = pending
    return _check(request, pending)


def _check(request: HttpRequest, pending: dict[str, Any], *, form: ImportForm | None = None) -> HttpResponse:
    """The file checked with what was chosen for it, nothing written: problems, tidy-ups, the first rows."""
    form = form or ImportForm()
    report = None
    try:
        report = importing.import_organisations(
            actor=request.user,
            stream=io.BytesIO(_file(pending) or b""),
            filename=pending["name"],
            fmt=pending["format"],
            dry_run=True,
            **_options(pending),
        )
    except importing.ImportFileError as exc:
        form.add_error("file", exc.message)
    if report is not None:
        pending["rows"] = report.rows
        pending["ok"] = report.ok
        request.session[PENDING] = pending
    context = {
        "form": form,
        "report": report,
        "pending": pending,
        "preview": _import_preview(report.sample) if report and report.sample else [],
        "warnings": report.warnings[:SHOWN_WARNINGS] if report else [],
        "unknown_countries": _unknown_countries(report) if report else [],
        "countries": core_queries.countries(),
        "mapping": [(source, column_label(f)) for source, f in report.mapping.items() if f] if report else [],
        **_page_context(),
    }
    return render(request, "registry/import.html", context)


def _options(pending: dict[str, Any]) -> dict[str, Any]:
    return {
        "country_fixes": pending.get("fixes") or {},
        "mapping": pending.get("mapping"),
        "kind": pending.get("kind") or OrganisationKind.COOPERATIVE,
        "mapping_name": pending.get("mapping_name", ""),
    }


def _unknown_countries(report: importing.ImportReport) -> list[dict[str, Any]]:
    """The values the file gives for countries that name none, each with its rows and the country suggested."""
    found: dict[str, dict[str, Any]] = {}
    for error in report.errors:
        if error.field == "country" and error.value:
            entry = found.setdefault(error.value, {"value": error.value, "suggestion": error.suggestion, "rows": []})
            entry["rows"].append(error.row)
    names = {c.iso2: c.name for c in Country.objects.filter(iso2__in=[e["suggestion"] for e in found.values()])}
    for entry in found.values():
        entry["suggested"] = names.get(entry["suggestion"], "")
    return list(found.values())


def _confirm(request: HttpRequest) -> HttpResponseBase:
    """The import of the checked file, run in the background: the page that follows it is where this leads."""
    pending = request.session.pop(PENDING, None) or {}
    if not pending.get("ok") or not uploads.kept(pending.get("token")):
        messages.error(request, _("Nothing to import: upload the file again."))
        return redirect("registry:import")
    followed = progress.start(
        owner=request.user,
        title=_("Import of %(name)s") % {"name": pending["name"]},
        task=tasks.import_upload,
        kwargs={
            "token": pending["token"],
            "name": pending["name"],
            "fmt": pending["format"],
            "options": _options(pending),
            "rows": pending.get("rows", 0),
        },
    )
    return redirect("registry:import_task", pk=followed.pk)


@login_required
@require_GET
def import_task(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """An import running in the background, followed by whoever confirmed it (anyone else gets a 404): its
    progress while it runs, then how it ended. htmx polls the progress here; once the import has ended, the
    answer asks for the whole page again, whose title and heading then say how."""
    followed = get_object_or_404(core_queries.task_progress_of(request.user), pk=pk)
    if request.headers.get("HX-Request"):
        if followed.is_finished:
            return HttpResponseClientRefresh()
        return render(request, "core/_task_progress.html", {"followed": followed, "poll_url": request.path})
    if followed.status == TaskProgress.Status.DONE:
        heading = _("Organisations imported")
    elif followed.status == TaskProgress.Status.FAILED:
        # A message says why nothing was imported (the file, checked again); none, that the import broke down.
        heading = _("Nothing was imported") if followed.message else _("The import failed")
    else:
        heading = _("Importing organisations")
    return render(request, "registry/import_task.html", {"followed": followed, "heading": heading})


@require_GET
def import_example(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """A two-row example file of an import format, to start from."""
    if fmt not in ("cicopa", "essglobal"):
        raise Http404
    header, rows = importing.example(fmt)
    return exports.table_response(
        (dict(zip(header, row, strict=True)) for row in rows), header, "csv", f"{fmt}-organisations-example"
    )


def _import_preview(sample: list[importing.PreviewRow]) -> list[dict[str, Any]]:
    """The first rows of a checked file as they will be imported, codes shown by their names."""
    names = directory_queries.code_names()

    def name(field: str, code: Any) -> str:
        return names[field].get(code, code) if code else ""

    return [
        {
            "row": r.row,
            "identifier": r.identifier,
            "name": r.values["name"],
            "kind": name("kind", r.values["kind"]),
            "place": ", ".join(
                p
                for p in (
                    r.values["city"],
                    subdivisions.name(r.values.get("subdivision")),
                    name("country_id", r.values["country_id"]),
                )
                if p
            ),
            "sectors": ", ".join(name("sectors", code) for code in r.sectors),
            "membership_type": name("membership_type_id", r.values["membership_type_id"]),
            "legal_form": " — ".join(
                p for p in (name("legal_form_id", r.values["legal_form_id"]), r.values["legal_form_text"]) if p
            ),
            "action": r.action,
        }
        for r in sample
    ]


@login_required
@require_GET
def import_history(request: HttpRequest) -> HttpResponse:
    if not permissions.can_see_imports(request.user):
        raise PermissionDenied
    page = Paginator(queries.import_runs(), 50).get_page(request.GET.get("page"))
    return render(request, "registry/import_history.html", {"page": page})


@login_required
@require_GET
def import_run(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_see_imports(request.user):
        raise PermissionDenied
    run = get_object_or_404(queries.import_runs(), pk=pk)
    report = run.report or {}
    context = {
        "run": run,
        "mapping": [(source, column_label(f)) for source, f in (report.get("mapping") or {}).items() if f],
        "left_out": [source for source, f in (report.get("mapping") or {}).items() if not f],
        "fixes": sorted((report.get("country_fixes") or {}).items()),
        "warnings": report.get("warnings") or [],
        "can_undo": permissions.can_undo_import(request.user, run),
    }
    return render(request, "registry/import_run.html", context)


@login_required
def import_run_undo(request: HttpRequest, pk: int) -> HttpResponse:
    """Undoing an import: what it would do, then, confirmed, done."""
    if not permissions.can_see_imports(request.user):
        raise PermissionDenied
    run = get_object_or_404(ImportRun, pk=pk)
    if request.method == "POST":
        try:
            plan = import_services.import_undo(actor=request.user, run=run)
        except ValidationError as exc:
            for errors in exc.message_dict.values():
                for error in errors:
                    messages.error(request, error)
        else:
            messages.success(
                request,
                _(
                    "The import was undone: %(removed)s organisations removed, %(restored)s given back their values; "
                    "%(kept)s organisations and %(changed)s fields changed since were left alone."
                )
                % {
                    "removed": len(plan.remove),
                    "restored": len(plan.restore),
                    "kept": len(plan.keep),
                    "changed": len(plan.changed_since),
                },
            )
        return redirect(run)
    if not permissions.can_undo_import(request.user, run):
        messages.error(request, _("This import was undone already."))
        return redirect(run)
    plan = import_services.undo_plan(run)
    labels = {f: column_label(f.removesuffix("_id")) for f in {c[2] for c in plan.changed_since}}
    changed_since = [
        {"pk": pk, "name": name, "field": labels[field], "wrote": wrote, "now": now}
        for pk, name, field, wrote, now in plan.changed_since
    ]
    return render(request, "registry/import_undo.html", {"run": run, "plan": plan, "changed_since": changed_since})
