"""The exchange's records as the API gives them (and exports, where they list the same)."""

from __future__ import annotations

from typing import Any

from cicopa.exchange.models import Enquiry, Invoice, Listing, Order, OrderProposal, TradeEvent
from cicopa.registry.models import Organisation


def _org(org: Organisation) -> dict[str, Any]:
    return {"slug": org.slug, "name": org.name, "country": org.country_id}


def listing_dict(listing: Listing) -> dict[str, Any]:
    return {
        "id": listing.pk,
        "url": listing.get_absolute_url(),
        "organisation": _org(listing.organisation),
        "direction": listing.direction,
        "kind": listing.kind,
        "language": listing.language,
        "title": listing.title,
        "description": listing.description,
        "translations": {
            t.language: {"title": t.title, "description": t.description} for t in listing.translations.all()
        },
        "category": listing.category_id,
        "sector": listing.sector_id,
        "quantity": str(listing.quantity.normalize()) if listing.quantity is not None else None,
        "unit": listing.unit_id,
        "price_minor": listing.price_minor,
        "currency": listing.currency or None,
        "country": listing.country_id,
        "city": listing.city,
        "scope": listing.scope,
        "valid_from": listing.valid_from.isoformat(),
        "valid_until": listing.valid_until.isoformat() if listing.valid_until else None,
        "status": listing.status,
        "published_at": listing.published_at.isoformat() if listing.published_at else None,
        "is_demo": listing.organisation.is_demo,
    }


def proposal_dict(p: OrderProposal) -> dict[str, Any]:
    return {
        "id": p.pk,
        "proposed_by": p.organisation.slug,
        "quantity": str(p.quantity.normalize()),
        "unit": p.unit_id,
        "unit_price_minor": p.unit_price_minor,
        "currency": p.currency,
        "total_minor": p.total_minor,
        "delivery_date": p.delivery_date.isoformat() if p.delivery_date else None,
        "note": p.note,
        "status": p.status,
        "created_at": p.created_at.isoformat(),
    }


def event_dict(e: TradeEvent) -> dict[str, Any]:
    return {
        "at": e.at.isoformat(),
        "organisation": e.organisation.slug if e.organisation else None,
        "action": e.action,
        "detail": e.detail,
    }


def order_dict(order: Order) -> dict[str, Any]:
    return {
        "id": order.pk,
        "url": order.get_absolute_url(),
        "listing": order.listing_id,
        "enquiry": order.enquiry_id,
        "seller": _org(order.seller),
        "buyer": _org(order.buyer),
        "description": order.description,
        "status": order.status,
        "quantity": str(order.quantity.normalize()) if order.quantity is not None else None,
        "unit": order.unit_id,
        "unit_price_minor": order.unit_price_minor,
        "currency": order.currency or None,
        "total_minor": order.total_minor,
        "delivery_date": order.delivery_date.isoformat() if order.delivery_date else None,
        "proposals": [proposal_dict(p) for p in order.proposals.all()],
        "history": [event_dict(e) for e in order.events.all()],
    }


def invoice_dict(invoice: Invoice) -> dict[str, Any]:
    return {
        "id": invoice.pk,
        "url": invoice.get_absolute_url(),
        "number": invoice.number,
        "external_number": invoice.external_number,
        "seller": _org(invoice.seller),
        "buyer": _org(invoice.buyer),
        "order": invoice.order_id,
        "issue_date": invoice.issue_date.isoformat(),
        "due_date": invoice.due_date.isoformat(),
        "currency": invoice.currency,
        "total_minor": invoice.total_minor,
        "cleared_minor": invoice.cleared_minor,
        "status": invoice.status,
        "source": invoice.source,
        "notes": invoice.notes,
        "dispute_reason": invoice.dispute_reason,
        "lines": [
            {
                "description": line.description,
                "quantity": str(line.quantity.normalize()),
                "unit": line.unit_id,
                "unit_price_minor": line.unit_price_minor,
                "amount_minor": line.amount_minor,
            }
            for line in invoice.lines.all()
        ],
        "history": [event_dict(e) for e in invoice.events.all()],
    }


def enquiry_dict(enquiry: Enquiry) -> dict[str, Any]:
    return {
        "id": enquiry.pk,
        "url": enquiry.get_absolute_url(),
        "listing": enquiry.listing_id,
        "from": _org(enquiry.organisation),
        "to": _org(enquiry.listing.organisation),
        "messages": [
            {"organisation": m.organisation.slug, "body": m.body, "sent_at": m.created_at.isoformat()}
            for m in enquiry.messages.all()
        ],
    }
