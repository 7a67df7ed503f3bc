"""One list of an organisation's fields (registry.fields) feeds imports, exports, the API and the forms."""

from __future__ import annotations

from cicopa.registry.fields import FIELDS, IMPORT_COLUMNS
from cicopa.registry.models import Organisation

INTERNAL = {"id", "is_demo", "created_at", "updated_at"}  # the platform's own bookkeeping, never written from outside


def test_every_field_people_write_is_in_the_list():
    written = {
        f.attname if f.many_to_one else f.name
        for f in Organisation._meta.get_fields()
        if getattr(f, "editable", False) and getattr(f, "concrete", False) and f.name not in INTERNAL
    } | {"sectors"}
    assert written == {f.attribute for f in FIELDS}


def test_a_download_imports_back_and_the_api_takes_what_it_gives(client, federation, alice):
    import csv
    import io
    import json

    body = b"".join(client.get("/directory/export.csv").streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert set(IMPORT_COLUMNS) - {"identifier"} <= set(rows[0])
    detail = client.get("/api/v1/organisations/menuiserie").json()
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["OrganisationIn"]["properties"]
    assert set(schema) - {"parent"} == {f.name for f in FIELDS} - {"slug"} <= set(detail)
    assert json.loads(json.dumps(detail))["sectors"] == ["construction"]
