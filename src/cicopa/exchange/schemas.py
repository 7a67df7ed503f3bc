"""The exchange's API bodies and answers as typed schemas. Limits are stated here for clients and fuzzers and
enforced by the services, which say what is wrong in the reader's language."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Field, Schema

from cicopa.core.api_input import JsonObject
from cicopa.exchange.models import MAX_AMOUNT_MINOR

AMOUNT: Any = {"minimum": 0, "maximum": MAX_AMOUNT_MINOR}
QUANTITY = Field(None, description='A decimal number as a string, more than 0, at most three decimals: "12.5"')


class PartyOut(Schema):
    slug: str
    name: str
    country: str | None


class TextIn(JsonObject):
    title: str = Field("", json_schema_extra={"maxLength": 200})
    description: str = Field("", json_schema_extra={"maxLength": 5000})


class ListingFields(JsonObject):
    direction: str | None = Field(None, description="offer or need")
    kind: str | None = Field(None, description="goods, services, technical_assistance or know_how")
    language: str | None = Field(None, description="The language the title and description are written in: en, fr, es")
    title: str | None = Field(None, json_schema_extra={"maxLength": 200})
    description: str | None = Field(None, json_schema_extra={"maxLength": 5000})
    translations: dict[str, TextIn] | None = Field(
        None, description="Translations into the other two languages, by language code; an empty one is removed"
    )
    category: str | None = Field(
        None, description="UN CPC Ver. 2.1 section or division code (see /exchange/categories)"
    )
    sector: str | None = Field(None, description="Sector code (see /sectors)")
    quantity: str | None = QUANTITY
    unit: str | None = Field(None, description="UN/CEFACT Recommendation 20 code (see /exchange/units)")
    price_minor: int | None = Field(
        None, description="Price per unit in minor units (cents); null: on request", json_schema_extra=AMOUNT
    )
    currency: str | None = Field(None, description="ISO 4217 code")
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 code; the organisation's by default")
    city: str | None = Field(None, json_schema_extra={"maxLength": 120})
    scope: str | None = Field(None, description="local, national, regional or international")
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None


class ListingIn(ListingFields):
    organisation: str = Field(..., description="Slug of the publishing organisation")
    publish: bool = Field(False, description="Publish at once (else a draft)")


class ListingStatusIn(JsonObject):
    status: str = Field(..., description="published, paused or closed")


class ListingOut(Schema):
    id: int
    url: str
    organisation: PartyOut
    direction: str
    kind: str
    language: str
    title: str
    description: str
    translations: dict[str, dict[str, str]]
    category: str
    sector: str | None
    quantity: str | None
    unit: str | None
    price_minor: int | None
    currency: str | None
    country: str
    city: str
    scope: str
    valid_from: str
    valid_until: str | None
    status: str
    published_at: str | None
    is_demo: bool


class MatchOut(Schema):
    score: float
    parts: dict[str, float]
    reasons: list[list[str]] = Field(..., description="[reason, value] pairs: division, section, words, town, ...")
    listing: ListingOut


class CodeName(Schema):
    code: str
    name: str


class CategoryOut(CodeName):
    level: str
    parent: str | None


class UnitOut(CodeName):
    symbol: str


class MessageIn(JsonObject):
    body: str = Field(..., json_schema_extra={"maxLength": 5000})


class EnquiryIn(MessageIn):
    organisation: str = Field(..., description="Slug of the organisation that writes")


class MessageOut(Schema):
    organisation: str
    body: str
    sent_at: str


class EnquiryOut(Schema):
    id: int
    url: str
    listing: int
    from_: PartyOut = Field(..., alias="from")
    to: PartyOut
    messages: list[MessageOut]


class TermsIn(JsonObject):
    quantity: str = Field(..., description="A decimal number as a string, more than 0, at most three decimals")
    unit: str | None = Field(None, description="UN/CEFACT Recommendation 20 code; the listing's by default")
    unit_price_minor: int = Field(..., description="Price per unit in minor units", json_schema_extra=AMOUNT)
    currency: str | None = Field(None, description="ISO 4217 code; the listing's by default")
    delivery_date: datetime.date | None = None
    note: str = Field("", json_schema_extra={"maxLength": 500})


class OrderIn(TermsIn):
    seller: str = Field(..., description="Slug of the seller")
    buyer: str = Field(..., description="Slug of the buyer")
    proposed_by: str | None = Field(
        None, description="Slug of the party proposing: seller or buyer (the one you act for)"
    )
    listing: int | None = None
    enquiry: int | None = None
    description: str = Field(
        "", description="What is ordered; the listing's title by default", json_schema_extra={"maxLength": 300}
    )


class ProposalOut(Schema):
    id: int
    proposed_by: str
    quantity: str
    unit: str | None
    unit_price_minor: int
    currency: str
    total_minor: int
    delivery_date: str | None
    note: str
    status: str
    created_at: str


class EventOut(Schema):
    at: str
    organisation: str | None
    action: str
    detail: str


class OrderOut(Schema):
    id: int
    url: str
    listing: int | None
    enquiry: int | None
    seller: PartyOut
    buyer: PartyOut
    description: str
    status: str
    quantity: str | None
    unit: str | None
    unit_price_minor: int | None
    currency: str | None
    total_minor: int | None
    delivery_date: str | None
    proposals: list[ProposalOut]
    history: list[EventOut]


class InvoiceHeadIn(JsonObject):
    issue_date: datetime.date | None = Field(None, description="Today by default; not in the future")
    due_date: datetime.date | None = Field(None, description="30 days after issue by default")
    notes: str = Field("", json_schema_extra={"maxLength": 2000})


class LineIn(JsonObject):
    description: str = Field(..., json_schema_extra={"maxLength": 300})
    quantity: str = Field("1", description="A decimal number as a string")
    unit: str | None = None
    unit_price_minor: int = Field(..., json_schema_extra=AMOUNT)


class InvoiceIn(InvoiceHeadIn):
    seller: str = Field(..., description="Slug of the seller (an organisation you act for)")
    buyer: str = Field(..., description="Slug of the buyer")
    currency: str = Field(..., description="ISO 4217 code")
    external_number: str = Field(
        "", description="The seller's own number, for trade off the platform", json_schema_extra={"maxLength": 60}
    )
    lines: list[LineIn] = Field(..., json_schema_extra={"maxItems": 200})


class StepIn(JsonObject):
    reason: str = Field(
        "", description="Why the invoice is disputed (required to dispute)", json_schema_extra={"maxLength": 2000}
    )


class LineOut(Schema):
    description: str
    quantity: str
    unit: str | None
    unit_price_minor: int
    amount_minor: int


class InvoiceOut(Schema):
    id: int
    url: str
    number: str
    external_number: str
    seller: PartyOut
    buyer: PartyOut
    order: int | None
    issue_date: str
    due_date: str
    currency: str
    total_minor: int
    cleared_minor: int
    status: str
    source: str
    notes: str
    dispute_reason: str
    lines: list[LineOut]
    history: list[EventOut]
