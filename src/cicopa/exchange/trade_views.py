"""Pages of trade between co-operatives: enquiries about listings, orders and their terms, and the public trade
overview. Invoices are in invoice_views (re-exported here, where trade_urls finds every view). Thin: parse the
request, call a query or a service, render; the services have the last word and their errors are shown beside
the fields, or, for a step someone else took first, above the current state of the record."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from cicopa.core import charts, exports, formats, money, pagecache
from cicopa.core.errors import PermissionDenied, form_errors
from cicopa.core.i18n import chart_texts
from cicopa.exchange import invoice_services, permissions, trade_queries, trade_services
from cicopa.exchange.invoice_views import (
    invoice,
    invoice_import,
    invoice_new,
    invoice_pdf,
    invoice_step,
    invoices,
)
from cicopa.exchange.models import (
    Direction,
    Enquiry,
    Listing,
    Order,
    OrderProposal,
    OrderStatus,
    ProposalStatus,
    TradeEvent,
)
from cicopa.exchange.trade_forms import EnquiryForm, InvoiceOrderForm, MessageForm, OrderForm, TermsForm
from cicopa.registry.models import Organisation

__all__ = [
    "enquire",
    "enquiries",
    "enquiry",
    "invoice",
    "invoice_import",
    "invoice_new",
    "invoice_pdf",
    "invoice_step",
    "invoices",
    "order",
    "order_deliver",
    "order_invoice",
    "order_new",
    "order_propose",
    "orders",
    "proposal_answer",
    "trade_export",
    "trade_overview",
]

PAGE_SIZE = 50


def service_errors(form: Any, exc: ValidationError, rename: dict[str, str] | None = None) -> None:
    """A service's errors on the form, its field names put in the form's terms (unit_price_minor is what the
    form calls unit_price)."""
    rename = rename or {"unit_price_minor": "unit_price"}
    form_errors(form, ValidationError({rename.get(k, k): v for k, v in exc.message_dict.items()}))


def _organisations(user: Any) -> list[Organisation]:
    return list(permissions.trading_organisations(user))


def _chosen(form: Any, organisations: list[Organisation]) -> Organisation:
    """The organisation picked in the form's `organisation` field, or the only one."""
    picked = form.cleaned_data.get("organisation")
    return next((o for o in organisations if str(o.pk) == picked), organisations[0])


# ---------------------------------------------------------------------------------------------------------------
# Enquiries


def _listing(request: HttpRequest, pk: int) -> Listing:
    try:
        return permissions.visible_listings(request.user).select_related("organisation", "unit").get(pk=pk)
    except Listing.DoesNotExist:
        raise Http404 from None


@login_required
def enquire(request: HttpRequest, pk: int) -> HttpResponse:
    """Write to the publisher of a listing (a new thread, or the next message of one's thread)."""
    listing = _listing(request, pk)
    mine = [o for o in _organisations(request.user) if o.pk != listing.organisation_id]
    if not mine:
        raise PermissionDenied(_("You do not act for an organisation that may write about this listing."))
    form = EnquiryForm(request.POST or None, organisations=mine)
    if request.method == "POST" and form.is_valid():
        try:
            thread = trade_services.enquiry_send(
                actor=request.user,
                listing=listing,
                organisation=_chosen(form, mine),
                body=form.cleaned_data["body"],
            )
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            messages.success(request, _("Your message was sent."))
            return redirect(thread)
    existing = list(
        Enquiry.objects.filter(listing=listing, organisation__in=mine).select_related("organisation").order_by("pk")
    )
    title, _description, _language = listing.text_in()
    return render(
        request,
        "exchange/enquire.html",
        {"listing": listing, "title": title, "form": form, "existing": existing},
    )


@login_required
@require_GET
def enquiries(request: HttpRequest) -> HttpResponse:
    mine = permissions.trading_organisation_ids(request.user)
    page = Paginator(trade_queries.enquiries(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for thread in page:
        publisher, enquirer = thread.listing.organisation, thread.organisation
        if enquirer.pk in mine:
            ours, other = enquirer, publisher
        elif publisher.pk in mine:
            ours, other = publisher, enquirer
        else:  # the secretariat reads threads of others
            ours, other = None, None
        rows.append({"enquiry": thread, "ours": ours, "other": other, "title": thread.listing.text_in()[0]})
    return render(request, "exchange/enquiries.html", {"page": page, "rows": rows})


@login_required
def enquiry(request: HttpRequest, pk: int) -> HttpResponse:
    """A thread: its messages, a reply form for the parties, and the way to an order."""
    try:
        thread = trade_queries.enquiry(request.user, pk)
    except Enquiry.DoesNotExist:
        raise Http404 from None
    writer = permissions.can_write_in_enquiry(request.user, thread)
    form = MessageForm(request.POST or None) if writer else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("You may not write in this enquiry."))
        if form.is_valid():
            try:
                message = trade_services.message_send(
                    actor=request.user, enquiry=thread, body=form.cleaned_data["body"]
                )
            except ValidationError as exc:
                service_errors(form, exc)
            else:
                messages.success(request, _("Your message was sent."))
                return redirect(f"{thread.get_absolute_url()}#message-{message.pk}")
    mine = permissions.trading_organisation_ids(request.user)
    listing = thread.listing
    ours = thread.organisation if thread.organisation_id in mine else None
    if ours is None and listing.organisation_id in mine:
        ours = listing.organisation
    orders = list(thread.orders.select_related("seller", "buyer").order_by("-created_at"))
    context = {
        "enquiry": thread,
        "listing": listing,
        "title": listing.text_in()[0],
        "ours": ours,
        "form": form,
        "orders": orders,
        "can_order": ours is not None and listing.status == "published",
    }
    return render(request, "exchange/enquiry.html", context)


# ---------------------------------------------------------------------------------------------------------------
# Orders


def _parties(listing: Listing, ours: Organisation, other: Organisation) -> tuple[Organisation, Organisation]:
    """(seller, buyer) of an order on `listing` between `ours` and `other`: the publisher of an offer sells, the
    publisher of a need buys."""
    publisher, counterpart = (ours, other) if ours.pk == listing.organisation_id else (other, ours)
    return (publisher, counterpart) if listing.direction == Direction.OFFER else (counterpart, publisher)


def _listing_terms(listing: Listing) -> dict[str, Any]:
    """A new order's form starts from the listing's quantity, unit and price, written in the reader's language."""
    initial: dict[str, Any] = {"description": listing.text_in()[0], "currency": listing.currency or "EUR"}
    if listing.quantity is not None:
        initial["quantity"] = listing.quantity.normalize()
    if listing.unit_id:
        initial["unit"] = listing.unit_id
    if listing.price_minor is not None and listing.currency:
        initial["unit_price"] = _major(listing.price_minor, listing.currency)
    return initial


def _major(minor: int, currency: str) -> str:
    """An amount as the reader types it, without the currency: 1 234,50 in French."""
    return formats.format_number(money.minor_to_decimal(minor, currency), digits=money.currency_digits(currency))


@login_required
def order_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose an order from a listing. The user's organisation buys on an offer and sells on a need; the
    publisher proposes to an enquirer from their thread (?enquiry=)."""
    listing = _listing(request, pk)
    mine_ids = permissions.trading_organisation_ids(request.user)
    thread_id = request.POST.get("enquiry") or request.GET.get("enquiry") or ""
    thread = None
    if thread_id.isdigit():
        thread = (
            permissions.visible_enquiries(request.user)
            .select_related("organisation")
            .filter(pk=int(thread_id), listing=listing)
            .first()
        )
    if thread is not None and listing.organisation_id in mine_ids:
        choices, other = [listing.organisation], thread.organisation
    elif thread is not None and thread.organisation_id in mine_ids:
        choices, other = [thread.organisation], listing.organisation
    else:
        thread = None
        choices = [o for o in _organisations(request.user) if o.pk != listing.organisation_id]
        other = listing.organisation
    if not choices:
        raise PermissionDenied(_("You do not act for an organisation that may order from this listing."))
    form = OrderForm(request.POST or None, organisations=choices, initial=_listing_terms(listing))
    if request.method == "POST" and form.is_valid():
        ours = _chosen(form, choices)
        seller, buyer = _parties(listing, ours, other)
        try:
            new = trade_services.order_propose(
                actor=request.user,
                seller=seller,
                buyer=buyer,
                as_organisation=ours,
                data=form.service_data(),
                listing=listing,
                enquiry=thread,
            )
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            messages.success(request, _("Your proposal was sent: the other party accepts or declines it."))
            return redirect(new)
    context = {
        "listing": listing,
        "title": listing.text_in()[0],
        "form": form,
        "thread": thread,
        "other": other,
        "buying": (listing.direction == Direction.OFFER) != (other.pk != listing.organisation_id),
    }
    return render(request, "exchange/order_form.html", context)


@login_required
@require_GET
def orders(request: HttpRequest) -> HttpResponse:
    mine = permissions.trading_organisation_ids(request.user)
    groups = [
        {
            "status": status,
            "label": label,
            "count": count,
            "rows": [{"order": o, "selling": o.seller_id in mine, "buying": o.buyer_id in mine} for o in rows],
        }
        for status, label, rows, count in trade_queries.orders_by_status(request.user)
    ]
    return render(request, "exchange/orders.html", {"groups": groups})


def _order_or_404(request: HttpRequest, pk: int) -> Order:
    try:
        return trade_queries.order(request.user, pk)
    except Order.DoesNotExist:
        raise Http404 from None


def _side(user: Any, order: Order) -> Organisation | None:
    """The party the user acts for in this order (the seller if both), or None (the secretariat reading)."""
    mine = permissions.trading_organisation_ids(user)
    if order.seller_id in mine:
        return order.seller
    if order.buyer_id in mine:
        return order.buyer
    return None


def _history(order: Order) -> list[dict[str, Any]]:
    """The order's steps, each proposal with its terms as the reader writes them."""
    proposals = iter(order.proposals.all())
    out = []
    for event in order.events.all():
        proposal = next(proposals, None) if event.action == TradeEvent.Action.PROPOSED else None
        out.append({"event": event, "proposal": proposal})
    return out


def _order_page(
    request: HttpRequest,
    order: Order,
    *,
    terms: TermsForm | None = None,
    invoice_form: InvoiceOrderForm | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    side = _side(request.user, order)
    pending = trade_queries.pending_proposal(order)
    can_propose = side is not None and order.status in trade_services.ORDER_STEPS["propose"]
    if terms is None and can_propose:
        base = pending or (order if order.status == OrderStatus.AGREED else None)
        initial: dict[str, Any] = {"currency": "EUR"}
        if base is not None and base.unit_price_minor is not None:
            initial = {
                "quantity": base.quantity.normalize() if base.quantity is not None else None,
                "unit": base.unit_id,
                "unit_price": _major(base.unit_price_minor, base.currency),
                "currency": base.currency,
                "delivery_date": base.delivery_date,
            }
        terms = TermsForm(prefix="terms", initial=initial)
    invoiced = [i for i in order.invoices.all() if i.status != "cancelled"]
    seller = side is not None and side.pk == order.seller_id
    can_invoice = seller and order.status in trade_services.ORDER_STEPS["invoice"] and not invoiced
    context = {
        "order": order,
        "side": side,
        "pending": pending,
        "can_answer": side is not None and pending is not None and pending.organisation_id != side.pk,
        "can_withdraw": side is not None and pending is not None and pending.organisation_id == side.pk,
        "can_propose": can_propose,
        "can_deliver": seller and order.status in trade_services.ORDER_STEPS["deliver"],
        "can_invoice": can_invoice,
        "terms_form": terms,
        "invoice_form": invoice_form or (InvoiceOrderForm(prefix="invoice") if can_invoice else None),
        "history": _history(order),
        "invoices": list(order.invoices.all()),
        "problems": problems or [],
        "earlier": [p for p in order.proposals.all() if p.status != ProposalStatus.PENDING],
    }
    return render(request, "exchange/order.html", context, status=status)


@login_required
@require_GET
def order(request: HttpRequest, pk: int) -> HttpResponse:
    return _order_page(request, _order_or_404(request, pk))


def _lost(request: HttpRequest, pk: int, exc: ValidationError) -> HttpResponse:
    """The order as it is now, with why the step could not be taken (someone else answered first, ...)."""
    problems = [m for ms in exc.message_dict.values() for m in ms]
    return _order_page(request, _order_or_404(request, pk), problems=problems, status=409)


@login_required
@require_POST
def order_propose(request: HttpRequest, pk: int) -> HttpResponse:
    current = _order_or_404(request, pk)
    form = TermsForm(request.POST, prefix="terms")
    if form.is_valid():
        try:
            trade_services.proposal_make(actor=request.user, order=current, data=form.service_data())
        except ValidationError as exc:
            if set(exc.message_dict) <= {"status"}:
                return _lost(request, pk, exc)
            service_errors(form, exc)
        else:
            messages.success(request, _("Your proposal was sent: the other party accepts or declines it."))
            return redirect(current)
    return _order_page(request, current, terms=form)


ANSWERS = {
    "accept": (trade_services.proposal_accept, gettext_lazy("You accepted the terms: the order is agreed.")),
    "decline": (trade_services.proposal_decline, gettext_lazy("You declined the terms.")),
    "withdraw": (trade_services.proposal_withdraw, gettext_lazy("You withdrew your proposal.")),
}


@login_required
@require_POST
def proposal_answer(request: HttpRequest, pk: int, proposal: int, answer: str) -> HttpResponse:
    if answer not in ANSWERS:
        raise Http404
    current = _order_or_404(request, pk)
    found = get_object_or_404(OrderProposal, pk=proposal, order=current)
    step, done = ANSWERS[answer]
    try:
        step(actor=request.user, proposal=found)
    except ValidationError as exc:
        return _lost(request, pk, exc)
    messages.success(request, str(done))
    return redirect(current)


@login_required
@require_POST
def order_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    current = _order_or_404(request, pk)
    try:
        trade_services.order_deliver(actor=request.user, order=current)
    except ValidationError as exc:
        return _lost(request, pk, exc)
    messages.success(request, _("The order is marked delivered: you may now issue the invoice."))
    return redirect(current)


@login_required
@require_POST
def order_invoice(request: HttpRequest, pk: int) -> HttpResponse:
    current = _order_or_404(request, pk)
    form = InvoiceOrderForm(request.POST, prefix="invoice")
    if form.is_valid():
        try:
            issued = invoice_services.invoice_from_order(actor=request.user, order=current, data=form.service_data())
        except ValidationError as exc:
            if set(exc.message_dict) <= {"status", "order"}:
                return _lost(request, pk, exc)
            service_errors(form, exc)
        else:
            messages.success(request, _("Invoice %(number)s was issued.") % {"number": issued.number})
            return redirect(issued)
    return _order_page(request, current, invoice_form=form)


# ---------------------------------------------------------------------------------------------------------------
# The trade overview

TABLES = ("sector", "countries", "month", "pairs")


def _currency(request: HttpRequest, used: list[tuple[str, int]]) -> str:
    asked = request.GET.get("currency", "").upper()
    codes = [c for c, _n in used]
    return asked if asked in codes else trade_queries.most_used(used)


def _breakdowns(currency: str) -> list[trade_queries.Breakdown]:
    return [
        trade_queries.by_sector(currency),
        trade_queries.by_countries(currency),
        trade_queries.by_month(currency),
    ]


def _label(row: trade_queries.Row, key: str) -> str:
    if row.other:
        return _("Others together")
    if key == "sector" and row.key == "-":
        return _("No sector given")
    return row.label


TITLES = {
    "sector": lambda: _("By sector of the seller"),
    "countries": lambda: _("By country of the seller and of the buyer"),
    "month": lambda: _("By month of issue"),
    "pairs": lambda: _("Organisations that trade most with each other"),
}


@require_GET
@pagecache.public
def trade_overview(request: HttpRequest) -> HttpResponse:
    used = trade_queries.currencies()
    currency = _currency(request, used)
    sections = []
    for breakdown in _breakdowns(currency) if currency else []:
        empty = _("Every figure is hidden: too few invoices or sellers.") if breakdown.rows else _("No data")
        texts = replace(chart_texts(), unknown=_("hidden"), empty=empty)
        title = TITLES[breakdown.key]()
        rows: list[dict[str, Any]] = [{"row": r, "label": _label(r, breakdown.key)} for r in breakdown.rows]
        bars = [
            charts.Bar(r["label"], None if r["row"].total_minor is None else _float(r["row"].total_minor, currency))
            for r in rows
        ]
        svg = charts.bar_chart(
            bars,
            title=f"{title} ({currency})",
            description=_("Invoiced amounts in %(currency)s, one bar per row of the table below.")
            % {"currency": money.currency_name(currency)},
            value_label=money.currency_name(currency),
            texts=texts,
            number_format=lambda v: money.format_money(_minor(v, currency), currency),
        )
        sections.append({"key": breakdown.key, "title": title, "rows": rows, "svg": svg, "hidden": breakdown.hidden})
    invoices_n, sellers_n = trade_queries.overview_counts(currency) if currency else (0, 0)
    details = permissions.can_see_trade_details(request.user)
    context = {
        "currency": currency,
        "currencies": [(c, money.currency_name(c), n) for c, n in used],
        "sections": sections,
        "invoices_n": invoices_n,
        "sellers_n": sellers_n,
        "min_invoices": trade_queries.MIN_INVOICES,
        "min_sellers": trade_queries.MIN_SELLERS,
        "pairs": trade_queries.top_pairs(currency) if details and currency else None,
        "pairs_title": TITLES["pairs"](),
    }
    return render(request, "exchange/trade.html", context)


def _float(minor: int, currency: str) -> float:
    return float(money.minor_to_decimal(minor, currency))


def _minor(value: float, currency: str) -> int:
    return round(value * 10 ** money.currency_digits(currency))


@require_GET
@exports.download
def trade_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """A table of the overview as CSV, XLSX or JSON: ?table=sector|countries|month (pairs: the secretariat's)."""
    table = request.GET.get("table", "sector")
    if fmt not in exports.FORMATS or table not in TABLES:
        raise Http404
    if table == "pairs" and not permissions.can_see_trade_details(request.user):
        raise PermissionDenied(_("Only the secretariat sees trade by organisation."))
    used = trade_queries.currencies()
    currency = _currency(request, used)
    hidden = _("hidden: fewer than %(invoices)s invoices or %(sellers)s sellers") % {
        "invoices": trade_queries.MIN_INVOICES,
        "sellers": trade_queries.MIN_SELLERS,
    }
    if table == "pairs":
        columns = ["seller", "seller_name", "buyer", "buyer_name", "currency", "invoices", "total"]
        pairs = trade_queries.top_pairs(currency) if currency else []
        rows: list[dict[str, Any]] = [
            {
                "seller": p.seller.slug,
                "seller_name": p.seller.name,
                "buyer": p.buyer.slug,
                "buyer_name": p.buyer.name,
                "currency": currency,
                "invoices": p.invoices,
                "total": money.minor_to_decimal(p.total_minor, currency),
            }
            for p in pairs
        ]
        return exports.table_response(rows, columns, fmt, "trade-pairs")
    breakdown = next((b for b in _breakdowns(currency) if b.key == table), None) if currency else None
    columns = [table, "label", "currency", "invoices", "total", "note"]
    rows = [
        {
            table: "" if r.other else r.key,
            "label": _label(r, table),
            "currency": currency,
            "invoices": r.invoices,
            "total": None if r.total_minor is None else money.minor_to_decimal(r.total_minor, currency),
            "note": hidden if r.total_minor is None else "",
        }
        for r in (breakdown.rows if breakdown else [])
    ]
    return exports.table_response(rows, columns, fmt, f"trade-by-{table}")
