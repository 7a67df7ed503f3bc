"""Who writes through the API: a valid token's owner, or the browser's logged-in user with its CSRF token;
nobody else, and never the session's user on a request that carries an Authorization header."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from cicopa.core.models import AuditEntry
from cicopa.core.services import api_token_create
from cicopa.registry.models import Organisation

URL = "/api/v1/organisations/menuiserie"
BODY = json.dumps({"city": "Villeurbanne"})


def csrf_client(user=None) -> tuple[Client, str]:
    """A client that enforces CSRF as a browser meets it, with or without a session, and the CSRF token
    a page of the platform gave it."""
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    client.get("/accounts/login/")
    return client, client.cookies["csrftoken"].value


def token(user) -> str:
    return api_token_create(actor=user, user=user, name="test")[1]


AUTHORIZATION = {
    "none": None,
    "empty": lambda key: "",
    "bogus bearer": lambda key: "Bearer bogus",
    "basic": lambda key: "Basic Y2hhcmxpZTpjaGFybGllLXBhc3N3b3JkLTE=",  # charlie's right password
    "valid bearer": lambda key: "Bearer " + key,
}
EXPECTED = {  # (session, authorization, CSRF token) -> status
    **{(False, a, c): 401 for a in AUTHORIZATION for c in (True, False)},
    **{(True, a, c): 401 for a in AUTHORIZATION for c in (True, False)},
    **{(s, "valid bearer", c): 200 for s in (True, False) for c in (True, False)},
    (True, "none", True): 200,
    (True, "none", False): 403,
}


@pytest.mark.parametrize(("session", "authorization", "with_csrf"), sorted(EXPECTED))
def test_who_may_write(federation, charlie, session, authorization, with_csrf):
    client, csrf = csrf_client(charlie if session else None)
    headers = {}
    if AUTHORIZATION[authorization] is not None:
        headers["HTTP_AUTHORIZATION"] = AUTHORIZATION[authorization](token(charlie))
    if with_csrf:
        headers["HTTP_X_CSRFTOKEN"] = csrf
    r = client.patch(URL, BODY, content_type="application/json", **headers)
    expected = EXPECTED[(session, authorization, with_csrf)]
    assert r.status_code == expected, r.content
    changed = AuditEntry.objects.filter(action="registry.organisation.update").exists()
    if expected == 200:
        assert r.json()["city"] == "Villeurbanne" and changed
        return
    assert "detail" in r.json()
    assert Organisation.objects.get(slug="menuiserie").city == "Lyon" and not changed
    if expected == 401:
        assert "Authorization: Bearer" in r.json()["detail"] and r["WWW-Authenticate"] == "Bearer"
    else:
        assert "CSRF" in r.json()["detail"]


def test_a_token_acts_as_its_owner_whoever_is_logged_in(federation, charlie, dave):
    client, csrf = csrf_client(dave)  # logged in without any right on the co-operative
    r = client.patch(
        URL, BODY, content_type="application/json", HTTP_AUTHORIZATION="Bearer " + token(charlie), HTTP_X_CSRFTOKEN=csrf
    )
    assert r.status_code == 200
    assert AuditEntry.objects.get(action="registry.organisation.update").actor == charlie

    client, csrf = csrf_client(charlie)  # the editor's session does not lend its rights to dave's token
    body = json.dumps({"city": "Lyon"})
    r = client.patch(
        URL, body, content_type="application/json", HTTP_AUTHORIZATION="Bearer " + token(dave), HTTP_X_CSRFTOKEN=csrf
    )
    assert r.status_code == 403
    assert Organisation.objects.get(slug="menuiserie").city == "Villeurbanne"


def test_a_session_without_a_login_is_no_one(federation, charlie):
    """A visitor's session (made by the language switcher, say) with its CSRF token is not a login."""
    client, csrf = csrf_client()
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"}, HTTP_X_CSRFTOKEN=csrf)
    r = client.patch(URL, BODY, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert r.status_code == 401
    assert Organisation.objects.get(slug="menuiserie").city == "Lyon"


def test_a_read_that_needs_its_reader_ignores_the_session_under_a_wrong_token(federation, alice):
    """Reads that depend on the reader (a statistical return) follow the same rule as writes."""
    client, _csrf = csrf_client(alice)
    assert client.get("/api/v1/statistics/returns/999999").status_code == 404  # the session, as alice
    r = client.get("/api/v1/statistics/returns/999999", HTTP_AUTHORIZATION="Bearer bogus")
    assert r.status_code == 401
