"""Reads of the trade pages: a user's enquiries, orders and invoices (what permissions.visible_* lets them see,
with what each page shows fetched in a constant number of queries), and the trade overview's aggregates.

The overview is public: it shows sums of invoices that are not cancelled, by sector of the seller, by pair of
countries and by month, never a cell built from fewer than MIN_INVOICES invoices or MIN_SELLERS sellers; cells
below that are hidden together (`suppress`), and more cells join them until the hidden ones cannot be worked
out by subtraction from the others."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth

from cicopa.core import formats
from cicopa.core import queries as core_queries
from cicopa.exchange import permissions
from cicopa.exchange.models import (
    Enquiry,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Message,
    Order,
    OrderProposal,
    OrderStatus,
    ProposalStatus,
    TradeEvent,
)
from cicopa.registry.models import Organisation

# ---------------------------------------------------------------------------------------------------------------
# Enquiries


def enquiries(user: Any) -> QuerySet[Enquiry]:
    """The threads `user` may read, newest message first, with the listing, both parties and the count of
    messages."""
    return (
        permissions.visible_enquiries(user)
        .select_related("listing__organisation", "organisation")
        .prefetch_related("listing__translations")  # the listing's title in the reader's language
        .annotate(message_count=Count("messages"))
        .order_by("-last_message_at", "-id")
    )


def enquiry(user: Any, pk: int) -> Enquiry:
    """One thread `user` may read (Enquiry.DoesNotExist otherwise, whether it exists or not), its messages
    fetched with their authors and organisations."""
    messages = Message.objects.select_related("organisation", "author").order_by("created_at", "id")
    return (
        permissions.visible_enquiries(user)
        .select_related("listing__organisation", "listing__unit", "organisation")
        .prefetch_related(Prefetch("messages", queryset=messages), "listing__translations")
        .get(pk=pk)
    )


# ---------------------------------------------------------------------------------------------------------------
# Orders

ORDER_GROUPS = (
    OrderStatus.PROPOSED,
    OrderStatus.AGREED,
    OrderStatus.DELIVERED,
    OrderStatus.DECLINED,
    OrderStatus.CANCELLED,
)


def orders(user: Any) -> QuerySet[Order]:
    return (
        permissions.visible_orders(user)
        .select_related("seller", "buyer", "listing", "unit")
        .order_by("-updated_at", "-id")
    )


def orders_by_status(user: Any, *, limit: int = 100) -> list[tuple[str, str, list[Order], int]]:
    """(status, its label, the latest `limit` orders in it, how many there are) for each status with orders."""
    counts = dict(
        permissions.visible_orders(user)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    groups = []
    for status in ORDER_GROUPS:
        if counts.get(status):
            rows = list(orders(user).filter(status=status)[:limit])
            groups.append((str(status), str(OrderStatus(status).label), rows, counts[status]))
    return groups


def order(user: Any, pk: int) -> Order:
    """One order `user` may see, with its proposals, history and invoices fetched at once."""
    proposals = OrderProposal.objects.select_related("organisation", "author", "unit").order_by("created_at", "id")
    events = TradeEvent.objects.select_related("organisation", "actor").order_by("at", "id")
    invoices = Invoice.objects.order_by("-issue_date", "-id")
    return (
        permissions.visible_orders(user)
        .select_related("seller", "buyer", "listing__organisation", "unit", "enquiry")
        .prefetch_related(
            Prefetch("proposals", queryset=proposals),
            Prefetch("events", queryset=events),
            Prefetch("invoices", queryset=invoices),
        )
        .get(pk=pk)
    )


def pending_proposal(order: Order) -> OrderProposal | None:
    """The proposal awaiting an answer, from the prefetched proposals."""
    return next((p for p in order.proposals.all() if p.status == ProposalStatus.PENDING), None)


# ---------------------------------------------------------------------------------------------------------------
# Invoices

DIRECTIONS = ("issued", "received")


@dataclass(frozen=True)
class InvoiceFilters:
    status: str = ""
    direction: str = ""  # issued, received or "" for both


def invoices(user: Any, filters: InvoiceFilters = InvoiceFilters()) -> QuerySet[Invoice]:
    qs = permissions.visible_invoices(user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.direction:
        mine = permissions.trading_organisation_ids(user)
        qs = qs.filter(seller_id__in=mine) if filters.direction == "issued" else qs.filter(buyer_id__in=mine)
    return qs.select_related("seller", "buyer").order_by("-issue_date", "-id")


@dataclass(frozen=True)
class CurrencyTotal:
    currency: str
    count: int
    total_minor: int
    outstanding_minor: int


def invoice_totals(qs: QuerySet[Invoice]) -> list[CurrencyTotal]:
    """Totals per currency of the invoices of `qs` (cancelled ones counted, never summed), most used first.
    Outstanding: what is neither paid nor cleared, of invoices that are open, acknowledged, disputed or partly
    cleared."""
    owed = (InvoiceStatus.OPEN, InvoiceStatus.ACKNOWLEDGED, InvoiceStatus.DISPUTED, InvoiceStatus.PARTLY_CLEARED)
    rows = (
        qs.order_by()
        .values("currency")
        .annotate(
            n=Count("id", filter=~Q(status=InvoiceStatus.CANCELLED)),
            total=Sum("total_minor", filter=~Q(status=InvoiceStatus.CANCELLED)),
            outstanding=Sum(F("total_minor") - F("cleared_minor"), filter=Q(status__in=owed)),
        )
    )
    totals = [CurrencyTotal(r["currency"], r["n"], r["total"] or 0, r["outstanding"] or 0) for r in rows if r["n"]]
    return sorted(totals, key=lambda t: (-t.count, t.currency))


def invoice(user: Any, pk: int) -> Invoice:
    """One invoice `user` may see, with its lines and history."""
    lines = InvoiceLine.objects.select_related("unit").order_by("position", "id")
    events = TradeEvent.objects.select_related("organisation", "actor").order_by("at", "id")
    return (
        permissions.visible_invoices(user)
        .select_related("seller__country", "buyer__country", "order", "created_by")
        .prefetch_related(Prefetch("lines", queryset=lines), Prefetch("events", queryset=events))
        .get(pk=pk)
    )


def buyer_candidates(text: str, *, exclude: Iterable[int] = (), limit: int = 50) -> list[Organisation]:
    """Organisations whose name, acronym or slug holds `text` (at least two characters), for choosing the buyer
    of an invoice: a plain list, not the directory's ranked search."""
    text = " ".join(text.split())
    if len(text) < 2:
        return []
    qs = (
        Organisation.objects.filter(Q(name__icontains=text) | Q(acronym__iexact=text) | Q(slug__iexact=text))
        .exclude(pk__in=list(exclude))
        .exclude(status="dissolved")
        .select_related("country")
        .order_by("name", "pk")
    )
    return list(qs[:limit])


# ---------------------------------------------------------------------------------------------------------------
# The trade overview

MIN_INVOICES = 3
MIN_SELLERS = 2
TRADED = ~Q(status=InvoiceStatus.CANCELLED)


def traded() -> QuerySet[Invoice]:
    return Invoice.objects.filter(TRADED)


def currencies() -> list[tuple[str, int]]:
    """The currencies invoices are in (not cancelled ones), most used first, with their counts."""
    rows = traded().order_by().values_list("currency").annotate(n=Count("id")).values_list("currency", "n")
    return sorted(rows, key=lambda r: (-r[1], r[0]))


@dataclass
class Cell:
    """A cell of the overview: its key, how many invoices and which sellers make it, and their sum."""

    key: str
    invoices: int = 0
    total_minor: int = 0
    sellers: set[int] = field(default_factory=set)

    def shown(self) -> bool:
        return self.invoices >= MIN_INVOICES and len(self.sellers) >= MIN_SELLERS


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    invoices: int | None  # None: hidden
    total_minor: int | None
    other: bool = False  # the row of the hidden cells together


def suppress(cells: Sequence[Cell]) -> tuple[list[Cell], Cell | None]:
    """The cells that may be shown, and the hidden ones together (None when none is hidden).

    A cell is hidden if it holds fewer than MIN_INVOICES invoices or MIN_SELLERS sellers. Together the hidden
    cells make one more cell, which is shown only if it passes the same rule; while it does not, the smallest
    shown cell joins it, so that no hidden figure can be had by subtracting the shown ones from a total."""
    shown = sorted((c for c in cells if c.shown()), key=lambda c: (c.total_minor, c.key))
    hidden = [c for c in cells if not c.shown()]
    if not hidden:
        return sorted(shown, key=lambda c: c.key), None
    together = _merge(hidden)
    while not together.shown() and shown:
        smallest = shown.pop(0)
        together = _merge([together, smallest])
    return sorted(shown, key=lambda c: c.key), together


def _merge(cells: Iterable[Cell]) -> Cell:
    out = Cell("")
    for c in cells:
        out.invoices += c.invoices
        out.total_minor += c.total_minor
        out.sellers |= c.sellers
    return out


def _cells(rows: Iterable[tuple[Any, ...]]) -> list[Cell]:
    """Cells from (key, seller, invoices, sum) rows."""
    out: dict[str, Cell] = {}
    for key, seller, n, total in rows:
        cell = out.setdefault(str(key or ""), Cell(str(key or "")))
        cell.invoices += n
        cell.total_minor += total or 0
        cell.sellers.add(seller)
    return list(out.values())


def _by_seller(qs: QuerySet[Invoice], *keys: Any) -> Iterable[tuple[Any, ...]]:
    names = [f"k{i}" for i in range(len(keys))]
    rows = (
        qs.order_by()
        .annotate(**dict(zip(names, keys, strict=True)))
        .values(*names, "seller_id")
        .annotate(n=Count("id"), total=Sum("total_minor"))
        .values_list(*names, "seller_id", "n", "total")
    )
    return rows


@dataclass(frozen=True)
class Breakdown:
    key: str  # sector, countries or month
    rows: list[Row]
    hidden: bool  # whether any cell is hidden


def _rows(cells: list[Cell], label: Any, *, order: str, keep_hidden_rows: bool) -> Breakdown:
    shown, together = suppress(cells)
    if order == "total":
        shown.sort(key=lambda c: (-c.total_minor, c.key))
    rows = [Row(c.key, label(c.key), c.invoices, c.total_minor) for c in shown]
    if together is not None:
        if keep_hidden_rows:  # months: each hidden month keeps its place, without figures
            hidden_keys = {c.key for c in cells} - {c.key for c in shown}
            rows += [Row(k, label(k), None, None) for k in hidden_keys]
            rows.sort(key=lambda r: r.key)
        else:
            passes = together.shown()
            rows.append(
                Row(
                    "",
                    "",
                    together.invoices if passes else None,
                    together.total_minor if passes else None,
                    other=True,
                )
            )
    return Breakdown("", rows, together is not None)


def by_sector(currency: str) -> Breakdown:
    """Sums by sector of the seller; a seller of several sectors counts in each, one without any in none."""
    qs = traded().filter(currency=currency)
    cells = _cells(_by_seller(qs, F("seller__sectors__code")))
    names = core_queries.names_by_code()["sector"]
    cells = [c for c in cells if c.key] + [Cell("-", c.invoices, c.total_minor, c.sellers) for c in cells if not c.key]
    b = _rows(cells, lambda k: names.get(k, ""), order="total", keep_hidden_rows=False)
    return Breakdown("sector", b.rows, b.hidden)


def by_countries(currency: str) -> Breakdown:
    """Sums by the seller's country and the buyer's, "FR>ES"."""
    qs = traded().filter(currency=currency)
    rows = _by_seller(qs, F("seller__country_id"), F("buyer__country_id"))
    cells = _cells((f"{s or '-'}>{b or '-'}", seller, n, total) for s, b, seller, n, total in rows)
    names = core_queries.names_by_code()["country"]

    def label(key: str) -> str:
        seller, _sep, buyer = key.partition(">")
        return f"{names.get(seller, seller)} → {names.get(buyer, buyer)}"

    b = _rows(cells, label, order="total", keep_hidden_rows=False)
    return Breakdown("countries", b.rows, b.hidden)


def by_month(currency: str, *, months: int = 24, today: datetime.date | None = None) -> Breakdown:
    """Sums by month of issue, over the last `months` months that have invoices in `currency`."""
    qs = traded().filter(currency=currency)
    rows = _by_seller(qs, F("year"), ExtractMonth("issue_date"))
    cells = _cells((f"{y:04d}-{m:02d}", seller, n, total) for y, m, seller, n, total in rows)
    cells.sort(key=lambda c: c.key)
    cells = cells[-months:]
    b = _rows(cells, _month_label, order="key", keep_hidden_rows=True)
    return Breakdown("month", b.rows, b.hidden)


def _month_label(key: str) -> str:
    """ "2026-11" as the reader writes a month: "November 2026", "novembre 2026"."""
    year, month = key.split("-")
    return formats.format_month(datetime.date(int(year), int(month), 1))


@dataclass(frozen=True)
class Pair:
    seller: Organisation
    buyer: Organisation
    invoices: int
    total_minor: int


def top_pairs(currency: str, *, limit: int = 20) -> list[Pair]:
    """The pairs of organisations that traded most in `currency` (the secretariat's view: names and all)."""
    rows = list(
        traded()
        .filter(currency=currency)
        .order_by()
        .values("seller_id", "buyer_id")
        .annotate(n=Count("id"), total=Sum("total_minor"))
        .order_by("-total", "seller_id", "buyer_id")[:limit]
    )
    orgs = Organisation.objects.in_bulk({r["seller_id"] for r in rows} | {r["buyer_id"] for r in rows})
    return [Pair(orgs[r["seller_id"]], orgs[r["buyer_id"]], r["n"], r["total"]) for r in rows]


def overview_counts(currency: str) -> tuple[int, int]:
    """(invoices, sellers) in `currency`, not cancelled."""
    row = traded().filter(currency=currency).aggregate(n=Count("id"), sellers=Count("seller", distinct=True))
    return row["n"] or 0, row["sellers"] or 0


def most_used(counts: Iterable[tuple[str, int]]) -> str:
    counter = Counter(dict(counts))
    return counter.most_common(1)[0][0] if counter else ""
