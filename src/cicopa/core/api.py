"""The reference data every capability shares, in the JSON API: countries, regions, sectors, membership types and
legal forms."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.decorators import decorate_view

from cicopa.core import money, pagecache, queries

router = Router(tags=["reference data"])


class CountryOut(Schema):
    iso2: str
    iso3: str
    numeric: str
    name: str
    region: str | None
    subregion: str | None
    intermediate_region: str | None
    developed: bool | None


class RegionOut(Schema):
    m49: str
    name: str
    level: str
    parent: str | None


class SectorOut(Schema):
    code: str
    name: str
    isic: str
    ica_codes: list[str]


class CodeName(Schema):
    code: str
    name: str


@router.get(
    "/countries", summary="ISO 3166-1 countries with their UN M49 regions", auth=None, response=list[CountryOut]
)
@decorate_view(pagecache.public)
def list_countries(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "iso2": c.iso2,
            "iso3": c.iso3,
            "numeric": c.numeric,
            "name": c.name,
            "region": c.region_id,
            "subregion": c.subregion_id,
            "intermediate_region": c.intermediate_region_id,
            "developed": c.developed,
        }
        for c in queries.countries()
    ]


@router.get("/regions", summary="UN M49 regions", auth=None, response=list[RegionOut])
@decorate_view(pagecache.public)
def list_regions(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"m49": r.m49, "name": r.name, "level": r.level, "parent": r.parent_id} for r in queries.regions()]


@router.get("/sectors", summary="Sectors with their ISIC Rev.4 and ICA codes", auth=None, response=list[SectorOut])
@decorate_view(pagecache.public)
def list_sectors(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"code": s.code, "name": s.name, "isic": s.isic, "ica_codes": s.ica_codes.split()} for s in queries.sectors()
    ]


@router.get("/membership-types", summary="Membership types", auth=None, response=list[CodeName])
@decorate_view(pagecache.public)
def list_membership_types(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"code": t.code, "name": t.name} for t in queries.membership_types()]


@router.get("/legal-forms", summary="Legal forms", auth=None, response=list[CodeName])
@decorate_view(pagecache.public)
def list_legal_forms(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"code": t.code, "name": t.name} for t in queries.legal_forms()]


class CurrencyOut(Schema):
    code: str
    name: str
    digits: int


@router.get(
    "/currencies",
    summary="ISO 4217 currencies in use today, named in the language asked for",
    description=(
        "The currencies an amount may be in (legal tender somewhere today, as CLDR says), the most traded first, "
        "then in the alphabetical order of the reader's language; `digits` is the number of decimals of the "
        "minor unit in which amounts are given (2 for EUR, 0 for JPY, 3 for KWD)."
    ),
    auth=None,
    response=list[CurrencyOut],
)
@decorate_view(pagecache.public)
def list_currencies(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"code": code, "name": money.currency_name(code), "digits": money.currency_digits(code)}
        for code, _label in money.currency_choices()
    ]
