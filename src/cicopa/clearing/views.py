"""The clearing house's pages: participation and statements for the people of co-operatives; cycles, their
reports and history for the secretariat."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRefresh

from cicopa.clearing import charts as clearing_charts
from cicopa.clearing import pdf, permissions, queries, services
from cicopa.clearing.forms import CycleForm, ParticipationForm
from cicopa.clearing.models import Cycle, CycleStatus
from cicopa.core import exports
from cicopa.core.errors import PermissionDenied, report_errors
from cicopa.core.models import TaskProgress
from cicopa.exchange.permissions import trading_organisations
from cicopa.registry.models import Organisation


def account_panel(request: HttpRequest) -> dict[str, Any]:
    """The account page's clearing panel: which of the user's organisations take part."""
    ids = permissions.participant_ids(request.user)
    current = queries.participations_of(ids)
    return {"organisations": len(ids), "taking_part": len(current), "can_run": permissions.can_run_cycles(request.user)}


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    organisations = list(trading_organisations(user))
    current = queries.participations_of(o.pk for o in organisations)
    context: dict[str, Any] = {
        "organisations": [{"org": o, "participation": current.get(o.pk)} for o in organisations],
        "statements": queries.statements_of({o.pk for o in organisations}),
        "can_run": permissions.can_run_cycles(user),
    }
    if context["can_run"]:
        history = queries.confirmed_history()
        context.update(
            cycles=list(queries.cycles(user)[:100]),
            form=CycleForm(),
            history=history,
            history_chart=clearing_charts.history_chart(history),
        )
    return render(request, "clearing/home.html", context)


@login_required
@require_POST
def participation(request: HttpRequest) -> HttpResponse:
    form = ParticipationForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("clearing:home")
    organisation = get_object_or_404(Organisation, pk=form.cleaned_data["organisation"])
    try:
        if form.cleaned_data["action"] == "accept":
            services.participation_accept(actor=request.user, organisation=organisation)
            messages.success(
                request,
                _("%(name)s takes part in the clearing from now on.") % {"name": organisation.name},
            )
        else:
            services.participation_revoke(actor=request.user, organisation=organisation)
            messages.success(
                request,
                _("%(name)s no longer takes part: the next cycles leave it out.") % {"name": organisation.name},
            )
    except ValidationError as exc:
        report_errors(request, exc)
    return redirect("clearing:home")


@login_required
@require_POST
def cycle_open(request: HttpRequest) -> HttpResponse:
    if not permissions.can_run_cycles(request.user):
        raise PermissionDenied(_("Only the secretariat opens a clearing cycle."))
    form = CycleForm(request.POST)
    if form.is_valid():
        try:
            cycle = services.cycle_open(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            report_errors(request, exc)
        else:
            messages.success(request, _("The cycle is open: run it to see what it would clear."))
            return redirect(cycle)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("clearing:home")


def _secretariat_cycle(request: HttpRequest, pk: int) -> Cycle:
    if not permissions.can_run_cycles(request.user):
        raise Http404
    return get_object_or_404(Cycle.objects.select_related("run_task", "opened_by", "confirmed_by"), pk=pk)


@login_required
@require_GET
def cycle(request: HttpRequest, pk: int) -> HttpResponse:
    """A cycle's report (the secretariat's). Someone else is sent to their own statement, if they have one."""
    if not permissions.can_run_cycles(request.user):
        own = queries.statement_of_user(request.user, pk)
        if own is None:
            raise Http404
        return redirect(own)
    item = _secretariat_cycle(request, pk)
    task = item.run_task
    # The last run or confirmation, while it is under way, or when it failed (its message says why).
    followed = (
        task if task is not None and (not task.is_finished or task.status == TaskProgress.Status.FAILED) else None
    )
    if request.headers.get("HX-Request") and task is not None:
        if task.is_finished:
            return HttpResponseClientRefresh()
        return render(request, "core/_task_progress.html", {"followed": task, "poll_url": request.path})
    # The participants that save most (the download has them all: a cycle may hold a hundred thousand).
    rows = list(queries.statements(item)[:SHOWN]) if item.status != CycleStatus.OPEN else []
    context = {
        "cycle": item,
        "followed": followed,
        "busy": followed is not None and not followed.is_finished,
        "rows": rows,
        "chart": clearing_charts.savings_chart(item, rows) if rows else "",
        "shown": SHOWN,
    }
    return render(request, "clearing/cycle.html", context)


SHOWN = 100

ACTIONS = {
    "run": (services.cycle_run, lambda: _("The cycle is running: its proposal appears here when it is ready.")),
    "confirm": (services.cycle_confirm_queued, lambda: _("The confirmation is under way: its outcome appears here.")),
    "cancel": (services.cycle_cancel, lambda: _("The cycle is cancelled.")),
}


@login_required
@require_POST
def cycle_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    item = _secretariat_cycle(request, pk)
    service, done = ACTIONS[action]
    try:
        service(actor=request.user, cycle=item)
    except ValidationError as exc:
        report_errors(request, exc)
    else:
        messages.success(request, done())
    return redirect(item)


@require_GET
@exports.download
def cycle_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    """Every participant's statement of a cycle as one table (CSV, XLSX or JSON)."""
    if fmt not in exports.FORMATS:
        raise Http404
    item = _secretariat_cycle(request, pk)
    columns, rows = queries.statement_table(item)
    return exports.table_response(rows, columns, fmt, f"clearing-{item.currency}-{item.cutoff:%Y-%m-%d}")


def _statement(request: HttpRequest, pk: int, org: int) -> queries.Statement:
    if not request.user.is_authenticated or not permissions.can_see_statement(request.user, org):
        raise Http404
    item = get_object_or_404(Cycle, pk=pk)
    found = queries.statement(item, org)
    if found is None:
        raise Http404
    return found


@login_required
@require_GET
def statement(request: HttpRequest, pk: int, org: int) -> HttpResponse:
    found = _statement(request, pk, org)
    return render(
        request,
        "clearing/statement.html",
        {"statement": found, "cycle": found.cycle, "can_run": permissions.can_run_cycles(request.user)},
    )


@login_required
@require_GET
def statement_file(request: HttpRequest, pk: int, org: int, fmt: str) -> HttpResponseBase:
    """A statement as PDF, or its invoices as CSV."""
    found = _statement(request, pk, org)
    name = f"clearing-{found.cycle.currency}-{found.cycle.cutoff:%Y-%m-%d}-{found.organisation.slug}"
    if fmt == "pdf":
        return pdf.statement_response(found, name)
    if fmt == "csv":
        columns, rows = queries.statement_lines(found)
        return exports.table_response(rows, columns, "csv", name)
    raise Http404
