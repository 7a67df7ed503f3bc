"""Open data: Murmurations profiles validate against the published schema; the export command."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from cicopa.registry import queries, representations

# The published schema is not part of this project: CI points to the reference copy beside it.
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
        if os.environ.get("CI"):
            pytest.fail("the Murmurations reference schema is needed in CI")
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


def test_export_opendata_command(federation, tmp_path):
    out = io.StringIO()
    call_command("export_data", "opendata", str(tmp_path), stdout=out)
    assert "6 organisations" in out.getvalue()
    doc = json.loads((tmp_path / "murmurations" / "menuiserie.json").read_text())
    assert doc["name"] == "Menuiserie Coopérative de Lyon"
    ld = json.loads((tmp_path / "jsonld" / "menuiserie.json").read_text())
    assert ld["memberOf"][0]["@id"].endswith("/organisations/cg-scop/")
    assert len(json.loads((tmp_path / "index.json").read_text())) == 6
