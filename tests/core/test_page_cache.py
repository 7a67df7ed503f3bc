"""The page cache (core/pagecache.py): public pages cached for anonymous readers reach no one else (no one
logged in, no one with a session or messages, no reader of another language or of another htmx variant), hold
no reader's CSRF token, and are never served after a write, in this process or from another one.

A page served from the cache makes exactly one query: the generation of the public data."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cicopa.core import audit, pagecache
from cicopa.registry import services
from cicopa.registry.importing import import_organisations
from cicopa.registry.models import Organisation

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
MAP_ID = re.compile(rb"worldmap-[0-9a-f]+")  # each map drawn gets an id of its own
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def get(client, url, **extra):
    """The response, and how many queries it made (1: from the cache)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return response, len(queries)


def without_tokens(content: bytes) -> bytes:
    """A page without what differs each time it is made (its reader's CSRF token, its maps' ids)."""
    return MAP_ID.sub(b"MAP", TOKEN.sub(b"TOKEN", content))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(params=["local", "redis"])
def page_cache(request, settings):
    """Each test with the pages where the settings keep them by default (files), and again in a Redis server
    (if there is one)."""
    if request.param == "redis":
        server = shutil.which("redis-server")
        if server is None:
            pytest.skip("redis-server is not installed (apt-get install redis-server)")
        pytest.importorskip("redis")
        port = free_port()
        proc = subprocess.Popen(
            [server, "--port", str(port), "--bind", "127.0.0.1", "--save", ""], stdout=subprocess.DEVNULL
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        settings.CACHES = {
            **settings.CACHES,
            "pages": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{port}/0",
            },
        }
        yield request.param
        proc.terminate()
        proc.wait()
    else:
        yield request.param


def test_a_cache_out_of_order_costs_its_pages_not_the_site(client, federation, settings, caplog):
    pytest.importorskip("redis")
    nowhere = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": nowhere},
    }
    for _ in range(2):
        assert b"Menuiserie" in get(Client(), "/organisations/menuiserie/")[0].content
    assert "The page cache cannot be read" in caplog.text


def test_an_anonymous_page_is_served_from_the_cache(client, federation, page_cache):
    for url in ("/organisations/menuiserie/", "/?q=joinery", "/statistics/", "/api/v1/organisations?q=joinery"):
        first, made = get(client, url)
        again, from_cache = get(Client(), url)
        assert made > 1 and from_cache == 1, url
        assert without_tokens(again.content) == without_tokens(first.content)
        assert again["Content-Type"] == first["Content-Type"]
        assert again["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_a_logged_in_reader_gets_a_page_of_their_own(client, federation, charlie, page_cache):
    url = "/organisations/menuiserie/"
    anonymous, _ = get(client, url)
    assert b"charlie" not in anonymous.content and b"/edit/" not in anonymous.content
    own = Client()
    own.force_login(charlie)
    page, made = get(own, url)
    assert made > 1
    assert b"(charlie)" in page.content and b"/organisations/menuiserie/edit/" in page.content
    # and the other way round: a logged-in reader's page is never kept for anyone
    caches["pages"].clear()
    get(own, url)
    page, made = get(Client(), url)
    assert made > 1 and b"charlie" not in page.content


def test_a_session_messages_or_credentials_keep_a_request_out_of_the_cache(client, federation, settings, page_cache):
    url = "/organisations/menuiserie/"
    get(client, url)
    for cookie in (settings.SESSION_COOKIE_NAME, "messages"):
        other = Client()
        other.cookies[cookie] = "anything"
        assert get(other, url)[1] > 1, cookie
    assert get(Client(), "/api/v1/organisations/menuiserie")[1] > 1
    assert get(Client(), "/api/v1/organisations/menuiserie", HTTP_AUTHORIZATION="Bearer cic_whatever")[1] > 1
    assert get(Client(), url)[1] == 1


def test_a_reader_of_another_language_gets_a_page_in_their_language(client, federation, settings, page_cache):
    english, _ = get(client, "/organisations/menuiserie/")
    assert b'lang="en"' in english.content
    french, made = get(Client(), "/fr/organisations/menuiserie/")
    assert made > 1 and b'lang="fr"' in french.content
    assert get(Client(), "/fr/organisations/menuiserie/")[1] == 1
    # Whatever decides the language (the address's prefix; the platform leaves its other pages and the API in
    # English, whatever the browser or the language cookie asks), a cached answer is the one the reader would
    # get without the cache.
    readers = [
        ("/organisations/menuiserie/", {"HTTP_ACCEPT_LANGUAGE": "fr"}, None),
        ("/organisations/menuiserie/", {}, "es"),
        ("/es/organisations/menuiserie/", {"HTTP_ACCEPT_LANGUAGE": "fr"}, "fr"),
        ("/api/v1/sectors", {"HTTP_ACCEPT_LANGUAGE": "fr"}, None),
        ("/api/v1/sectors", {}, "es"),
        ("/api/v1/sectors", {}, None),
    ]
    for url, headers, cookie in readers:
        get(Client(), url)  # an English reader's first
        reader = Client()
        if cookie:
            reader.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
        cached = get(reader, url, **headers)[0]
        settings.CICOPA_PAGE_CACHE_SECONDS = 0
        fresh = get(reader, url, **headers)[0]
        settings.CICOPA_PAGE_CACHE_SECONDS = 600
        assert without_tokens(cached.content) == without_tokens(fresh.content), (url, headers, cookie)
        assert cached.get("Content-Language") == fresh.get("Content-Language")
    assert b'lang="es"' in get(Client(), "/es/organisations/menuiserie/", HTTP_ACCEPT_LANGUAGE="fr")[0].content


def test_htmx_fragments_and_whole_pages_are_kept_apart(client, federation, page_cache):
    url = "/?q=joinery"
    whole, _ = get(client, url)
    fragment, made = get(Client(), url, HTTP_HX_REQUEST="true")
    assert made > 1 and b"<html" in whole.content and b"<html" not in fragment.content
    assert "HX-Request" in fragment["Vary"] and "HX-Request" in whole["Vary"]
    restored, made = get(Client(), url, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert made > 1 and b"<html" in restored.content
    boosted, made = get(Client(), url, HTTP_HX_REQUEST="true", HTTP_HX_BOOSTED="true")
    assert made > 1 and b'id="facets"' in fragment.content and b'id="facets"' not in boosted.content
    assert b"<html" not in get(Client(), url, HTTP_HX_REQUEST="true")[0].content
    assert b"<html" in get(Client(), url)[0].content


def test_a_cached_page_carries_its_own_readers_csrf_token(client, federation, page_cache):
    url = "/organisations/menuiserie/"
    get(client, url)
    tokens = []
    for _ in range(2):
        reader = Client(enforce_csrf_checks=True)
        page, made = get(reader, url)
        assert made == 1
        assert pagecache._placeholder().encode() not in page.content
        (token,) = TOKEN.findall(page.content)
        tokens.append(token)
        # the language form works from the cached page, with the cookie its answer set
        switched = reader.post("/i18n/setlang/", {"language": "fr", "next": url, "csrfmiddlewaretoken": token.decode()})
        assert switched.status_code == 302 and switched["Location"] == "/fr/organisations/menuiserie/"
    assert tokens[0] != tokens[1]
    # and a reader who has a CSRF cookie already gets a token for it
    page, made = get(reader, url)
    assert made == 1
    (token,) = TOKEN.findall(page.content)
    assert (
        reader.post(
            "/i18n/setlang/", {"language": "es", "next": url, "csrfmiddlewaretoken": token.decode()}
        ).status_code
        == 302
    )


@pytest.mark.parametrize("url", ["/organisations/menuiserie/", "/api/v1/organisations?q=joinery", "/statistics/"])
def test_head_and_get_agree_whichever_comes_first(client, federation, url):
    head = client.head(url)
    get_after, from_cache = get(Client(), url)
    assert from_cache == 1 and head.content == b""
    assert head["Content-Length"] == str(len(get_after.content)) == get_after["Content-Length"]
    assert head["Content-Type"] == get_after["Content-Type"]
    caches["pages"].clear()
    get_first, _ = get(client, url)
    with CaptureQueriesContext(connection) as queries:
        head = Client().head(url)
    assert len(queries) == 1 and head.status_code == 200 and head.content == b""
    assert head["Content-Length"] == str(len(get_first.content))


def test_a_write_through_a_service_makes_the_next_read_fresh(client, federation, alice, page_cache):
    urls = ["/organisations/menuiserie/", "/?q=menuiserie", "/api/v1/organisations/menuiserie", "/members/"]
    for url in urls:
        get(client, url)
        assert get(Client(), url)[1] == 1
    org = Organisation.objects.get(slug="menuiserie")
    services.organisation_update(actor=alice, organisation=org, data={"name": "Menuiserie Nouvelle"})
    for url in urls[:3]:
        page, made = get(Client(), url)
        assert made > 1 and "Menuiserie Nouvelle" in page.content.decode(), url
    assert get(Client(), urls[3])[1] > 1  # every page: any write may show anywhere


def test_an_import_makes_the_next_read_fresh(client, federation, alice, page_cache):
    url = "/api/v1/organisations?page_size=100"
    before = json.loads(get(client, url)[0].content)["count"]
    assert get(Client(), url)[1] == 1
    with (FIXTURES / "cicopa-organisations.csv").open("rb") as f:
        report = import_organisations(actor=alice, stream=f, filename="cicopa-organisations.csv", fmt="cicopa")
    assert report.ok and report.created
    page, made = get(Client(), url)
    assert made > 1 and json.loads(page.content)["count"] == before + report.created


def generation_row() -> int:
    from cicopa.core.models import PageGeneration

    return PageGeneration.objects.get(pk=1).value


@pytest.fixture
def committed(transactional_db):
    """Writes that commit, as in production. The tables are emptied after such a test: the reference data that
    migrations load (countries, ...) is put back first if an earlier one left them empty."""
    from reference import restore_reference_data

    restore_reference_data()


def test_the_generation_changes_once_a_write_commits_and_not_for_a_rollback(committed, alice):
    from cicopa.core.models import PageGeneration

    PageGeneration.objects.update_or_create(pk=1, defaults={"value": 1})
    from cicopa.core.models import Country

    org = services.organisation_create(actor=alice, data={"name": "Atelier", "country": Country.objects.get(iso2="FR")})
    after_create = generation_row()
    assert after_create != 1
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(actor=alice, action="registry.organisation.touch", obj=org)
        raise RuntimeError
    assert generation_row() == after_create
    # a write in a savepoint that is rolled back, then one that stays: the commit still bumps
    with transaction.atomic():
        try:
            with transaction.atomic():
                audit.record(actor=alice, action="registry.organisation.touch", obj=org)
                raise RuntimeError
        except RuntimeError:
            pass
        before = generation_row()
        audit.record(actor=alice, action="registry.organisation.touch", obj=org)
        audit.record(actor=alice, action="registry.organisation.touch", obj=org)
        assert generation_row() == before  # not before the commit
        assert pagecache.generation() != str(before)  # but this transaction's own reads see it
    assert generation_row() != before
    assert pagecache.generation() == str(generation_row())


def test_a_committed_write_makes_the_next_read_fresh(committed, client, alice):
    from cicopa.core.models import Country

    org = services.organisation_create(
        actor=alice, data={"name": "Atelier Bleu", "country": Country.objects.get(iso2="FR"), "slug": "atelier"}
    )
    get(client, "/organisations/atelier/")
    assert get(Client(), "/organisations/atelier/")[1] == 1
    services.organisation_update(actor=alice, organisation=org, data={"name": "Atelier Rouge"})
    page, made = get(Client(), "/organisations/atelier/")
    assert made > 1 and "Atelier Rouge" in page.content.decode()


def run_cicopa(env, *args, **kw):
    return subprocess.run(
        [str(Path(sys.executable).with_name("cicopa")), *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        **kw,
    )


def test_a_write_in_another_process_makes_the_next_read_fresh_in_a_gunicorn_worker(tmp_path):
    """Production's shape: a gunicorn worker caches a page in its own memory; a write through a service in
    another process (`cicopa shell`) commits; the worker's next answer is fresh. And between them, a change
    made past the services (plain SQL, which bumps nothing) shows that the worker did serve from its cache."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CICOPA_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        CICOPA_DATA_DIR=str(tmp_path),
        CICOPA_SECRET_KEY="test-only-secret-key-for-the-worker-0123456789abcdef",
        CICOPA_ALLOWED_HOSTS="127.0.0.1",
        CICOPA_SSL_REDIRECT="false",
        CICOPA_SECURE_COOKIES="false",
    )
    run_cicopa(env, "migrate", "-v0")
    create = (
        "from django.contrib.auth import get_user_model\n"
        "from cicopa.core.models import Country\n"
        "from cicopa.registry import services\n"
        "alice = get_user_model().objects.create_user('alice', 'a@example.org', 'alice-password-1', is_staff=True)\n"
        "data = {'name': 'Atelier Bleu', 'country': Country.objects.get(iso2='FR'), 'slug': 'atelier'}\n"
        "services.organisation_create(actor=alice, data=data)\n"
    )
    run_cicopa(env, "shell", "-c", create)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}", "cicopa.wsgi:application"],
        env=env | {"DJANGO_SETTINGS_MODULE": "cicopa.settings"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/api/v1/organisations/atelier"

    def name() -> str:
        with urllib.request.urlopen(url, timeout=30) as response:
            return json.loads(response.read())["name"]

    try:
        for _ in range(200):
            try:
                first = name()
                break
            except OSError:
                time.sleep(0.1)
        assert first == "Atelier Bleu"
        with sqlite3.connect(tmp_path / "cicopa.sqlite3") as db:
            db.execute("UPDATE registry_organisation SET name = 'Atelier Vert' WHERE slug = 'atelier'")
        assert name() == "Atelier Bleu"  # from the worker's cache: nothing told it
        update = (
            "from django.contrib.auth import get_user_model\n"
            "from cicopa.registry import services\n"
            "from cicopa.registry.models import Organisation\n"
            "alice = get_user_model().objects.get(username='alice')\n"
            "org = Organisation.objects.get(slug='atelier')\n"
            "services.organisation_update(actor=alice, organisation=org, data={'name': 'Atelier Rouge'})\n"
        )
        run_cicopa(env, "shell", "-c", update)
        assert name() == "Atelier Rouge"
    finally:
        server.terminate()
        server.wait(30)
