"""What the clearing house tells people, through the platform's notification service, each in their own
language: when a cycle is confirmed, the people of each participant (exchange.notices.people_of_many). A person
who looks after several participants (a federation's officer) is told once, with the sum of what they cleared."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cicopa.clearing.models import Cycle, CycleParticipant
from cicopa.core import notifications
from cicopa.exchange.notices import people_of_many


def cycle_confirmed(cycle: Cycle, *, actor: Any) -> None:
    """Each participant's people are told what it cleared, with a link to its statement (or, for someone who
    looks after several, to the list of their statements)."""
    statements = list(cycle.statements.select_related("organisation").order_by("id"))
    people = people_of_many(s.organisation_id for s in statements)
    by_user: dict[int, tuple[Any, list[CycleParticipant]]] = {}
    for statement in statements:
        for user in people.get(statement.organisation_id, []):
            by_user.setdefault(user.pk, (user, []))[1].append(statement)
    for user, theirs in by_user.values():
        if getattr(actor, "pk", None) == user.pk:
            continue  # nobody is told what they did themselves
        one = theirs[0] if len(theirs) == 1 else None
        notifications.notify(
            user=user,
            kind="clearing.confirmed",
            subject=_("Clearing cycle %(currency)s of %(cutoff)s: your statement"),
            body_template="clearing/email/confirmed.txt",
            context={
                "currency": cycle.currency,
                "cutoff": cycle.cutoff,
                "organisation": one.organisation.name if one else "",
                "organisations": len(theirs),
                "cleared": sum(s.cleared for s in theirs),
                "owing_after": sum(s.owing_after for s in theirs),
                "owed_after": sum(s.owed_after for s in theirs),
            },
            url=one.get_absolute_url() if one else reverse("clearing:home"),
            actor=actor,
        )
