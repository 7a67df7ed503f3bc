"""Pages of invoices: the list of those issued and received, entering one for trade done off the platform, an
invoice with the steps its parties may take, its PDF, and the import of many from a file."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from cicopa.core import exports, uploads
from cicopa.core.errors import PermissionDenied, form_errors
from cicopa.core.roles import is_secretariat
from cicopa.exchange import invoice_import as importing
from cicopa.exchange import invoice_services, pdf, permissions, trade_queries
from cicopa.exchange.models import Invoice, InvoiceStatus
from cicopa.exchange.trade_forms import InvoiceForm, InvoiceImportForm, InvoiceLineFormSet, InvoiceStepForm
from cicopa.registry.models import Organisation

PAGE_SIZE = 50
PENDING = "pending_invoice_import"


@login_required
@require_GET
def invoices(request: HttpRequest) -> HttpResponse:
    """Invoices issued and received by the user's organisations (every invoice for the secretariat), filtered
    by status and direction, with totals per currency of what is listed."""
    status = request.GET.get("status", "")
    direction = request.GET.get("direction", "")
    mine = permissions.trading_organisation_ids(request.user)
    filters = trade_queries.InvoiceFilters(
        status=status if status in InvoiceStatus.values else "",
        direction=direction if direction in trade_queries.DIRECTIONS and mine else "",
    )
    qs = trade_queries.invoices(request.user, filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    rows = [{"invoice": i, "issued": i.seller_id in mine, "received": i.buyer_id in mine} for i in page]
    context = {
        "page": page,
        "rows": rows,
        "filters": filters,
        "statuses": InvoiceStatus.choices,
        "has_sides": bool(mine),
        "totals": _totals(qs, mine, filters),
        "query": query.urlencode(),
        "can_enter": bool(mine),
        "can_import": bool(mine) or is_secretariat(request.user),
    }
    return render(request, "exchange/invoices.html", context)


def _totals(qs: Any, mine: set[int], filters: trade_queries.InvoiceFilters) -> list[tuple[str, Any]]:
    """Totals per currency of the invoices listed; for someone who trades, what they issued apart from what they
    received (money owed to them and money they owe are not added together)."""
    if not mine:
        return [("", t) for t in trade_queries.invoice_totals(qs)]
    out = []
    for direction in trade_queries.DIRECTIONS:
        if filters.direction in ("", direction):
            side = qs.filter(seller_id__in=mine) if direction == "issued" else qs.filter(buyer_id__in=mine)
            out += [(direction, t) for t in trade_queries.invoice_totals(side)]
    return out


def _buyers(form_data: Any, seller_ids: set[int]) -> tuple[list[Organisation], bool]:
    """The organisations the buyer may be chosen among: those the search found, and the one chosen already."""
    text = str(form_data.get("buyer_search", "")) if form_data else ""
    found = trade_queries.buyer_candidates(text, exclude=seller_ids)
    chosen = str(form_data.get("buyer", "")) if form_data else ""
    if chosen.isdigit() and all(str(o.pk) != chosen for o in found):
        extra = Organisation.objects.select_related("country").filter(pk=int(chosen)).exclude(pk__in=seller_ids)
        found = list(extra) + found
    return found, bool(text.strip())


@login_required
def invoice_new(request: HttpRequest) -> HttpResponse:
    """Enter an invoice for trade done off the platform: the buyer found by a search, dates, currency, lines."""
    sellers = list(permissions.trading_organisations(request.user))
    if not sellers:
        raise PermissionDenied(_("You do not act for an organisation that issues invoices."))
    data = request.POST if request.method == "POST" else None
    action = request.POST.get("action", "save") if data else ""
    buyers, searched = _buyers(data, {o.pk for o in sellers})
    form = InvoiceForm(data, sellers=sellers, buyers=buyers, searched=searched, initial={"currency": "EUR"})
    lines = InvoiceLineFormSet(data, prefix="lines")
    if action == "add" and lines.is_valid():
        lines = _with_another_line(lines)
    elif action == "save" and form.is_valid() & lines.is_valid():
        currency = form.cleaned_data.get("currency") or ""
        entered = [(n, f.service_data(currency)) for n, f in enumerate(lines.forms)]
        kept = [(n, line) for n, line in entered if line is not None]
        if not any(f.errors for f in lines.forms):
            seller = next((o for o in sellers if str(o.pk) == form.cleaned_data.get("seller")), sellers[0])
            buyer_id = form.cleaned_data.get("buyer") or ""
            buyer = next((o for o in buyers if str(o.pk) == buyer_id), None)
            try:
                made = invoice_services.invoice_enter(
                    actor=request.user,
                    seller=seller,
                    buyer=buyer,
                    data={**form.service_data(), "lines": [line for _n, line in kept]},
                )
            except ValidationError as exc:
                _invoice_errors(form, lines, exc, [n for n, _line in kept])
            else:
                messages.success(request, _("Invoice %(number)s was issued.") % {"number": made.number})
                return redirect(made)
    return render(request, "exchange/invoice_form.html", {"form": form, "lines": lines, "buyers": buyers})


def _with_another_line(lines: Any) -> Any:
    """The same lines and one blank more (nothing is saved)."""
    data = lines.data.copy()
    total = lines.total_form_count()
    data[f"{lines.prefix}-TOTAL_FORMS"] = str(min(total + 1, lines.max_num))
    fresh = InvoiceLineFormSet(data, prefix=lines.prefix)
    fresh.is_valid()
    return fresh


def _invoice_errors(form: Any, lines: Any, exc: ValidationError, positions: list[int]) -> None:
    """The service's errors beside the fields: `lines.N` on the N-th line sent (`positions` say which form it
    came from), the rest on the head of the invoice."""
    head: dict[str, list[str]] = {}
    for key, errors in exc.message_dict.items():
        number = key.removeprefix("lines.")
        if number.isdigit() and 0 < int(number) <= len(positions):
            for error in errors:
                lines.forms[positions[int(number) - 1]].add_error(None, error)
        else:
            head.setdefault("buyer_search" if key == "seller" else key, []).extend(errors)
    if head:
        form_errors(form, ValidationError(head))


def _invoice_or_404(request: HttpRequest, pk: int) -> Invoice:
    try:
        return trade_queries.invoice(request.user, pk)
    except Invoice.DoesNotExist:
        raise Http404 from None


def _steps(user: Any, invoice: Invoice) -> list[dict[str, Any]]:
    """The steps the user may take on the invoice now, as invoice_services.INVOICE_STEPS allows them."""
    mine = permissions.trading_organisation_ids(user)
    out = []
    for step, starts in invoice_services.INVOICE_STEPS.items():
        party = invoice.buyer_id if invoice_services.INVOICE_STEP_BY[step] == "buyer" else invoice.seller_id
        if invoice.status in starts and party in mine:
            out.append({"step": step, "label": invoice_services.STEP_LABELS[step]})
    return out


def _invoice_page(
    request: HttpRequest,
    invoice: Invoice,
    *,
    step_form: InvoiceStepForm | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    mine = permissions.trading_organisation_ids(request.user)
    context = {
        "invoice": invoice,
        "lines": list(invoice.lines.all()),
        "events": list(invoice.events.all()),
        "steps": _steps(request.user, invoice),
        "step_form": step_form or InvoiceStepForm(),
        "problems": problems or [],
        "issued": invoice.seller_id in mine,
        "received": invoice.buyer_id in mine,
    }
    return render(request, "exchange/invoice.html", context, status=status)


@login_required
@require_GET
def invoice(request: HttpRequest, pk: int) -> HttpResponse:
    return _invoice_page(request, _invoice_or_404(request, pk))


@login_required
@require_POST
def invoice_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in invoice_services.INVOICE_STEPS:
        raise Http404
    current = _invoice_or_404(request, pk)
    form = InvoiceStepForm(request.POST)
    if form.is_valid():
        try:
            invoice_services.invoice_step(
                actor=request.user, invoice=current, step=step, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            if "reason" in exc.message_dict:
                form_errors(form, exc)
                return _invoice_page(request, current, step_form=form)
            problems = [m for ms in exc.message_dict.values() for m in ms]
            return _invoice_page(request, _invoice_or_404(request, pk), problems=problems, status=409)
        messages.success(request, str(DONE[step]))
        return redirect(current)
    return _invoice_page(request, current, step_form=form)


DONE = {
    "acknowledge": gettext_lazy("You acknowledged the invoice."),
    "dispute": gettext_lazy("You disputed the invoice; the seller was told why."),
    "pay": gettext_lazy("The invoice is recorded as paid."),
    "cancel": gettext_lazy("The invoice was cancelled."),
}


@login_required
@require_GET
def invoice_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The invoice as a PDF document, in the reader's language."""
    return pdf.invoice_response(_invoice_or_404(request, pk))


# ---------------------------------------------------------------------------------------------------------------
# Import


def _import_sellers(user: Any) -> list[Organisation] | None:
    """The organisations the user may import invoices of; None for the secretariat (any, by address name)."""
    if is_secretariat(user):
        return None
    sellers = list(permissions.trading_organisations(user))
    if not sellers:
        raise PermissionDenied(_("You do not act for an organisation that issues invoices."))
    return sellers


def _seller(form: InvoiceImportForm, sellers: list[Organisation] | None) -> Organisation | None:
    chosen = form.cleaned_data.get("seller") or ""
    if sellers is None:
        if not chosen:
            return None
        found = Organisation.objects.filter(slug=chosen).first()
        if found is None:
            form.add_error("seller", _("No organisation has this address name."))
        return found
    return next((o for o in sellers if str(o.pk) == chosen), sellers[0])


@login_required
def invoice_import(request: HttpRequest) -> HttpResponse:
    """Upload, check (nothing written, every problem by row), then import the whole file or nothing."""
    sellers = _import_sellers(request.user)
    if request.method == "GET" and request.GET.get("example") == "csv":
        header, rows = importing.example_rows()
        return exports.table_response(  # type: ignore[return-value]  # a download, not a page
            (dict(zip(header, row, strict=True)) for row in rows), header, "csv", "invoices-example"
        )
    if request.method == "POST" and "confirm" in request.POST:
        return _import_confirmed(request)
    form = InvoiceImportForm(request.POST or None, request.FILES or None, sellers=sellers)
    report = None
    if request.method == "POST" and form.is_valid():
        seller = _seller(form, sellers)
        upload = form.cleaned_data["file"]
        data = upload.read()
        if not form.errors:
            try:
                report = importing.import_invoices(
                    actor=request.user, stream=io.BytesIO(data), filename=upload.name, seller=seller, dry_run=True
                )
            except importing.ImportFileError as exc:
                form.add_error("file", exc.message)
        if report is not None and report.ok:
            previous = request.session.get(PENDING) or {}
            uploads.take(previous.get("token"))
            request.session[PENDING] = {
                "token": uploads.keep(data),
                "name": upload.name,
                "seller": seller.pk if seller else None,
            }
    return render(request, "exchange/invoice_import.html", {"form": form, "report": report})


def _import_confirmed(request: HttpRequest) -> HttpResponse:
    pending = request.session.pop(PENDING, None) or {}
    data = uploads.take(pending.get("token"))
    if data is None:
        messages.error(request, _("Nothing to import: upload the file again."))
        return redirect("exchange:invoice_import")
    seller = Organisation.objects.filter(pk=int(pending["seller"])).first() if pending.get("seller") else None
    try:
        report = importing.import_invoices(
            actor=request.user, stream=io.BytesIO(data), filename=pending.get("name", ""), seller=seller
        )
    except importing.ImportFileError as exc:
        messages.error(request, exc.message)
        return redirect("exchange:invoice_import")
    form = InvoiceImportForm(sellers=_import_sellers(request.user))
    return render(request, "exchange/invoice_import.html", {"form": form, "report": report})
