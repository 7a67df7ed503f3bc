"""Exchange endpoints of the JSON API, under /api/v1/exchange/. Published listings, their matches and the
reference lists are public; enquiries, orders and invoices are read and written by their parties (a token or
the browser's session), with the same services and rules as the pages."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.errors import HttpError

from cicopa.core import pagecache
from cicopa.core.api_auth import WRITE_AUTH
from cicopa.core.api_input import IF_MATCH, if_match
from cicopa.exchange import (
    invoice_services,
    match_queries,
    permissions,
    queries,
    representations,
    services,
    trade_services,
)
from cicopa.exchange.models import (
    Category,
    Enquiry,
    Invoice,
    Listing,
    ListingStatus,
    Order,
    OrderProposal,
    TradeEvent,
    Unit,
)
from cicopa.exchange.schemas import (
    CategoryOut,
    EnquiryIn,
    EnquiryOut,
    InvoiceHeadIn,
    InvoiceIn,
    InvoiceOut,
    ListingFields,
    ListingIn,
    ListingOut,
    ListingStatusIn,
    MatchOut,
    MessageIn,
    OrderIn,
    OrderOut,
    StepIn,
    TermsIn,
    UnitOut,
)
from cicopa.registry.models import Organisation

router = Router(tags=["exchange"])
PAGE_SIZE = 100


class PageQuery(Schema):
    page: int = 1


def _organisation(slug: str, field: str) -> Organisation:
    org = Organisation.objects.filter(slug=slug).first()
    if org is None:
        raise ValidationError({field: _("No organisation has the slug %(slug)s.") % {"slug": slug}})
    return org


def _listings() -> QuerySet[Listing]:
    return Listing.objects.select_related("organisation").prefetch_related("translations")


def _listing(request: HttpRequest, listing_id: int) -> Listing:
    listing = _listings().filter(pk=listing_id).first()
    if listing is None or not permissions.can_see_listing(request.user, listing):
        raise HttpError(404, _("No listing has the id %(id)s.") % {"id": listing_id})
    return listing


def _page(qs: QuerySet[Any], page: int) -> QuerySet[Any]:
    if page < 1 or page > 100_000:
        raise ValidationError({"page": _("Give a page from 1 to 100,000.")})
    return qs[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]


@router.get(
    "/exchange/categories", summary="UN CPC Ver. 2.1 sections and divisions", auth=None, response=list[CategoryOut]
)
@decorate_view(pagecache.public)
def categories(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"code": c.code, "name": c.name, "level": c.level, "parent": c.parent_id} for c in Category.objects.all()]


@router.get(
    "/exchange/units", summary="Units of measure (UN/CEFACT Recommendation 20)", auth=None, response=list[UnitOut]
)
@decorate_view(pagecache.public)
def units(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"code": u.code, "name": u.name, "symbol": u.symbol} for u in Unit.objects.all()]


class ListingQuery(Schema):
    q: str | None = Field(None, description="Words to find in titles and descriptions, in any language a listing has")
    direction: list[str] | None = Field(None, description="offer, need")
    kind: list[str] | None = Field(None, description="goods, services, technical_assistance, know_how")
    category: list[str] | None = Field(None, description="UN CPC codes; a section (one digit) includes its divisions")
    sector: list[str] | None = Field(None, description="Sector codes (see /sectors)")
    country: list[str] | None = Field(None, description="ISO 3166-1 alpha-2 codes")
    region: str | None = Field(None, description="UN M49 region, sub-region or intermediate region code")
    scope: list[str] | None = Field(None, description="local, national, regional, international")
    language: list[str] | None = Field(None, description="The language written in: en, fr, es")
    sort: str | None = Field(None, description="relevance (the default with words) or newest")
    page: int | None = Field(None, json_schema_extra={"minimum": 1, "maximum": 10**6})
    page_size: int | None = Field(None, json_schema_extra={"minimum": 1, "maximum": 100})
    facets: bool = Field(False, description="Include counts per direction, kind, section, country and scope")


class ListingPageOut(Schema):
    count: int
    count_is_lower_bound: bool
    page: int
    pages: int
    page_size: int
    results: list[ListingOut]
    facets: dict[str, list[dict[str, Any]]] | None = None


@router.get("/exchange/listings", summary="Search published offers and needs", auth=None, response=ListingPageOut)
@decorate_view(pagecache.public)
def list_listings(request: HttpRequest, params: Query[ListingQuery]) -> dict[str, Any]:
    search = queries.parse_search(request.GET)
    filters = replace(search.filters, status=(ListingStatus.PUBLISHED,))
    page = queries.search_listings(
        AnonymousUser(), **{**search.as_kwargs(), "filters": filters}, facets=bool(params.facets)
    )
    if page.beyond_ranking:
        raise ValidationError(
            {
                "page": _("sorted by best match, the results go up to page %(last)s; sort by newest to see others")
                % {"last": page.pages}
            }
        )
    data: dict[str, Any] = {
        "count": page.total,
        "count_is_lower_bound": page.total_is_capped,
        "page": page.page,
        "pages": page.pages,
        "page_size": page.page_size,
        "results": [representations.listing_dict(x) for x in page.items],
    }
    if page.facets is not None:
        data["facets"] = {
            key: [{"value": v, "label": label, "count": n} for v, label, n in values]
            for key, values in page.facets.groups.items()
        }
    return data


@router.get("/exchange/listings/{listing_id}", summary="One listing", auth=None, response=ListingOut)
def get_listing(request: HttpRequest, response: HttpResponse, listing_id: int) -> dict[str, Any]:
    """Published listings are public; a draft, paused, closed or expired one is seen by its publisher's people.
    The ETag header holds the listing's version: send it back in If-Match with a PATCH so that a change made
    meanwhile by someone else is not overwritten (412 instead)."""
    listing = _listing(request, listing_id)
    response["ETag"] = f'"{services.listing_version(listing)}"'
    return representations.listing_dict(listing)


@router.get(
    "/exchange/listings/{listing_id}/matches",
    summary="The best matches of a listing",
    auth=None,
    response=list[MatchOut],
)
def listing_matches(request: HttpRequest, listing_id: int, limit: int = 20) -> list[dict[str, Any]]:
    """Open listings of the other direction, best first, with the score's parts and the reasons (see the
    documentation of the score)."""
    if not 1 <= limit <= 50:
        raise ValidationError({"limit": _("Give a limit from 1 to 50.")})
    listing = _listing(request, listing_id)
    return [
        {
            "score": m.score.total,
            "parts": m.score.parts,
            "reasons": [list(r) for r in m.score.reasons],
            "listing": representations.listing_dict(m.listing),
        }
        for m in match_queries.matches_for(listing, limit=limit)
    ]


@router.get(
    "/exchange/my/listings",
    summary="Listings of the organisations you act for",
    auth=WRITE_AUTH,
    response=list[ListingOut],
)
def my_listings(request: HttpRequest, params: Query[PageQuery]) -> list[dict[str, Any]]:
    mine = permissions.trading_organisation_ids(request.user)
    qs = _listings().filter(organisation_id__in=mine).order_by("-id")
    return [representations.listing_dict(x) for x in _page(qs, params.page)]


def _listing_data(payload: ListingFields) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    data.pop("organisation", None)
    data.pop("publish", None)
    if data.get("country"):
        data["country"] = data["country"].upper()
    if data.get("translations") is not None:
        data["translations"] = {k: dict(v) for k, v in data["translations"].items()}
    return data


@router.post("/exchange/listings", summary="Publish an offer or a need", auth=WRITE_AUTH, response={201: ListingOut})
def create_listing(request: HttpRequest, payload: ListingIn) -> tuple[int, dict[str, Any]]:
    org = _organisation(payload.organisation, "organisation")
    listing = services.listing_create(
        actor=request.user, organisation=org, data=_listing_data(payload), publish=payload.publish
    )
    return 201, representations.listing_dict(_listings().get(pk=listing.pk))


@router.patch("/exchange/listings/{listing_id}", summary="Change a listing", auth=WRITE_AUTH, response=ListingOut)
def update_listing(
    request: HttpRequest,
    response: HttpResponse,
    listing_id: int,
    payload: ListingFields,
    version: str | None = IF_MATCH,
) -> dict[str, Any]:
    listing = services.listing_update(
        actor=request.user,
        listing=_listing(request, listing_id),
        data=_listing_data(payload),
        based_on=if_match(version),
    )
    listing = _listings().get(pk=listing.pk)
    response["ETag"] = f'"{services.listing_version(listing)}"'
    return representations.listing_dict(listing)


@router.post(
    "/exchange/listings/{listing_id}/status",
    summary="Publish, pause or close a listing",
    auth=WRITE_AUTH,
    response=ListingOut,
)
def listing_status(request: HttpRequest, listing_id: int, payload: ListingStatusIn) -> dict[str, Any]:
    listing = services.listing_set_status(
        actor=request.user, listing=_listing(request, listing_id), status=payload.status
    )
    return representations.listing_dict(_listings().get(pk=listing.pk))


# Enquiries ---------------------------------------------------------------------------------------------------


def _enquiries(request: HttpRequest) -> QuerySet[Enquiry]:
    return (
        permissions.visible_enquiries(request.user)
        .select_related("organisation", "listing__organisation")
        .prefetch_related("messages__organisation")
    )


def _enquiry(request: HttpRequest, enquiry_id: int) -> Enquiry:
    enquiry = _enquiries(request).filter(pk=enquiry_id).first()
    if enquiry is None:
        raise HttpError(404, _("No enquiry of yours has the id %(id)s.") % {"id": enquiry_id})
    return enquiry


@router.get(
    "/exchange/enquiries", summary="Your enquiries, sent and received", auth=WRITE_AUTH, response=list[EnquiryOut]
)
def list_enquiries(request: HttpRequest, params: Query[PageQuery]) -> list[dict[str, Any]]:
    return [representations.enquiry_dict(e) for e in _page(_enquiries(request), params.page)]


@router.get(
    "/exchange/enquiries/{enquiry_id}", summary="One enquiry with its messages", auth=WRITE_AUTH, response=EnquiryOut
)
def get_enquiry(request: HttpRequest, enquiry_id: int) -> dict[str, Any]:
    return representations.enquiry_dict(_enquiry(request, enquiry_id))


@router.post(
    "/exchange/listings/{listing_id}/enquiries",
    summary="Write to the publisher of a listing",
    auth=WRITE_AUTH,
    response={201: EnquiryOut},
)
def create_enquiry(request: HttpRequest, listing_id: int, payload: EnquiryIn) -> tuple[int, dict[str, Any]]:
    enquiry = trade_services.enquiry_send(
        actor=request.user,
        listing=_listing(request, listing_id),
        organisation=_organisation(payload.organisation, "organisation"),
        body=payload.body,
    )
    return 201, representations.enquiry_dict(_enquiry(request, enquiry.pk))


@router.post(
    "/exchange/enquiries/{enquiry_id}/messages",
    summary="Reply in an enquiry",
    auth=WRITE_AUTH,
    response={201: EnquiryOut},
)
def reply(request: HttpRequest, enquiry_id: int, payload: MessageIn) -> tuple[int, dict[str, Any]]:
    enquiry = _enquiry(request, enquiry_id)
    trade_services.message_send(actor=request.user, enquiry=enquiry, body=payload.body)
    return 201, representations.enquiry_dict(_enquiry(request, enquiry_id))


# Orders ------------------------------------------------------------------------------------------------------


def _orders(request: HttpRequest) -> QuerySet[Order]:
    return (
        permissions.visible_orders(request.user)
        .select_related("seller", "buyer")
        .prefetch_related(
            Prefetch("proposals", queryset=OrderProposal.objects.select_related("organisation")),
            Prefetch("events", queryset=TradeEvent.objects.select_related("organisation")),
        )
    )


def _order(request: HttpRequest, order_id: int) -> Order:
    order = _orders(request).filter(pk=order_id).first()
    if order is None:
        raise HttpError(404, _("No order of yours has the id %(id)s.") % {"id": order_id})
    return order


@router.get("/exchange/orders", summary="Your orders, as seller and as buyer", auth=WRITE_AUTH, response=list[OrderOut])
def list_orders(request: HttpRequest, params: Query[PageQuery]) -> list[dict[str, Any]]:
    return [representations.order_dict(o) for o in _page(_orders(request), params.page)]


@router.get(
    "/exchange/orders/{order_id}",
    summary="One order with its proposals and history",
    auth=WRITE_AUTH,
    response=OrderOut,
)
def get_order(request: HttpRequest, order_id: int) -> dict[str, Any]:
    return representations.order_dict(_order(request, order_id))


def _terms(payload: TermsIn) -> dict[str, Any]:
    return payload.dict(
        include={"quantity", "unit", "unit_price_minor", "currency", "delivery_date", "note"}, exclude_unset=True
    )


@router.post("/exchange/orders", summary="Propose an order", auth=WRITE_AUTH, response={201: OrderOut})
def create_order(request: HttpRequest, payload: OrderIn) -> tuple[int, dict[str, Any]]:
    seller = _organisation(payload.seller, "seller")
    buyer = _organisation(payload.buyer, "buyer")
    if payload.proposed_by:
        side = _organisation(payload.proposed_by, "proposed_by")
    else:
        side = buyer if permissions.can_act_for(request.user, buyer) else seller
    listing = _listing(request, payload.listing) if payload.listing is not None else None
    enquiry = _enquiry(request, payload.enquiry) if payload.enquiry is not None else None
    order = trade_services.order_propose(
        actor=request.user,
        seller=seller,
        buyer=buyer,
        as_organisation=side,
        listing=listing,
        enquiry=enquiry,
        data={**_terms(payload), "description": payload.description},
    )
    return 201, representations.order_dict(_order(request, order.pk))


@router.post(
    "/exchange/orders/{order_id}/proposals", summary="Propose new terms", auth=WRITE_AUTH, response={201: OrderOut}
)
def create_proposal(request: HttpRequest, order_id: int, payload: TermsIn) -> tuple[int, dict[str, Any]]:
    trade_services.proposal_make(actor=request.user, order=_order(request, order_id), data=_terms(payload))
    return 201, representations.order_dict(_order(request, order_id))


ANSWERS = {
    "accept": trade_services.proposal_accept,
    "decline": trade_services.proposal_decline,
    "withdraw": trade_services.proposal_withdraw,
}


@router.post(
    "/exchange/orders/{order_id}/proposals/{proposal_id}/{answer}",
    summary="Accept or decline the other party's proposal, or withdraw your own",
    auth=WRITE_AUTH,
    response=OrderOut,
)
def answer_proposal(request: HttpRequest, order_id: int, proposal_id: int, answer: str) -> dict[str, Any]:
    """`answer` is accept, decline or withdraw. Of two answers given at once, the second is refused (422) with the
    proposal's state."""
    order = _order(request, order_id)
    proposal = next((p for p in order.proposals.all() if p.pk == proposal_id), None)
    if proposal is None:
        raise HttpError(404, _("This order has no proposal with the id %(id)s.") % {"id": proposal_id})
    if answer not in ANSWERS:
        raise ValidationError({"answer": _("Answer accept, decline or withdraw.")})
    ANSWERS[answer](actor=request.user, proposal=proposal)
    return representations.order_dict(_order(request, order_id))


@router.post(
    "/exchange/orders/{order_id}/deliver",
    summary="Mark an order delivered (seller)",
    auth=WRITE_AUTH,
    response=OrderOut,
)
def deliver(request: HttpRequest, order_id: int) -> dict[str, Any]:
    trade_services.order_deliver(actor=request.user, order=_order(request, order_id))
    return representations.order_dict(_order(request, order_id))


@router.post(
    "/exchange/orders/{order_id}/invoice",
    summary="Invoice a delivered order (seller)",
    auth=WRITE_AUTH,
    response={201: InvoiceOut},
)
def invoice_order(request: HttpRequest, order_id: int, payload: InvoiceHeadIn) -> tuple[int, dict[str, Any]]:
    invoice = invoice_services.invoice_from_order(
        actor=request.user, order=_order(request, order_id), data=payload.dict(exclude_unset=True)
    )
    return 201, representations.invoice_dict(_invoice(request, invoice.pk))


# Invoices ----------------------------------------------------------------------------------------------------


def _invoices(request: HttpRequest) -> QuerySet[Invoice]:
    return (
        permissions.visible_invoices(request.user)
        .select_related("seller", "buyer")
        .prefetch_related("lines", Prefetch("events", queryset=TradeEvent.objects.select_related("organisation")))
    )


def _invoice(request: HttpRequest, invoice_id: int) -> Invoice:
    invoice = _invoices(request).filter(pk=invoice_id).first()
    if invoice is None:
        raise HttpError(404, _("No invoice of yours has the id %(id)s.") % {"id": invoice_id})
    return invoice


class InvoiceQuery(PageQuery):
    status: str | None = None
    role: str | None = None  # seller or buyer


@router.get(
    "/exchange/invoices", summary="Your invoices, issued and received", auth=WRITE_AUTH, response=list[InvoiceOut]
)
def list_invoices(request: HttpRequest, params: Query[InvoiceQuery]) -> list[dict[str, Any]]:
    qs = _invoices(request)
    if params.status:
        qs = qs.filter(status=params.status)
    if params.role in ("seller", "buyer"):
        mine = permissions.trading_organisation_ids(request.user)
        qs = qs.filter(**{f"{params.role}_id__in": mine})
    elif params.role:
        raise ValidationError({"role": _("Give seller or buyer.")})
    return [representations.invoice_dict(i) for i in _page(qs, params.page)]


@router.get("/exchange/invoices/{invoice_id}", summary="One invoice", auth=WRITE_AUTH, response=InvoiceOut)
def get_invoice(request: HttpRequest, invoice_id: int) -> dict[str, Any]:
    return representations.invoice_dict(_invoice(request, invoice_id))


@router.post(
    "/exchange/invoices",
    summary="Enter an invoice for trade off the platform",
    auth=WRITE_AUTH,
    response={201: InvoiceOut},
)
def create_invoice(request: HttpRequest, payload: InvoiceIn) -> tuple[int, dict[str, Any]]:
    data = payload.dict(exclude_unset=True)
    data["lines"] = [dict(line) for line in data.get("lines", [])]
    invoice = invoice_services.invoice_enter(
        actor=request.user,
        seller=_organisation(payload.seller, "seller"),
        buyer=_organisation(payload.buyer, "buyer"),
        data=data,
    )
    return 201, representations.invoice_dict(_invoice(request, invoice.pk))


@router.post(
    "/exchange/invoices/{invoice_id}/{step}",
    summary="Acknowledge or dispute (buyer), record as paid or cancel (seller)",
    auth=WRITE_AUTH,
    response=InvoiceOut,
)
def invoice_step(request: HttpRequest, invoice_id: int, step: str, payload: StepIn) -> dict[str, Any]:
    """`step` is acknowledge, dispute (give a reason), pay or cancel."""
    invoice_services.invoice_step(
        actor=request.user, invoice=_invoice(request, invoice_id), step=step, reason=payload.reason
    )
    return representations.invoice_dict(_invoice(request, invoice_id))
