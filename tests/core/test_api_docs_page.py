"""The API's documentation leads back to the site, in the reader's language."""

from __future__ import annotations

import re

from django.conf import settings


def _links(html):
    found = re.findall(r'<a [^>]*?href="([^"]*)"[^>]*>(.*?)</a>', html, re.S)
    return {re.sub(r"<[^>]+>", "", text).strip(): href for href, text in found}


def test_the_api_docs_lead_back_to_the_site(client, db):
    links = _links(client.get("/api/v1/docs").content.decode())
    assert links["CICOPA"] == links["Directory"] == "/directory/"
    assert links["Statistics"] == "/statistics/"


def test_the_way_back_is_in_the_readers_language(client, db):
    # The docs' address has no language prefix: the language chosen on the site (its cookie) is the reader's.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = client.get("/api/v1/docs").content.decode()
    links = _links(html)
    assert links["CICOPA"] == "/fr/directory/" and links["Statistiques"] == "/fr/statistics/"
    assert '<header class="docs-header" lang="fr">' in html


def test_a_browser_in_spanish_is_led_back_in_spanish(client, db):
    html = client.get("/api/v1/docs", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert _links(html)["CICOPA"] == "/es/directory/"
