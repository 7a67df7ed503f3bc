"""The registry's API bodies and answers as typed schemas, derived from the one field list (fields.FIELDS) and the
model's own limits, so that the OpenAPI document states what the services enforce and what each answer holds.

Limits are stated (maxLength, minimum, maximum), not enforced here: the services check them and say what is wrong
in the reader's language."""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from ninja import Field, Schema
from pydantic import create_model

from cicopa.core.api_input import JsonObject
from cicopa.registry.fields import FIELDS, SUMMARY_FIELDS, OrganisationField
from cicopa.registry.models import Organisation

_TYPES: dict[str, Any] = {"text": str, "code": str, "codes": list[str], "float": float, "int": int, "bool": bool}
_DESCRIPTIONS = {
    "country": "ISO 3166-1 alpha-2 code",
    "subdivision": "ISO 3166-2 code of a subdivision of the country, e.g. FR-ARA (see /subdivisions?country=FR); "
    "a change of country that leaves it out clears it",
    "sectors": "Sector codes (see /sectors)",
    "membership_type": "See /membership-types",
    "legal_form": "See /legal-forms",
    "kind": "alliance, sectoral, member_organisation, cooperative or other (the secretariat's to change)",
    "status": "active or dissolved (the secretariat's to change)",
    "location_approximate": "The coordinates show the area (a postcode centre), not the address",
}


def _limits(field: OrganisationField) -> dict[str, Any]:
    """The JSON Schema limits of a field, read from the model: maxLength, minimum, maximum."""
    model_field = Organisation._meta.get_field(field.name)
    limits: dict[str, Any] = {}
    if field.kind == "text" and (max_length := getattr(model_field, "max_length", None)):
        limits["maxLength"] = max_length
    for validator in getattr(model_field, "validators", []):
        if isinstance(validator, MinValueValidator):
            limits["minimum"] = validator.limit_value
        elif isinstance(validator, MaxValueValidator):
            limits["maximum"] = validator.limit_value
    if field.kind == "int":
        limits.setdefault("minimum", 0)
    return limits


def _field(field: OrganisationField) -> Any:
    return Field(None, description=_DESCRIPTIONS.get(field.name), json_schema_extra=_limits(field) or None)


_OrganisationFields: Any = create_model(  # type: ignore[call-overload]
    "OrganisationFields",
    __base__=JsonObject,
    **{f.name: (_TYPES[f.kind] | None, _field(f)) for f in FIELDS if f.name != "slug"},
)


class OrganisationIn(_OrganisationFields):
    """The body of a create or change: every field of an organisation but its slug, all optional."""

    parent: str | None = Field(None, description="On creation: slug of the organisation it joins")


class MembershipOut(Schema):
    id: int
    member: str
    parent: str
    status: str
    since: str | None
    until: str | None


class IdentifierOut(Schema):
    scheme: str
    value: str


OrganisationSummaryOut: Any = create_model(  # type: ignore[call-overload]
    "OrganisationSummary",
    __base__=Schema,
    **{f.name: (_TYPES[f.kind] | None, ...) for f in FIELDS if f.name in SUMMARY_FIELDS},
    url=(str, ...),
    is_demo=(bool, Field(..., description="Loaded by `cicopa demo`: its people, places and figures may be invented")),
)
OrganisationOut: Any = create_model(  # type: ignore[call-overload]
    "Organisation",
    __base__=Schema,
    **{f.name: (_TYPES[f.kind] | None, ...) for f in FIELDS},
    url=(str, ...),
    is_demo=(bool, ...),
    identifiers=(list[IdentifierOut], ...),
    belongs_to=(list[MembershipOut], ...),
    updated_at=(str | None, ...),
)


class FacetValue(Schema):
    value: str
    label: str
    count: int


class DirectoryPage(Schema):
    count: int = Field(..., description="Results in all (a lower bound when count_is_lower_bound)")
    page: int
    pages: int
    page_size: int
    results: list[OrganisationSummaryOut]  # type: ignore[valid-type]
    ranked_limit: int | None = Field(None, description="Sorted by best match, the pages end after this many")
    count_is_lower_bound: bool | None = None
    facets: dict[str, list[FacetValue]] | None = None
    facets_approximate: bool | None = None


class OfficeOut(Schema):
    id: int
    person: str
    role: str
    current: bool
    start: str | None
    end: str | None
