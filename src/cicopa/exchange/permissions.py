"""Who may do what in the exchange. An organisation's editors and officers (as in the registry: an officer of a
federation also for its member co-operatives) act for it: they manage its listings, write in its enquiries, and
propose, accept, deliver and invoice its orders. The secretariat reads everything and may pause or close any
listing, but trades for nobody: only a party accepts terms or acknowledges an invoice addressed to it."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from cicopa.core.roles import is_secretariat
from cicopa.exchange.models import Enquiry, Invoice, Listing, ListingStatus, Order
from cicopa.registry.models import Organisation
from cicopa.registry.permissions import acting_organisation_ids

PUBLIC_LISTING = Q(status=ListingStatus.PUBLISHED)


def trading_organisation_ids(user: Any) -> set[int]:
    """Organisations `user` acts for in trade (registry.permissions.acting_organisation_ids): trading is done
    by the parties, the secretariat trades for no one."""
    return acting_organisation_ids(user)


def trading_organisations(user: Any) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=trading_organisation_ids(user)).order_by("name")


def can_act_for(user: Any, organisation: Organisation | int | None) -> bool:
    if organisation is None:
        return False
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    return org_id in trading_organisation_ids(user)


def can_see_all(user: Any) -> bool:
    """The secretariat reads every listing, enquiry, order and invoice (it answers for the exchange)."""
    return is_secretariat(user)


def can_manage_listing(user: Any, listing: Listing) -> bool:
    return can_act_for(user, listing.organisation_id)


def can_moderate_listing(user: Any, listing: Listing) -> bool:
    """Pausing or closing: the publisher, or the secretariat for a listing that breaks the rules."""
    return is_secretariat(user) or can_manage_listing(user, listing)


def visible_listings(user: Any) -> QuerySet[Listing]:
    """Published listings for everyone; the rest to the publisher's people and the secretariat."""
    if is_secretariat(user):
        return Listing.objects.all()
    mine = trading_organisation_ids(user)
    if mine:
        return Listing.objects.filter(PUBLIC_LISTING | Q(organisation_id__in=mine))
    return Listing.objects.filter(PUBLIC_LISTING)


def can_see_listing(user: Any, listing: Listing) -> bool:
    return listing.status == ListingStatus.PUBLISHED or is_secretariat(user) or can_manage_listing(user, listing)


def visible_enquiries(user: Any) -> QuerySet[Enquiry]:
    if is_secretariat(user):
        return Enquiry.objects.all()
    mine = trading_organisation_ids(user)
    return Enquiry.objects.filter(Q(organisation_id__in=mine) | Q(listing__organisation_id__in=mine))


def can_see_enquiry(user: Any, enquiry: Enquiry) -> bool:
    return is_secretariat(user) or bool(set(enquiry.parties) & trading_organisation_ids(user))


def can_write_in_enquiry(user: Any, enquiry: Enquiry) -> bool:
    return bool(set(enquiry.parties) & trading_organisation_ids(user))


def visible_orders(user: Any) -> QuerySet[Order]:
    if is_secretariat(user):
        return Order.objects.all()
    mine = trading_organisation_ids(user)
    return Order.objects.filter(Q(seller_id__in=mine) | Q(buyer_id__in=mine))


def can_see_order(user: Any, order: Order) -> bool:
    return is_secretariat(user) or bool({order.seller_id, order.buyer_id} & trading_organisation_ids(user))


def visible_invoices(user: Any) -> QuerySet[Invoice]:
    if is_secretariat(user):
        return Invoice.objects.all()
    mine = trading_organisation_ids(user)
    return Invoice.objects.filter(Q(seller_id__in=mine) | Q(buyer_id__in=mine))


def can_see_invoice(user: Any, invoice: Invoice) -> bool:
    return is_secretariat(user) or bool({invoice.seller_id, invoice.buyer_id} & trading_organisation_ids(user))


def can_see_trade_details(user: Any) -> bool:
    """The trade overview by pair of organisations is the secretariat's; the public sees it aggregated."""
    return is_secretariat(user)


def can_import_invoices(user: Any, seller: Organisation | None) -> bool:
    """The secretariat imports invoices of any seller; a seller's people import its own."""
    if is_secretariat(user):
        return True
    return seller is not None and can_act_for(user, seller)
