"""The clearing house's charts (core.charts, drawn on the server): liquidity saved by participant in a cycle, and
the share of debt cleared by each confirmed cycle over time."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from cicopa.clearing.models import Cycle, CycleParticipant
from cicopa.core import charts, formats, money
from cicopa.core.i18n import chart_texts

TOP = 20  # participants drawn, at most (the table below the chart has them all)


def savings_chart(cycle: Cycle, rows: Sequence[CycleParticipant]) -> str:
    """The participants that save most liquidity in a cycle's proposal, one bar each."""
    currency = cycle.currency
    digits = 10 ** money.currency_digits(currency)
    bars = [charts.Bar(row.organisation.name, row.cleared / digits) for row in rows[:TOP] if row.cleared]
    return charts.bar_chart(
        bars,
        title=_("Liquidity saved by participant (%(currency)s)") % {"currency": currency},
        description=_("What each participant no longer needs to pay in cash, largest first: the top %(n)s.")
        % {"n": TOP},
        value_label=money.currency_name(currency),
        texts=chart_texts(),
        number_format=lambda v: money.format_money(round(v * digits), currency),
    )


def history_chart(history: Sequence[Cycle]) -> str:
    """The share of gross debt each confirmed cycle cleared, oldest first (shares, so that currencies compare)."""
    bars = [
        charts.Bar(
            f"{cycle.currency} {formats.format_date_short(cycle.cutoff)}",
            cycle.share_of_gross,
        )
        for cycle in history
    ]
    return charts.bar_chart(
        bars,
        title=_("Share of gross debt cleared, by confirmed cycle"),
        description=_("One bar per confirmed cycle, oldest first: what it set off, as a share of the invoices' total."),
        value_label=_("Share of gross debt"),
        texts=chart_texts(),
        number_format=formats.format_percent,
    )
