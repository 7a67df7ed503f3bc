"""The clearing house under /api/v1/clearing/...: participation for the people of co-operatives; cycles (open,
run, confirm, cancel) for the secretariat; statements for each participant and the secretariat. Everything needs
a token or the browser session: nothing of the clearing is public."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from cicopa.clearing import permissions, queries, services
from cicopa.clearing.models import Cycle, CycleInvoice, Participation
from cicopa.core.api_auth import WRITE_AUTH
from cicopa.core.api_input import JsonObject
from cicopa.exchange.permissions import trading_organisations
from cicopa.registry.models import Organisation

router = Router(tags=["clearing"])


class ParticipationOut(Schema):
    organisation: str = Field(..., description="Slug of the organisation")
    name: str
    taking_part: bool
    accepted_at: datetime.datetime | None
    terms_version: str | None


class ParticipationIn(JsonObject):
    organisation: str = Field(..., description="Slug of an organisation you act for")


class CycleIn(JsonObject):
    currency: str = Field(..., description="ISO 4217 code", json_schema_extra={"maxLength": 3})
    cutoff: datetime.date = Field(..., description="Invoices issued on or before this date are cleared")


class CycleOut(Schema):
    id: int
    url: str
    currency: str
    cutoff: datetime.date
    status: str = Field(..., description="open, running, proposed, confirmed or cancelled")
    runs: int
    participants: int
    invoices: int
    gross_minor: int = Field(..., description="Still to pay on the eligible invoices, in minor units")
    net_minor: int = Field(..., description="Net internal debt: the sum of the positive net positions")
    cleared_minor: int = Field(..., description="Set off by the proposal (or, once confirmed, by the cycle)")
    proposed_at: datetime.datetime | None
    confirmed_at: datetime.datetime | None
    task: str | None = Field(None, description="The id of the last run's progress (its page: /accounts/tasks/{id}/)")


class LineOut(Schema):
    invoice: int
    number: str
    side: str = Field(..., description="receivable (the participant issued it) or payable (it received it)")
    other_party: str
    open_minor: int
    setoff_minor: int
    remaining_minor: int


class StatementOut(Schema):
    cycle: int
    organisation: str
    currency: str
    status: str
    owed_before: int
    owing_before: int
    owed_after: int
    owing_after: int
    liquidity_saved: int = Field(..., description="What the participant no longer needs to pay in cash")
    net: int = Field(..., description="Owed to it minus what it owes: the same before and after")
    invoices: list[LineOut]


def _organisation(slug: str) -> Organisation:
    org = Organisation.objects.filter(slug=slug).first()
    if org is None:
        raise HttpError(404, _("No organisation has the slug %(slug)s.") % {"slug": slug})
    return org


def _participation(org: Organisation, current: Participation | None) -> dict[str, Any]:
    return {
        "organisation": org.slug,
        "name": org.name,
        "taking_part": current is not None,
        "accepted_at": current.accepted_at if current else None,
        "terms_version": current.terms_version if current else None,
    }


def _cycle(cycle: Cycle) -> dict[str, Any]:
    return {
        "id": cycle.pk,
        "url": cycle.get_absolute_url(),
        "currency": cycle.currency,
        "cutoff": cycle.cutoff,
        "status": cycle.status,
        "runs": cycle.runs,
        "participants": cycle.participants,
        "invoices": cycle.invoices,
        "gross_minor": cycle.gross_minor,
        "net_minor": cycle.net_minor,
        "cleared_minor": cycle.cleared_minor,
        "proposed_at": cycle.proposed_at,
        "confirmed_at": cycle.confirmed_at,
        "task": str(cycle.run_task_id) if cycle.run_task_id else None,
    }


def _secretariat_cycle(request: HttpRequest, cycle_id: int) -> Cycle:
    cycle = Cycle.objects.filter(pk=cycle_id).first() if permissions.can_run_cycles(request.user) else None
    if cycle is None:
        raise HttpError(404, _("No clearing cycle has the id %(id)s.") % {"id": cycle_id})
    return cycle


@router.get(
    "/clearing/participations",
    summary="Whether each organisation you act for takes part",
    auth=WRITE_AUTH,
    response=list[ParticipationOut],
)
def participations(request: HttpRequest) -> list[dict[str, Any]]:
    orgs = list(trading_organisations(request.user))
    current = queries.participations_of(o.pk for o in orgs)
    return [_participation(o, current.get(o.pk)) for o in orgs]


@router.post(
    "/clearing/participations",
    summary="Accept the clearing terms for an organisation",
    auth=WRITE_AUTH,
    response={201: ParticipationOut},
)
def accept(request: HttpRequest, payload: ParticipationIn) -> tuple[int, dict[str, Any]]:
    org = _organisation(payload.organisation)
    participation = services.participation_accept(actor=request.user, organisation=org)
    return 201, _participation(org, participation)


@router.delete(
    "/clearing/participations/{slug}",
    summary="Leave the clearing (the next cycles leave the organisation out)",
    auth=WRITE_AUTH,
    response=ParticipationOut,
)
def revoke(request: HttpRequest, slug: str) -> dict[str, Any]:
    org = _organisation(slug)
    services.participation_revoke(actor=request.user, organisation=org)
    return _participation(org, None)


@router.get("/clearing/cycles", summary="Clearing cycles you may see", auth=WRITE_AUTH, response=list[CycleOut])
def cycle_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The secretariat sees every cycle; others, the cycles that hold a statement of theirs."""
    return [_cycle(c) for c in queries.cycles(request.user)[:500]]


@router.post("/clearing/cycles", summary="Open a clearing cycle", auth=WRITE_AUTH, response={201: CycleOut})
def cycle_open(request: HttpRequest, payload: CycleIn) -> tuple[int, dict[str, Any]]:
    return 201, _cycle(services.cycle_open(actor=request.user, currency=payload.currency, cutoff=payload.cutoff))


@router.get(
    "/clearing/cycles/{cycle_id}", summary="A clearing cycle and its figures", auth=WRITE_AUTH, response=CycleOut
)
def cycle_get(request: HttpRequest, cycle_id: int) -> dict[str, Any]:
    """For the secretariat, and for the participants of a cycle that holds their statement."""
    cycle = queries.cycles(request.user).filter(pk=cycle_id).first()
    if cycle is None:
        raise HttpError(404, _("No clearing cycle has the id %(id)s.") % {"id": cycle_id})
    return _cycle(cycle)


@router.post(
    "/clearing/cycles/{cycle_id}/{action}",
    summary="Run, confirm or cancel a clearing cycle",
    auth=WRITE_AUTH,
    response=CycleOut,
)
def cycle_step(request: HttpRequest, cycle_id: int, action: str) -> dict[str, Any]:
    """`run` queues the computation of a proposal (follow `task`); `confirm` applies the proposal to the
    invoices, or answers 422 naming the invoices that changed since it was made; `cancel` gives the cycle up.
    Confirming a confirmed cycle changes nothing."""
    steps = {"run": services.cycle_run, "confirm": services.cycle_confirm, "cancel": services.cycle_cancel}
    if action not in steps:
        raise ValidationError({"action": _("Give run, confirm or cancel.")})
    cycle = _secretariat_cycle(request, cycle_id)
    steps[action](actor=request.user, cycle=cycle)
    return _cycle(Cycle.objects.get(pk=cycle.pk))


def _line(line: CycleInvoice, receivable: bool) -> dict[str, Any]:
    return {
        "invoice": line.invoice_id,
        "number": line.invoice.number,
        "side": "receivable" if receivable else "payable",
        "other_party": (line.debtor if receivable else line.creditor).slug,
        "open_minor": line.open_minor,
        "setoff_minor": line.setoff_minor,
        "remaining_minor": line.remaining_minor,
    }


@router.get(
    "/clearing/cycles/{cycle_id}/statements/{slug}",
    summary="A participant's statement in a cycle",
    auth=WRITE_AUTH,
    response=StatementOut,
)
def statement(request: HttpRequest, cycle_id: int, slug: str) -> dict[str, Any]:
    """For the participant's own people and the secretariat; anyone else is answered 404, as if it did not
    exist."""
    org = Organisation.objects.filter(slug=slug).first()
    cycle = Cycle.objects.filter(pk=cycle_id).first()
    found = queries.statement(cycle, org.pk) if org and cycle else None
    if found is None or not permissions.can_see_statement(request.user, org):  # type: ignore[arg-type]
        raise HttpError(404, _("No statement of %(slug)s in the cycle %(id)s.") % {"slug": slug, "id": cycle_id})
    f = found.figures
    return {
        "cycle": cycle_id,
        "organisation": slug,
        "currency": found.cycle.currency,
        "status": found.cycle.status,
        "owed_before": f.owed_before,
        "owing_before": f.owing_before,
        "owed_after": f.owed_after,
        "owing_after": f.owing_after,
        "liquidity_saved": f.cleared,
        "net": f.net,
        "invoices": [_line(x, True) for x in found.receivable] + [_line(x, False) for x in found.payable],
    }
