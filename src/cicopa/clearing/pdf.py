"""A participant's clearing statement as a PDF document (core.pdf), in the reader's language."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cicopa.clearing.models import CycleStatus
from cicopa.clearing.queries import Statement
from cicopa.core import formats, money
from cicopa.core import pdf as documents


def statement_document(found: Statement) -> documents.Document:
    language = get_language() or "en"  # the reader's: CLDR formats any language
    cycle, figures = found.cycle, found.figures
    currency = cycle.currency

    def amount(minor: int) -> str:
        return money.format_money(minor, currency, language)

    rows = []
    for side, lines, receivable in (
        (_("Owed to you"), found.receivable, True),
        (_("You owe"), found.payable, False),
    ):
        for line in lines:
            other = line.debtor.name if receivable else line.creditor.name
            rows.append(
                [
                    line.invoice.number,
                    side,
                    other,
                    amount(line.open_minor),
                    amount(line.setoff_minor),
                    amount(line.remaining_minor),
                ]
            )
    status = (
        _("Confirmed on %(date)s") % {"date": formats.format_date(cycle.confirmed_at, language)}
        if cycle.status == CycleStatus.CONFIRMED and cycle.confirmed_at
        else _("Proposal, not confirmed yet")
        if cycle.status == CycleStatus.PROPOSED
        else str(cycle.get_status_display())
    )
    return documents.Document(
        title=_("Clearing statement"),
        subtitle=found.organisation.name,
        parties=[documents.Party(_("Participant"), [found.organisation.name])],
        meta=[
            (_("Currency"), currency),
            (_("Cut-off date"), formats.format_date(cycle.cutoff, language)),
            (_("Status"), status),
        ],
        table=documents.Table(
            columns=[_("Invoice"), _("Side"), _("Other party"), _("Open before"), _("Set off"), _("Open after")],
            rows=rows,
            align=["left", "left", "left", "right", "right", "right"],
            widths=[1.6, 1.6, 3.6, 2, 2, 2],
            totals=[
                (_("Owed to you, before"), amount(figures.owed_before)),
                (_("You owed, before"), amount(figures.owing_before)),
                (_("Owed to you, after"), amount(figures.owed_after)),
                (_("You owe, after"), amount(figures.owing_after)),
                (_("Liquidity saved"), amount(figures.cleared)),
            ],
        ),
        notes=[
            _(
                "Set-off cancels debts that run in a circle between participants without any payment: what you "
                "cleared on the invoices you issued equals what you cleared on those you received, so your net "
                "position (%(net)s) is unchanged."
            )
            % {"net": amount(figures.net)}
        ],
        notes_label=_("How to read this statement"),
        footer=_("CICOPA clearing house. Amounts in %(currency)s.")
        % {"currency": money.currency_name(currency, language)},
        language=language,
        keywords=[_("clearing"), currency],
    )


def statement_response(found: Statement, name: str) -> HttpResponse:
    return documents.pdf_response(documents.render(statement_document(found)), name)
