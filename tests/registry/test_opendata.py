"""Open data: Murmurations profiles validate against the published schema; the export command."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from cicopa.registry import queries, representations

# The published schema is not part of this project. Where a copy of it is beside the project (or named by
# CICOPA_MURMURATIONS_DIR) profiles are checked against it; everywhere, against PROFILE_RULES below.
SCHEMA_DIRS = [
    os.environ.get("CICOPA_MURMURATIONS_DIR", ""),
    str(Path(__file__).resolve().parents[3] / "shared" / "standards" / "murmurations"),
]


def _validator():
    from jsonschema import Draft7Validator
    from referencing import Registry
    from referencing.jsonschema import DRAFT7

    base = next((Path(d) for d in SCHEMA_DIRS if d and (Path(d) / "schemas").is_dir()), None)
    if base is None:
        pytest.skip("the Murmurations reference schema is not beside this project")
    schema = json.loads((base / "schemas" / "organizations_schema-v1.0.0.json").read_text())
    resources = []
    for path in (base / "fields").glob("*.json"):
        resource = DRAFT7.create_resource(json.loads(path.read_text()))
        resources.append((f"../fields/{path.name}", resource))
        resources.append((f"https://test-library.murmurations.network/v2/fields/{path.name}", resource))
    registry = Registry().with_resources(resources)
    return Draft7Validator(schema, registry=registry)


def test_murmurations_profiles_are_valid(federation):
    validator = _validator()
    for slug in ("menuiserie", "cicopa", "taxis-madrid", "international-co-operative-alliance"):
        profile = representations.murmurations(queries.organisation_profile(slug))
        errors = sorted(validator.iter_errors(profile), key=str)
        assert not errors, f"{slug}: {[e.message for e in errors]}"
    # and the validator does catch a broken profile
    assert list(validator.iter_errors({"name": "x", "linked_schemas": ["Bad Name"]}))


URL = {"type": "string", "maxLength": 2000, "pattern": "^https?://"}
# The constraints organizations_schema-v1.0.0 puts on the fields the platform emits, written out here so
# that the check runs without the published schema.
PROFILE_RULES = {
    "type": "object",
    "required": ["linked_schemas", "name"],
    "additionalProperties": False,
    "properties": {
        "linked_schemas": {
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {"type": "string", "pattern": "^[a-z][a-z0-9_]{7,97}-v[0-9]+\\.[0-9]+\\.[0-9]+$"},
        },
        "name": {"type": "string", "maxLength": 200},
        "nickname": {"type": "string"},
        "primary_url": URL,
        "unique_id": {"type": "string"},
        "status": {"enum": ["active", "completed", "cancelled", "on_hold", "in_planning"]},
        "description": {"type": "string"},
        "tags": {
            "type": "array",
            "minItems": 1,
            "maxItems": 100,
            "uniqueItems": True,
            "items": {"type": "string", "maxLength": 100},
        },
        "urls": {
            "type": "array",
            "uniqueItems": True,
            "items": {"type": "object", "required": ["url"], "properties": {"name": {"type": "string"}, "url": URL}},
        },
        "full_address": {"type": "string"},
        "country_iso_3166": {"type": "string", "pattern": "^[A-Z]{2}$"},
        "geolocation": {
            "type": "object",
            "required": ["lat", "lon"],
            "properties": {
                "lat": {"type": "number", "minimum": -90, "maximum": 90},
                "lon": {"type": "number", "minimum": -180, "maximum": 180},
            },
        },
        "contact_details": {"type": "object", "properties": {"email": {"type": "string"}}},
        "telephone": {"type": "string"},
        "starts_at": {"type": "number"},
        "relationships": {
            "type": "array",
            "uniqueItems": True,
            "items": {
                "type": "object",
                "required": ["predicate_url", "object_url"],
                "properties": {"predicate_url": URL, "object_url": URL},
            },
        },
    },
}


def test_profiles_keep_the_schemas_rules_even_at_the_edges(federation, alice):
    from django.utils import translation
    from jsonschema import Draft7Validator

    from cicopa.registry import services
    from cicopa.registry.models import Organisation

    validator = Draft7Validator(PROFILE_RULES)
    org = Organisation.objects.get(slug="menuiserie")
    services.organisation_update(
        actor=alice, organisation=org, data={"name": "Coopérative " + "ébénisterie " * 20, "status": "dissolved"}
    )
    slugs = list(Organisation.objects.values_list("slug", flat=True))
    with translation.override("fr"):
        profiles = {slug: representations.murmurations(queries.organisation_profile(slug)) for slug in slugs}
    for slug, profile in profiles.items():
        errors = sorted(validator.iter_errors(profile), key=str)
        assert not errors, f"{slug}: {[e.message for e in errors]}"
    long_named = profiles["menuiserie"]
    assert len(long_named["name"]) == 200 and long_named["status"] == "completed"
    assert long_named["tags"][0] == "Co-operative"  # English, whatever the language of the request
    assert list(validator.iter_errors({"name": "x" * 201, "linked_schemas": ["organizations_schema-v1.0.0"]}))


def test_export_opendata_command(federation, tmp_path):
    out = io.StringIO()
    call_command("export_data", "opendata", str(tmp_path), stdout=out)
    assert "6 organisations" in out.getvalue()
    doc = json.loads((tmp_path / "murmurations" / "menuiserie.json").read_text())
    assert doc["name"] == "Menuiserie Coopérative de Lyon"
    ld = json.loads((tmp_path / "jsonld" / "menuiserie.json").read_text())
    assert ld["memberOf"][0]["@id"].endswith("/organisations/cg-scop/")
    assert len(json.loads((tmp_path / "index.json").read_text())) == 6
