"""Reads of the clearing house that its pages, API, command and tasks share."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet

from cicopa.clearing import permissions
from cicopa.clearing.models import Cycle, CycleInvoice, CycleParticipant, CycleStatus, Participation
from cicopa.core import money
from cicopa.exchange.models import Invoice
from cicopa.exchange.setoff import SETTLEABLE
from cicopa.registry.models import Organisation


def current_participant_ids() -> set[int]:
    """The organisations that take part now (their current acceptance of the terms)."""
    return set(Participation.objects.filter(revoked_at__isnull=True).values_list("organisation_id", flat=True))


def participations_of(organisation_ids: Iterable[int]) -> dict[int, Participation]:
    """The current participation of each of these organisations that has one."""
    return {
        p.organisation_id: p
        for p in Participation.objects.filter(
            organisation_id__in=list(organisation_ids), revoked_at__isnull=True
        ).select_related("accepted_by")
    }


def eligible_invoices(cycle: Cycle, participants: set[int]) -> QuerySet[Invoice]:
    """The invoices a cycle clears: in its currency, issued on or before its cut-off, between two participants,
    acknowledged by the buyer and neither disputed, paid nor cancelled (SETTLEABLE), with something still to pay
    (annotated `open`)."""
    return (
        Invoice.objects.filter(
            currency=cycle.currency,
            issue_date__lte=cycle.cutoff,
            status__in=SETTLEABLE,
            seller_id__in=participants,
            buyer_id__in=participants,
        )
        .annotate(open=F("total_minor") - F("cleared_minor"))
        .filter(open__gt=0)
    )


def cycles(user: Any) -> QuerySet[Cycle]:
    return permissions.visible_cycles(user).select_related("opened_by", "confirmed_by", "run_task")


def confirmed_history() -> list[Cycle]:
    """Confirmed cycles, oldest first: the clearing house's figures over time."""
    return list(Cycle.objects.filter(status=CycleStatus.CONFIRMED).order_by("confirmed_at", "id"))


def statements(cycle: Cycle) -> QuerySet[CycleParticipant]:
    """Every participant's statement of a cycle, most cleared first."""
    return (
        cycle.statements.select_related("organisation__country")
        .annotate(saved=F("owing_before") - F("owing_after"))
        .order_by("-saved", "organisation__name")
    )


@dataclass
class Statement:
    """One participant's statement of a cycle, with the invoices it holds on either side."""

    cycle: Cycle
    figures: CycleParticipant
    organisation: Organisation
    receivable: list[CycleInvoice]  # invoices it issued (it is owed them), set off in part or in full
    payable: list[CycleInvoice]  # invoices it received (it owes them), likewise


def statement(cycle: Cycle, organisation_id: int) -> Statement | None:
    """The statement of `organisation_id` in `cycle`, or None if it took no part."""
    figures = cycle.statements.select_related("organisation").filter(organisation_id=organisation_id).first()
    if figures is None:
        return None
    # Through the participant's invoices (the invoice table's indexes), then the lines' (cycle, invoice) index.
    theirs = Invoice.objects.filter(Q(seller_id=organisation_id) | Q(buyer_id=organisation_id)).values("pk")
    lines = list(
        cycle.lines.filter(invoice_id__in=theirs)
        .select_related("invoice", "debtor", "creditor")
        .order_by("-setoff_minor", "invoice__issue_date", "invoice_id")
    )
    return Statement(
        cycle=cycle,
        figures=figures,
        organisation=figures.organisation,
        receivable=[line for line in lines if line.creditor_id == organisation_id],
        payable=[line for line in lines if line.debtor_id == organisation_id],
    )


def statements_of(organisation_ids: set[int], *, limit: int = 50) -> list[CycleParticipant]:
    """The statements of these organisations in cycles that were proposed or confirmed, newest first."""
    if not organisation_ids:
        return []
    return list(
        CycleParticipant.objects.filter(
            organisation_id__in=organisation_ids,
            cycle__status__in=(CycleStatus.PROPOSED, CycleStatus.CONFIRMED),
        )
        .select_related("cycle", "organisation")
        .order_by("-cycle__opened_at", "-cycle_id", "organisation__name")[:limit]
    )


def statement_of_user(user: Any, cycle_id: int) -> CycleParticipant | None:
    """A statement of `user`'s organisations in a cycle (the first by name), if there is one."""
    mine = permissions.participant_ids(user)
    if not mine:
        return None
    return (
        CycleParticipant.objects.filter(cycle_id=cycle_id, organisation_id__in=mine)
        .select_related("organisation")
        .order_by("organisation__name")
        .first()
    )


def _decimal(minor: int, currency: str) -> Any:
    return money.minor_to_decimal(int(minor), currency)


STATEMENT_COLUMNS = [
    "organisation",
    "organisation_name",
    "currency",
    "owed_before",
    "owing_before",
    "cleared",
    "owed_after",
    "owing_after",
    "net",
]


def statement_table(cycle: Cycle) -> tuple[list[str], Iterable[dict[str, Any]]]:
    """Every participant's statement of a cycle as rows for a download (amounts in the currency's units)."""
    c = cycle.currency
    rows = (
        {
            "organisation": s.organisation.slug,
            "organisation_name": s.organisation.name,
            "currency": c,
            "owed_before": _decimal(s.owed_before, c),
            "owing_before": _decimal(s.owing_before, c),
            "cleared": _decimal(s.cleared, c),
            "owed_after": _decimal(s.owed_after, c),
            "owing_after": _decimal(s.owing_after, c),
            "net": _decimal(s.net, c),
        }
        for s in statements(cycle).iterator(chunk_size=2000)
    )
    return STATEMENT_COLUMNS, rows


LINE_COLUMNS = [
    "invoice",
    "side",
    "seller",
    "buyer",
    "issue_date",
    "currency",
    "open_before",
    "set_off",
    "open_after",
]


def statement_lines(found: Statement) -> tuple[list[str], list[dict[str, Any]]]:
    """A statement's invoices as rows for a download: each with the side it is on for the participant
    (receivable: it issued it; payable: it received it), what was open before, set off, and open after."""
    c = found.cycle.currency
    rows = [
        {
            "invoice": line.invoice.number,
            "side": side,
            "seller": line.creditor.name,
            "buyer": line.debtor.name,
            "issue_date": line.invoice.issue_date.isoformat(),
            "currency": c,
            "open_before": _decimal(line.open_minor, c),
            "set_off": _decimal(line.setoff_minor, c),
            "open_after": _decimal(line.remaining_minor, c),
        }
        for side, lines in (("receivable", found.receivable), ("payable", found.payable))
        for line in lines
    ]
    return LINE_COLUMNS, rows
