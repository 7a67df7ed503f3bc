"""Organisations as plain data: for the API, the exports and the open-data formats (JSON-LD, Murmurations).

Callers pass organisations fetched with their relations (see directory_queries.with_relations), so building
these dictionaries issues no query of its own except where noted.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from cicopa.core import names as core_names
from cicopa.core import subdivisions
from cicopa.registry.fields import BY_NAME, FIELDS, SUMMARY_FIELDS, OrganisationField
from cicopa.registry.models import MEMBER_STATUSES, Membership, Organisation

MURMURATIONS_SCHEMA = "organizations_schema-v1.0.0"


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def profile_url(org: Organisation) -> str:
    return absolute(reverse("registry:organisation", kwargs={"slug": org.slug}))


def _value(org: Organisation, field: OrganisationField) -> Any:
    if field.kind == "codes":
        return [s.code for s in org.sectors.all()]
    return getattr(org, field.attribute)


def organisation_summary(org: Organisation) -> dict[str, Any]:
    """An organisation as the directory's list results give it (fields.SUMMARY_FIELDS)."""
    data = {name: _value(org, BY_NAME[name]) for name in SUMMARY_FIELDS}
    data["url"] = profile_url(org)
    data["is_demo"] = org.is_demo  # loaded by `cicopa demo`: may be invented
    return data


def organisation_detail(org: Organisation) -> dict[str, Any]:
    """An organisation whole, with its identifiers and what it belongs to (the public memberships)."""
    data = {f.name: _value(org, f) for f in FIELDS}
    data.update(
        url=profile_url(org),
        is_demo=org.is_demo,
        identifiers=[{"scheme": i.scheme, "value": i.value} for i in org.identifiers.all()],
        belongs_to=[membership_dict(m) for m in org.memberships.all() if m.is_public],
        updated_at=org.updated_at.isoformat() if org.updated_at else None,
    )
    return data


def export_row(org: Organisation) -> dict[str, Any]:
    data = {f.name: _value(org, f) for f in FIELDS}
    data["sectors"] = ";".join(data["sectors"])
    data["url"] = profile_url(org)
    return data


def membership_dict(m: Membership) -> dict[str, Any]:
    return {
        "id": m.pk,
        "member": m.member.slug,
        "parent": m.parent.slug,
        "status": m.status,
        "since": m.since.isoformat() if m.since else None,
        "until": m.until.isoformat() if m.until else None,
    }


def _address_lines(org: Organisation) -> str:
    parts = [org.address.replace("\n", ", "), " ".join(p for p in (org.postcode, org.city) if p)]
    if org.subdivision:
        parts.append(subdivisions.name(org.subdivision, "en"))
    if org.country:
        parts.append(core_names.territory_name(org.country.iso2, "en"))
    return ", ".join(p for p in parts if p)


def jsonld(org: Organisation) -> dict[str, Any]:
    """schema.org Organization, with W3C ORG memberships (org:Membership) to what it belongs to."""
    url = profile_url(org)
    doc: dict[str, Any] = {
        "@context": {
            "@vocab": "https://schema.org/",
            "org": "http://www.w3.org/ns/org#",
            "org:organization": {"@type": "@id"},
            "org:member": {"@type": "@id"},
        },
        "@type": "Organization",
        "@id": url,
        "url": url,
        "name": org.name,
    }
    optional = {
        "alternateName": org.acronym,
        "description": org.description,
        "email": org.email,
        "telephone": org.phone,
        "faxNumber": org.fax,
        "sameAs": org.website,
        "foundingDate": str(org.founded) if org.founded else "",
    }
    doc.update({k: v for k, v in optional.items() if v})
    if org.workers_count is not None:
        doc["numberOfEmployees"] = {"@type": "QuantitativeValue", "value": org.workers_count}
    if org.address or org.city or org.subdivision or org.country_id:
        doc["address"] = {
            "@type": "PostalAddress",
            **({"streetAddress": org.address} if org.address else {}),
            **({"addressLocality": org.city} if org.city else {}),
            **({"postalCode": org.postcode} if org.postcode else {}),
            # The first-level (or lower) administrative division, as its ISO 3166-2 code: 'FR-ARA'.
            **({"addressRegion": org.subdivision} if org.subdivision else {}),
            **({"addressCountry": org.country_id} if org.country_id else {}),
        }
    if org.has_coordinates:
        doc["geo"] = {"@type": "GeoCoordinates", "latitude": org.latitude, "longitude": org.longitude}
    sectors = [s.name_en for s in org.sectors.all()]
    if sectors:
        doc["knowsAbout"] = sectors
    memberships = [m for m in org.memberships.all() if m.status in MEMBER_STATUSES]
    if memberships:
        doc["memberOf"] = [
            {"@type": "Organization", "@id": profile_url(m.parent), "name": m.parent.name} for m in memberships
        ]
        doc["org:hasMembership"] = [
            {
                "@type": "org:Membership",
                "org:member": url,
                "org:organization": profile_url(m.parent),
                **(
                    {
                        "org:memberDuring": {
                            "@type": "http://www.w3.org/2006/time#Interval",
                            "startDate": m.since.isoformat(),
                        }
                    }
                    if m.since
                    else {}
                ),
            }
            for m in memberships
        ]
    return doc


def murmurations(org: Organisation) -> dict[str, Any]:
    """A Murmurations profile valid against organizations_schema-v1.0.0 (which caps a name at 200
    characters), in English whatever the language of the request."""
    profile: dict[str, Any] = {
        "linked_schemas": [MURMURATIONS_SCHEMA],
        "name": org.name[:200],
        "primary_url": org.website if org.website.startswith(("http://", "https://")) else profile_url(org),
        "unique_id": profile_url(org),
        "status": "active" if org.status == "active" else "completed",
    }
    if org.acronym:
        profile["nickname"] = org.acronym
    if org.description:
        profile["description"] = org.description
    with translation.override("en"):
        tags = [str(org.get_kind_display()), *(s.name_en for s in org.sectors.all())]
    if org.membership_type:
        tags.append(org.membership_type.name_en)
    profile["tags"] = list(dict.fromkeys(str(t)[:100] for t in tags))
    profile["urls"] = [{"name": "CICOPA directory", "url": profile_url(org)}]
    address = _address_lines(org)
    if address:
        profile["full_address"] = address
    if org.country_id:
        profile["country_iso_3166"] = org.country_id
    if org.has_coordinates:
        profile["geolocation"] = {"lat": org.latitude, "lon": org.longitude}
    if org.email:
        profile["contact_details"] = {"email": org.email}
    if org.phone:
        profile["telephone"] = org.phone
    if org.founded:
        profile["starts_at"] = int(datetime.datetime(org.founded, 1, 1, tzinfo=datetime.UTC).timestamp())
    parents = dict.fromkeys(profile_url(m.parent) for m in org.memberships.all() if m.status in MEMBER_STATUSES)
    if parents:
        member_of = "https://schema.org/memberOf"
        profile["relationships"] = [{"predicate_url": member_of, "object_url": url} for url in parents]
    return profile
