"""Every write of the clearing house: participation, and the life of a cycle (open, run, propose, confirm,
cancel). Each checks its permission, writes in one transaction and leaves an audit entry.

A cycle is opened by the secretariat for a currency and a cut-off date, then run: `cycle_propose` (a task of
the queue, or the command at once) reads the eligible invoices (queries.eligible_invoices), clears them with the
engine and keeps the proposal (each invoice as it was seen, with its set-off; each participant's statement).
Confirmation applies the proposal to the invoices through the exchange (exchange.setoff), all or nothing: an
invoice that changed since the proposal was made refuses it, by name, and the cycle can be run again. Confirming
a confirmed cycle changes nothing."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cicopa.clearing import engine, notices, permissions, queries
from cicopa.clearing.models import (
    UNFINISHED,
    Cycle,
    CycleInvoice,
    CycleParticipant,
    CycleStatus,
    Participation,
)
from cicopa.core import audit, money, pagecache
from cicopa.core.db import insert_rows
from cicopa.core.errors import PermissionDenied
from cicopa.core.formats import format_date, format_number
from cicopa.core.models import TaskProgress
from cicopa.exchange import setoff
from cicopa.registry.models import Organisation

Progress = Callable[[str, int], None]  # (what is being done, step 1-3)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


# Participation -------------------------------------------------------------------------------------------------


@transaction.atomic
def participation_accept(*, actor: Any, organisation: Organisation) -> Participation:
    """`organisation` accepts the clearing terms: its acknowledged invoices with other participants are cleared
    in the cycles run from now on."""
    if not permissions.can_take_part_for(actor, organisation):
        raise PermissionDenied(_("You may not accept the clearing terms for this organisation."))
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()  # one acceptance at a time
    if Participation.objects.filter(organisation=organisation, revoked_at__isnull=True).exists():
        raise ValidationError({"organisation": _("%(name)s takes part already.") % {"name": organisation.name}})
    participation = Participation.objects.create(organisation=organisation, accepted_by=_user(actor))
    audit.record(
        actor=actor,
        action="clearing.participation.accept",
        obj=participation,
        changes={"organisation": [None, organisation.pk], "terms_version": [None, participation.terms_version]},
    )
    return participation


@transaction.atomic
def participation_revoke(*, actor: Any, organisation: Organisation) -> Participation:
    """`organisation` leaves the clearing: the cycles run from now on leave it out (a proposal already made
    stands until it is confirmed or run again)."""
    if not permissions.can_take_part_for(actor, organisation):
        raise PermissionDenied(_("You may not revoke the clearing terms for this organisation."))
    participation = (
        Participation.objects.select_for_update().filter(organisation=organisation, revoked_at__isnull=True).first()
    )
    if participation is None:
        raise ValidationError({"organisation": _("%(name)s does not take part.") % {"name": organisation.name}})
    participation.revoked_at = timezone.now()
    participation.revoked_by = _user(actor)
    participation.save(update_fields=["revoked_at", "revoked_by"])
    audit.record(
        actor=actor,
        action="clearing.participation.revoke",
        obj=participation,
        changes={"revoked_at": [None, participation.revoked_at.isoformat()]},
    )
    return participation


# Cycles --------------------------------------------------------------------------------------------------------


@transaction.atomic
def cycle_open(*, actor: Any, currency: Any, cutoff: Any) -> Cycle:
    """Open a cycle for the invoices in `currency` issued on or before `cutoff` (a date, or its ISO text)."""
    if not permissions.can_run_cycles(actor):
        raise PermissionDenied(_("Only the secretariat opens a clearing cycle."))
    errors: dict[str, list[str]] = {}
    code = str(currency or "").strip().upper()
    if not money.is_known_currency(code):
        errors["currency"] = [_("Give a currency by its ISO 4217 code, such as EUR.")]
    day = cutoff
    if not isinstance(day, datetime.date):
        try:
            day = datetime.date.fromisoformat(str(cutoff or "").strip())
        except ValueError:
            errors["cutoff"] = [_("Give the cut-off date as YYYY-MM-DD.")]
    if not errors and Cycle.objects.filter(currency=code, status__in=UNFINISHED).exists():
        errors["currency"] = [
            _("A cycle in %(currency)s is under way: confirm or cancel it first.") % {"currency": code}
        ]
    if errors:
        raise ValidationError(errors)
    cycle = Cycle.objects.create(currency=code, cutoff=day, opened_by=_user(actor))
    audit.record(
        actor=actor,
        action="clearing.cycle.open",
        obj=cycle,
        changes={"currency": [None, code], "cutoff": [None, day.isoformat()]},
    )
    return cycle


def _not_a_proposal(cycle: Cycle) -> ValidationError:
    return ValidationError(
        {
            "status": _("This cycle is %(status)s: only a proposal can be confirmed.")
            % {"status": cycle.get_status_display().lower()}
        }
    )


def _unfinished(cycle: Cycle) -> Cycle:
    """The cycle, locked, if it is neither confirmed nor cancelled."""
    locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if locked.status not in UNFINISHED:
        raise ValidationError(
            {
                "status": _("This cycle is %(status)s: it can be neither run nor cancelled any more.")
                % {"status": locked.get_status_display().lower()}
            }
        )
    return locked


@transaction.atomic
def cycle_run(*, actor: Any, cycle: Cycle) -> TaskProgress:
    """Queue the computation of a proposal (tasks.run_cycle); the page follows it. A proposal made before is
    replaced when the new one is written."""
    from cicopa.clearing import tasks
    from cicopa.core import progress

    if not permissions.can_run_cycles(actor):
        raise PermissionDenied(_("Only the secretariat runs the clearing."))
    cycle = _unfinished(cycle)
    if cycle.status == CycleStatus.RUNNING:
        raise ValidationError({"status": _("This cycle is being run already.")})
    before = cycle.status
    Cycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.RUNNING)
    audit.record(actor=actor, action="clearing.cycle.run", obj=cycle, changes={"status": [before, "running"]})
    followed = progress.start(
        owner=actor,
        title=_("Clearing cycle %(currency)s, cut-off %(cutoff)s")
        % {"currency": cycle.currency, "cutoff": format_date(cycle.cutoff)},
        task=tasks.run_cycle,
        kwargs={"cycle_id": cycle.pk, "actor_id": actor.pk},
    )
    Cycle.objects.filter(pk=cycle.pk).update(run_task=followed)
    return followed


def cycle_propose(*, actor: Any, cycle: Cycle, report: Progress | None = None, dry_run: bool = False) -> Cycle:
    """Compute the cycle's proposal now and keep it (in place of any earlier one): the invoices it sets off, each
    as it stands and with its set-off (models.CycleInvoice), and each participant's statement. With `dry_run`,
    the same figures are computed and returned on the cycle, and nothing is kept."""
    if not permissions.can_run_cycles(actor):
        raise PermissionDenied(_("Only the secretariat runs the clearing."))
    step = report or (lambda _what, _n: None)
    with transaction.atomic():
        cycle = _unfinished(cycle)
        step(_("Reading the eligible invoices"), 1)
        participants = queries.current_participant_ids()
        rows = list(
            queries.eligible_invoices(cycle, participants)
            .order_by("id")
            .values_list("id", "buyer_id", "seller_id", "status", "open")  # type: ignore[misc]
        )
        step(_("Clearing %(n)s invoices") % {"n": format_number(len(rows))}, 2)
        debtors = np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))
        creditors = np.fromiter((r[2] for r in rows), dtype=np.int64, count=len(rows))
        amounts = np.fromiter((r[4] for r in rows), dtype=np.int64, count=len(rows))
        orgs, positions = np.unique(np.concatenate([debtors, creditors]), return_inverse=True)
        result = engine.clear(
            engine.Obligations(
                participants=[str(o) for o in orgs.tolist()],
                debtor=positions[: len(rows)],
                creditor=positions[len(rows) :],
                amount=amounts,
                currencies=[cycle.currency],
            )
        )
        summary = result.summary.currencies[0] if result.summary.currencies else None
        cycle.invoices = len(rows)
        cycle.participants = len(orgs)
        cycle.gross_minor = summary.gross_debt if summary else 0
        cycle.net_minor = summary.net_internal_debt if summary else 0
        cycle.cleared_minor = summary.cleared if summary else 0
        cycle.solve_seconds = result.seconds
        if dry_run:
            transaction.set_rollback(True)
            return cycle
        step(_("Writing the proposal"), 3)
        CycleInvoice.objects.filter(cycle=cycle).delete()
        CycleParticipant.objects.filter(cycle=cycle).delete()
        setoffs = result.setoff.tolist()
        insert_rows(
            CycleInvoice._meta.db_table,
            ("cycle_id", "invoice_id", "debtor_id", "creditor_id", "open_minor", "status_seen", "setoff_minor"),
            ((cycle.pk, row[0], row[1], row[2], row[4], row[3], s) for row, s in zip(rows, setoffs, strict=True) if s),
            chunk=5000,
        )
        insert_rows(
            CycleParticipant._meta.db_table,
            ("cycle_id", "organisation_id", "owed_before", "owing_before", "owed_after", "owing_after"),
            (
                (cycle.pk, int(s.participant), s.owed_before, s.owing_before, s.owed_after, s.owing_after)
                for s in result.statements()
            ),
            chunk=5000,
        )
        before = cycle.status
        cycle.status = CycleStatus.PROPOSED
        cycle.proposed_at = timezone.now()
        cycle.runs += 1
        cycle.save()
        audit.record(
            actor=actor,
            action="clearing.cycle.propose",
            obj=cycle,
            changes={
                "status": [before, cycle.status],
                "invoices": cycle.invoices,
                "gross_minor": cycle.gross_minor,
                "cleared_minor": cycle.cleared_minor,
            },
        )
        pagecache.changed()  # proposal lines written in bulk, past audit.record()
    return cycle


@transaction.atomic
def cycle_run_failed(*, cycle_id: int) -> None:
    """A run given up: the cycle goes back to where it was (its last proposal, if it has one)."""
    cycle = Cycle.objects.select_for_update().filter(pk=cycle_id, status=CycleStatus.RUNNING).first()
    if cycle is None:
        return
    cycle.status = CycleStatus.PROPOSED if cycle.proposed_at else CycleStatus.OPEN
    cycle.save(update_fields=["status"])
    audit.record(
        actor=None, action="clearing.cycle.run_failed", obj=cycle, changes={"status": ["running", cycle.status]}
    )


@transaction.atomic
def cycle_confirm_queued(*, actor: Any, cycle: Cycle) -> TaskProgress:
    """Queue the confirmation of a proposal (tasks.confirm_cycle: cycle_confirm, which a cycle of a million
    invoices keeps busy for a minute); the page follows it, and says which invoices refused it, if any."""
    from cicopa.clearing import tasks
    from cicopa.core import progress

    if not permissions.can_run_cycles(actor):
        raise PermissionDenied(_("Only the secretariat confirms a clearing cycle."))
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status != CycleStatus.PROPOSED:
        raise _not_a_proposal(cycle)
    followed = progress.start(
        owner=actor,
        title=_("Confirming the clearing cycle %(currency)s, cut-off %(cutoff)s")
        % {"currency": cycle.currency, "cutoff": format_date(cycle.cutoff)},
        task=tasks.confirm_cycle,
        kwargs={"cycle_id": cycle.pk, "actor_id": actor.pk},
    )
    Cycle.objects.filter(pk=cycle.pk).update(run_task=followed)
    return followed


@transaction.atomic
def cycle_confirm(*, actor: Any, cycle: Cycle) -> Cycle:
    """Apply the proposal: every set-off on its invoice, in one transaction (exchange.setoff), then tell each
    participant. Refused, with nothing written, if an invoice of the proposal changed since; a confirmed cycle
    is left as it is."""
    if not permissions.can_run_cycles(actor):
        raise PermissionDenied(_("Only the secretariat confirms a clearing cycle."))
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status == CycleStatus.CONFIRMED:
        return cycle
    if cycle.status != CycleStatus.PROPOSED:
        raise _not_a_proposal(cycle)
    seen = {}
    amounts = {}
    for invoice_id, status, still_open, amount in cycle.lines.values_list(
        "invoice_id", "status_seen", "open_minor", "setoff_minor"
    ):
        seen[invoice_id] = (status, still_open)
        if amount:
            amounts[invoice_id] = amount
    detail = _("Set off in the clearing cycle %(currency)s of %(cutoff)s") % {
        "currency": cycle.currency,
        "cutoff": format_date(cycle.cutoff),
    }
    try:
        setoff.invoices_set_off(actor=actor, setoffs=amounts, seen=seen, detail=detail)
    except setoff.InvoicesChanged as exc:
        raise ValidationError(
            {"invoices": [*exc.messages, _("Run the cycle again for a proposal on the invoices as they are now.")]}
        ) from exc
    cycle.status = CycleStatus.CONFIRMED
    cycle.confirmed_by = _user(actor)
    cycle.confirmed_at = timezone.now()
    cycle.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    audit.record(
        actor=actor,
        action="clearing.cycle.confirm",
        obj=cycle,
        changes={"status": ["proposed", "confirmed"], "cleared_minor": cycle.cleared_minor},
    )
    notices.cycle_confirmed(cycle, actor=actor)
    return cycle


@transaction.atomic
def cycle_cancel(*, actor: Any, cycle: Cycle) -> Cycle:
    """Give up a cycle that is not confirmed (its proposal is kept for the record, and applied to nothing)."""
    if not permissions.can_run_cycles(actor):
        raise PermissionDenied(_("Only the secretariat cancels a clearing cycle."))
    cycle = _unfinished(cycle)
    before = cycle.status
    cycle.status = CycleStatus.CANCELLED
    cycle.save(update_fields=["status"])
    audit.record(actor=actor, action="clearing.cycle.cancel", obj=cycle, changes={"status": [before, "cancelled"]})
    return cycle
