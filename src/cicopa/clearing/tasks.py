"""The clearing house's background work: a cycle's run, followed on its page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cicopa.clearing import services
from cicopa.clearing.models import Cycle
from cicopa.core import progress
from cicopa.core.background import retried_task
from cicopa.core.formats import format_number


def _given_up(*args: Any, error: BaseException, cycle_id: int, **kwargs: Any) -> None:
    services.cycle_run_failed(cycle_id=cycle_id)


@retried_task(attempts=3, backoff=30, on_failure=_given_up)
def run_cycle(*, cycle_id: int, actor_id: int, progress_id: str) -> None:
    """Compute a cycle's proposal. Run twice (a worker lost), it writes the same proposal again in place of the
    first: a proposal is replaced whole, in one transaction."""
    cycle = Cycle.objects.filter(pk=cycle_id).first()
    actor = get_user_model().objects.filter(pk=actor_id).first()
    with progress.Reporter(progress_id) as report:
        if cycle is None or actor is None:
            report.fail(message=_("The cycle or the person who ran it no longer exists."))
            return
        report.running(total=3)
        try:
            cycle = services.cycle_propose(
                actor=actor, cycle=cycle, report=lambda what, n: report.step(done=n - 1, message=what, force=True)
            )
        except ValidationError as exc:  # confirmed or cancelled meanwhile: nothing to run
            report.fail(message=" ".join(exc.messages))
            return
        report.done(
            message=_("Proposal ready: %(n)s invoices, see the cycle's report.") % {"n": format_number(cycle.invoices)},
            url=cycle.get_absolute_url(),
        )


@retried_task(attempts=3, backoff=30)
def confirm_cycle(*, cycle_id: int, actor_id: int, progress_id: str) -> None:
    """Confirm a cycle's proposal. Run twice (a worker lost), the second finds it confirmed and changes nothing."""
    cycle = Cycle.objects.filter(pk=cycle_id).first()
    actor = get_user_model().objects.filter(pk=actor_id).first()
    with progress.Reporter(progress_id) as report:
        if cycle is None or actor is None:
            report.fail(message=_("The cycle or the person who confirmed it no longer exists."))
            return
        report.running()
        try:
            cycle = services.cycle_confirm(actor=actor, cycle=cycle)
        except ValidationError as exc:  # an invoice changed since the proposal: nothing was set off
            report.fail(message=" ".join(exc.messages))
            return
        report.done(
            message=_("The cycle is confirmed: the invoices are set off and every participant is told."),
            url=cycle.get_absolute_url(),
        )
