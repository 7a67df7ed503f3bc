"""Every free-text field has a stated limit, held by services whichever way the text comes in."""

from __future__ import annotations

import json

from django.db import models
from django.test.utils import isolate_apps

from cicopa.core.checks import text_fields_have_limits, unbounded_text_fields
from cicopa.core.services import api_token_create
from cicopa.registry.importing import import_organisations
from cicopa.registry.models import Organisation

HUGE = "Joinery " * 2_249 + "Joinery."  # 18,000 characters; the limit is 10,000


def test_the_platform_states_a_limit_for_every_text_field():
    assert text_fields_have_limits(None) == []


@isolate_apps("cicopa.core")
def test_a_text_field_without_a_limit_is_reported():
    class Note(models.Model):  # noqa: DJ008
        body = models.TextField()
        summary = models.TextField(max_length=300)
        generated = models.TextField(editable=False)

        class Meta:
            app_label = "core"

    assert [f.name for f in unbounded_text_fields([Note])] == ["body"]


def test_api_refuses_an_oversized_description_and_changes_nothing(client, federation, charlie):
    token = api_token_create(actor=charlie, user=charlie, name="test")[1]
    r = client.patch(
        "/api/v1/organisations/menuiserie",
        json.dumps({"description": HUGE}),
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer " + token,
    )
    assert r.status_code == 422, r.content
    assert "10,000" in json.dumps(r.json()["detail"]["description"])
    assert Organisation.objects.get(slug="menuiserie").description == "Joinery and carpentry."


def test_edit_page_states_the_limit_and_refuses_past_it(client, federation, charlie):
    client.force_login(charlie)
    page = client.get("/organisations/menuiserie/edit/").content.decode()
    assert 'maxlength="10000"' in page and 'maxlength="500"' in page
    r = client.post("/organisations/menuiserie/edit/", {"name": "Menuiserie", "country": "FR", "description": HUGE})
    assert r.status_code == 200
    assert "at most 10000 characters (it has 18000)" in r.content.decode()  # the form's own check, in Django's words
    assert Organisation.objects.get(slug="menuiserie").description == "Joinery and carpentry."


def test_import_refuses_an_oversized_description_by_row(alice, tmp_path):
    import csv

    path = tmp_path / "long.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["identifier", "name", "kind", "country", "description", "address"])
        w.writerow(["a1", "Fine", "cooperative", "FR", "Short.", ""])
        w.writerow(["a2", "Too long", "cooperative", "FR", HUGE, "x" * 501])
    with path.open("rb") as f:
        report = import_organisations(actor=alice, stream=f, filename=path.name, fmt="cicopa")
    assert not report.ok
    assert [(e.row, e.column) for e in report.errors] == [(3, "description"), (3, "address")]
    assert "at most 10,000 characters (this one has 18,000)" in report.errors[0].message
    assert Organisation.objects.count() == 0
