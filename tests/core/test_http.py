"""HTTP as clients and servers expect it: HEAD, bodies over the limit, and what a refusal leaves in the log."""

from __future__ import annotations

import io
import json
import logging
from contextlib import contextmanager

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory

from cicopa.core.services import api_token_create
from cicopa.registry.models import Organisation

GETS = [
    "/",
    "/organisations/menuiserie/",
    "/statistics/",
    "/healthz",
    "/directory/export.csv",
    "/api/v1/organisations",
    "/api/v1/organisations/menuiserie",
    "/api/v1/openapi.json",
    "/api/v1/docs",
]


@pytest.mark.parametrize("url", GETS)
def test_head_is_answered_as_get_without_a_body(client, federation, url):
    get, head = client.get(url), client.head(url)
    assert get.status_code == head.status_code == 200
    assert head["Content-Type"] == get["Content-Type"]
    if not get.streaming:
        assert head["Content-Length"] == str(len(get.content))
    # through the whole stack, not the test client (which leaves a HEAD's body out itself)
    chunks: list[bytes] = []
    body = WSGIHandler()(RequestFactory().head(url).environ, lambda status, headers: chunks.append)
    assert b"".join(body) == b""


def test_head_where_only_writes_are_is_still_a_405(client, db):
    r = client.head("/i18n/setlang/")
    assert r.status_code == 405 and r["Allow"] == "POST"


def test_a_body_over_the_limit_is_a_400_in_json_that_states_the_limit(client, federation, alice, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    key = api_token_create(actor=alice, user=alice, name="test")[1]
    body = json.dumps({"description": "x" * 2000})
    r = client.patch(
        "/api/v1/organisations/menuiserie", body, content_type="application/json", HTTP_AUTHORIZATION="Bearer " + key
    )
    assert r.status_code == 400 and r["Content-Type"].startswith("application/json")
    assert "1000" in r.json()["detail"] and "bytes" in r.json()["detail"]
    assert Organisation.objects.get(slug="menuiserie").description == "Joinery and carpentry."
    # just under the limit, the same write goes through
    body = json.dumps({"description": "x" * 900})
    r = client.patch(
        "/api/v1/organisations/menuiserie", body, content_type="application/json", HTTP_AUTHORIZATION="Bearer " + key
    )
    assert r.status_code == 200


@contextmanager
def server_log():
    """What the server's own log handlers write (not pytest's), while the block runs."""
    out = io.StringIO()
    handlers: set[logging.StreamHandler] = set()
    logger: logging.Logger | None = logging.getLogger("django.request")
    while logger is not None:
        handlers.update(h for h in logger.handlers if type(h) is logging.StreamHandler)
        logger = logger.parent if logger.propagate else None
    streams = {handler: handler.setStream(out) for handler in handlers}
    try:
        yield out
    finally:
        for handler, stream in streams.items():
            handler.setStream(stream)


@pytest.mark.parametrize("debug", [False, True])
def test_a_403_is_logged_once_in_one_line(client, federation, dave, settings, debug):
    settings.DEBUG = debug
    client.force_login(dave)
    key = api_token_create(actor=dave, user=dave, name="test")[1]
    with server_log() as log:
        assert client.get("/organisations/menuiserie/edit/").status_code == 403
    assert log.getvalue().splitlines() == ["Forbidden (Permission denied): /organisations/menuiserie/edit/"]
    token = {"HTTP_AUTHORIZATION": "Bearer " + key}
    with server_log() as log:
        r = client.patch("/api/v1/organisations/menuiserie", "{}", content_type="application/json", **token)
        assert r.status_code == 403
    assert log.getvalue().splitlines() == ["Forbidden: /api/v1/organisations/menuiserie"]
