"""The organisation form: two people editing the same organisation (the second save never silently undoes the
first), and every problem of a form reported in one round."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from cicopa.core import versions
from cicopa.core.services import api_token_create
from cicopa.registry.models import Organisation


class _Form(HTMLParser):
    """The values a browser would post back from the page's form that carries `editing_from`."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, Any] = {"sectors": []}
        self.inside = ""  # the textarea or select being read
        self.in_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.in_form = a.get("method") == "post" and "edit" in (a.get("action") or "")
        if not self.in_form:
            return
        name = a.get("name") or ""
        if tag == "input" and a.get("type") == "checkbox":
            if "checked" in a:
                self.data[name].append(a["value"])
        elif tag == "input":
            self.data[name] = a.get("value") or ""
        elif tag in ("textarea", "select"):
            self.inside, self.data[name] = name, ""
        elif tag == "option" and "selected" in a:
            self.data[self.inside] = a.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("textarea", "select"):
            self.inside = ""
        if tag == "form":
            self.in_form = False

    def handle_data(self, data: str) -> None:
        if self.inside and self.inside in ("description", "address"):
            self.data[self.inside] += data.strip()


def form_of(html: str) -> dict[str, Any]:
    parser = _Form()
    parser.feed(html)
    return parser.data


def test_the_second_save_is_stopped_shows_what_changed_and_keeps_both_sides(federation, bob, charlie):
    url = "/organisations/menuiserie/edit/"
    first, second = Client(), Client()
    first.force_login(bob)
    second.force_login(charlie)
    bob_form = form_of(first.get(url).content.decode())
    charlie_form = form_of(second.get(url).content.decode())
    assert bob_form["editing_from"] and bob_form["city"] == "Lyon"

    assert first.post(url, {**bob_form, "city": "Villeurbanne", "phone": "+33 4 00 00 00 00"}).status_code == 302
    r = second.post(url, {**charlie_form, "description": "Joinery, carpentry and stairs.", "phone": "+33 4 11"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "Someone else changed this organisation after you opened it" in html
    assert re.search(r"Telephone.*you changed it too", html, re.S)
    assert "Villeurbanne" in html
    org = Organisation.objects.get(slug="menuiserie")
    assert (org.city, org.phone, org.description) == ("Villeurbanne", "+33 4 00 00 00 00", "Joinery and carpentry.")

    # the form now holds their city (untouched by this editor) and this editor's description and phone
    again = form_of(html)
    assert (again["city"], again["description"], again["phone"]) == (
        "Villeurbanne",
        "Joinery, carpentry and stairs.",
        "+33 4 11",
    )
    assert second.post(url, again).status_code == 302
    org.refresh_from_db()
    assert (org.city, org.phone, org.description) == ("Villeurbanne", "+33 4 11", "Joinery, carpentry and stairs.")


def test_a_save_without_anyone_else_in_between_goes_through(federation, charlie, client):
    client.force_login(charlie)
    form = form_of(client.get("/organisations/menuiserie/edit/").content.decode())
    assert client.post("/organisations/menuiserie/edit/", {**form, "city": "Vénissieux"}).status_code == 302
    assert Organisation.objects.get(slug="menuiserie").city == "Vénissieux"


def test_api_patch_with_if_match(federation, charlie, bob, client):
    headers = {"HTTP_AUTHORIZATION": "Bearer " + api_token_create(actor=charlie, user=charlie, name="t")[1]}
    r = client.get("/api/v1/organisations/menuiserie")
    etag = r["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)

    def patch(body, **extra):
        return client.patch(
            "/api/v1/organisations/menuiserie", json.dumps(body), content_type="application/json", **headers, **extra
        )

    r = patch({"city": "Vénissieux"}, HTTP_IF_MATCH=etag)
    assert r.status_code == 200 and r["ETag"] != etag
    newer = r["ETag"]
    r = patch({"city": "Bron"}, HTTP_IF_MATCH=etag)  # the version read before the change above
    assert r.status_code == 412, r.content
    assert "Someone else changed this organisation" in r.json()["detail"] and r["ETag"] == newer
    assert Organisation.objects.get(slug="menuiserie").city == "Vénissieux"
    assert patch({"city": "Bron"}, HTTP_IF_MATCH=f"W/{newer}").status_code == 200
    assert patch({"city": "Lyon"}, HTTP_IF_MATCH="*").status_code == 200
    assert patch({"city": "Lyon"}).status_code == 200  # no If-Match: the last write wins, as before
    r = patch({"city": "Givors"}, HTTP_IF_MATCH="not-quoted")
    assert r.status_code == 422 and "If-Match" in r.json()["detail"]
    assert Organisation.objects.get(slug="menuiserie").city == "Lyon"
    doc = client.get("/api/v1/openapi.json").json()
    assert "412" in doc["paths"]["/api/v1/organisations/{slug}"]["patch"]["responses"]


# Every problem at once

URL = "/organisations/cg-scop/edit/"


def _block(html, name):
    match = re.search(rf'<div class="field[^"]*">(?:(?!<div class="field).)*?name="{name}".*?</div>', html, re.S)
    assert match, name
    return match.group(0)


def test_every_wrong_field_is_reported_at_once_and_nothing_changes(client, federation, bob):
    client.force_login(bob)
    sent = form_of(client.get(URL).content.decode())
    bad = {"email": "not-an-address", "latitude": "200", "longitude": "4", "founded": "3000", "members_count": "-5"}
    html = client.post(URL, {**sent, **bad}).content.decode()
    for name in bad:
        if name == "longitude":
            continue
        assert 'aria-invalid="true"' in _block(html, name), name
    assert 'aria-invalid="true"' not in _block(html, "longitude")
    org = Organisation.objects.get(slug="cg-scop")
    assert (org.email, org.latitude, org.founded, org.members_count) == ("", None, None, None)


def test_the_services_own_checks_come_with_the_forms(client, federation, bob):
    """Latitude without longitude is the service's rule: it is reported beside a bad e-mail, not after it."""
    client.force_login(bob)
    sent = form_of(client.get(URL).content.decode())
    html = client.post(URL, {**sent, "email": "not-an-address", "latitude": "45", "longitude": ""}).content.decode()
    assert 'aria-invalid="true"' in _block(html, "email")
    assert "Give both latitude and longitude, or neither." in html


def test_a_corrected_form_still_saves_with_its_editing_token(client, federation, bob):
    client.force_login(bob)
    sent = form_of(client.get(URL).content.decode())
    html = client.post(URL, {**sent, "email": "bad", "founded": "3000"}).content.decode()
    again = form_of(html)
    # the profile it started from travels on (the token itself is signed anew, with the time)
    assert versions.editing_state(again["editing_from"]) == versions.editing_state(sent["editing_from"])
    r = client.post(URL, {**again, "email": "contact@scop.example", "founded": "1937"})
    assert r.status_code == 302
    org = Organisation.objects.get(slug="cg-scop")
    assert (org.email, org.founded) == ("contact@scop.example", 1937)


@pytest.mark.parametrize(
    ("name", "low", "high"),
    [
        ("latitude", "-90", "90"),
        ("longitude", "-180", "180"),
        ("founded", "1800", "2100"),
        ("counts_year", "1800", "2100"),
        ("members_count", "0", None),
        ("workers_count", "0", None),
    ],
)
def test_the_browser_can_check_ranges_before_sending(client, federation, bob, name, low, high):
    client.force_login(bob)
    html = client.get(URL).content.decode()
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
    assert f'min="{low}"' in tag
    if high:
        assert f'max="{high}"' in tag


def test_the_api_reports_every_problem_at_once(client, federation, alice):
    from cicopa.core.services import api_token_create

    token = api_token_create(actor=alice, user=alice, name="t")
    r = client.patch(
        "/api/v1/organisations/cg-scop",
        data={"name": "", "latitude": 200, "longitude": 4, "founded": 3000},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token if isinstance(token, str) else token[1]}"},
    )
    assert r.status_code == 422, r.content
    detail = r.json()["detail"]
    assert {"name", "latitude", "founded"} <= set(detail), detail
