"""Open data: Murmurations profiles validate against the published schema; the export command."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from cicopa.registry import queries, representations

# The published schema (MurmurationsNetwork/MurmurationsLibrary, GPL-3.0) is not part of this project, which
# copies no one's files: profiles are checked against it where a copy is found (see the README, "The
# Murmurations reference check"), and everywhere against PROFILE_RULES below.
PROJECT = Path(__file__).resolve().parents[2]
SCHEMA_DIRS = [Path(d) for d in (os.environ.get("CICOPA_MURMURATIONS_DIR"),) if d] + [
    PROJECT.parent / "MurmurationsLibrary",  # a clone of the library beside the project, as the README says
    PROJECT.parent / "shared" / "standards" / "murmurations",  # the project's shared folder, beside it in CI
]
HOW_TO_GET_IT = (
    "the Murmurations reference schema is not beside this project: see the README, 'The Murmurations reference "
    "check', to clone it there (the profiles were still checked against the schema's rules, PROFILE_RULES)"
)


def schema_dir(candidates: list[Path]) -> Path | None:
    return next((d for d in candidates if (d / "schemas" / "organizations_schema-v1.0.0.json").is_file()), None)


def _validator(candidates: list[Path] | None = None):
    from jsonschema import Draft7Validator
    from referencing import Registry
    from referencing.jsonschema import DRAFT7

    base = schema_dir(SCHEMA_DIRS if candidates is None else candidates)
    if base is None:
        if os.environ.get("CI"):  # CI has the schema beside the project: its absence is a broken set-up
            pytest.fail(HOW_TO_GET_IT)
        pytest.skip(HOW_TO_GET_IT)  # named in every run's summary (-rs in pyproject.toml)
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


def test_without_the_reference_schema_the_check_says_how_to_get_it_and_fails_in_ci(tmp_path, monkeypatch):
    """A fresh clone has no copy of the schema (it may not be copied into the project): the reference check
    then says where to put one, and in CI, where the schema is always beside the project, it fails."""
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception) as skipped:
        _validator(candidates=[tmp_path])
    assert "README" in str(skipped.value) and "Murmurations reference check" in str(skipped.value)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        _validator(candidates=[tmp_path])


def test_the_reference_schema_is_found_in_a_clone_of_the_library_beside_the_project(tmp_path):
    library = tmp_path / "MurmurationsLibrary"  # where the README says to clone it
    (library / "schemas").mkdir(parents=True)
    (library / "fields").mkdir()
    (library / "schemas" / "organizations_schema-v1.0.0.json").write_text('{"type": "object"}')
    assert schema_dir([tmp_path / "nowhere", library]) == library
    assert str(PROJECT.parent / "MurmurationsLibrary") in [str(c) for c in SCHEMA_DIRS]
