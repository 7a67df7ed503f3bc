"""Who may do what in the clearing house. The secretariat opens, runs, confirms and cancels cycles and reads
every statement; the people who act for an organisation in trade (its editors and officers, as in the
exchange) accept or revoke its participation and read its own statements, nobody else's."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from cicopa.clearing.models import Cycle
from cicopa.core.roles import is_secretariat
from cicopa.exchange import permissions as exchange_permissions
from cicopa.registry.models import Organisation


def can_run_cycles(user: Any) -> bool:
    return is_secretariat(user)


def can_take_part_for(user: Any, organisation: Organisation | int) -> bool:
    """Whether `user` may accept or revoke the clearing terms for `organisation`."""
    return exchange_permissions.can_act_for(user, organisation)


def participant_ids(user: Any) -> set[int]:
    """The organisations whose clearing `user` looks after (not the secretariat's everything)."""
    return exchange_permissions.trading_organisation_ids(user)


def can_see_statement(user: Any, organisation: Organisation | int) -> bool:
    return is_secretariat(user) or exchange_permissions.can_act_for(user, organisation)


def visible_cycles(user: Any) -> QuerySet[Cycle]:
    """Every cycle for the secretariat; for others, the cycles whose proposal holds a statement of theirs."""
    if is_secretariat(user):
        return Cycle.objects.all()
    mine = participant_ids(user)
    if not mine:
        return Cycle.objects.none()
    return Cycle.objects.filter(statements__organisation_id__in=mine).distinct()
