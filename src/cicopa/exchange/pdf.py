"""An invoice as a PDF document (core.pdf), in the reader's language: its words through gettext, its amounts,
quantities and dates as the reader writes them."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cicopa.core import formats, money
from cicopa.core import pdf as documents
from cicopa.exchange.models import Invoice, InvoiceStatus
from cicopa.registry.models import Organisation


def _party(label: str, org: Organisation) -> documents.Party:
    lines = [org.name]
    if org.address.strip():
        lines += [line.strip() for line in org.address.splitlines() if line.strip()]
    place = " ".join(p for p in (org.postcode, org.city) if p)
    country = org.country.name if org.country_id and org.country else ""
    if place or country:
        lines.append(", ".join(p for p in (place, country) if p))
    return documents.Party(label, lines)


def invoice_document(invoice: Invoice) -> documents.Document:
    """The document of `invoice`, whose lines and parties are fetched (trade_queries.invoice)."""
    language = get_language() or "en"  # the reader's: CLDR formats any language
    currency = invoice.currency

    def amount(minor: int) -> str:
        return money.format_money(minor, currency, language)

    rows = []
    for line in invoice.lines.all():
        quantity = formats.format_number(line.quantity.normalize(), language)
        unit = line.unit.name if line.unit_id and line.unit else ""
        rows.append([line.description, quantity, unit, amount(line.unit_price_minor), amount(line.amount_minor)])
    totals = [(_("Total"), amount(invoice.total_minor))]
    if invoice.cleared_minor:
        totals = [
            (_("Total"), amount(invoice.total_minor)),
            (_("Cleared by set-off"), amount(invoice.cleared_minor)),
            (_("Outstanding"), amount(invoice.outstanding_minor)),
        ]
    meta = [
        (_("Number"), invoice.number),
        (_("Issued"), formats.format_date(invoice.issue_date, language)),
        (_("Due"), formats.format_date(invoice.due_date, language)),
        (_("Status"), str(invoice.get_status_display())),
    ]
    if invoice.external_number:
        meta.insert(1, (_("Seller's own number"), invoice.external_number))
    notes = [invoice.notes] if invoice.notes else []
    if invoice.status == InvoiceStatus.DISPUTED and invoice.dispute_reason:
        notes.append(_("Disputed by the buyer: %(reason)s") % {"reason": invoice.dispute_reason})
    if invoice.status == InvoiceStatus.CANCELLED:
        notes.append(_("This invoice was cancelled: nothing is owed on it."))
    return documents.Document(
        title=_("Invoice %(number)s") % {"number": invoice.number},
        subtitle=invoice.seller.name,
        parties=[_party(_("Issued by"), invoice.seller), _party(_("Billed to"), invoice.buyer)],
        meta=meta,
        table=documents.Table(
            columns=[_("Description"), _("Quantity"), _("Unit"), _("Price per unit"), _("Amount")],
            rows=rows,
            align=["left", "right", "left", "right", "right"],
            widths=[5, 1.6, 1.6, 2.2, 2.2],
            totals=totals,
        ),
        notes=notes,
        notes_label=_("Notes"),
        footer=_("Issued through the CICOPA exchange between co-operatives. Amounts in %(currency)s.")
        % {"currency": money.currency_name(currency, language)},
        language=language,
        keywords=[_("invoice"), invoice.number],
    )


def invoice_response(invoice: Invoice) -> HttpResponse:
    name = _("Invoice %(number)s") % {"number": invoice.number}
    return documents.pdf_response(documents.render(invoice_document(invoice)), f"{name} {invoice.seller.name}")
