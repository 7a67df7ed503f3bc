"""Every response carries a strict Content-Security-Policy, and no template needs it relaxed: nothing inline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import cicopa

TEMPLATES = sorted(Path(cicopa.__file__).parent.glob("**/templates/**/*.html"))
INLINE = {
    "script element without src": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(ld\+)?json\")", re.I),
    "style element": re.compile(r"<style[\s>]", re.I),
    "style attribute": re.compile(r"\sstyle=", re.I),
    "event handler attribute": re.compile(r"\son[a-z]+=", re.I),
    "javascript: address": re.compile(r"javascript:", re.I),
}


PAGES = ["/", "/organisations/menuiserie/", "/statistics/", "/api/v1/docs", "/api/v1/countries"]


@pytest.mark.parametrize("url", PAGES)
def test_every_response_has_the_policy(client, federation, url):
    r = client.get(url)
    assert r.status_code == 200
    policy = dict(d.strip().split(" ", 1) for d in r["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == policy["script-src"] == policy["style-src"] == "'self'"
    assert policy["object-src"] == policy["frame-ancestors"] == "'none'"
    assert policy["img-src"] == "'self' data:" and policy["form-action"] == policy["base-uri"] == "'self'"


def test_debug_error_pages_keep_their_inline_styles(client, db, settings):
    settings.DEBUG = True
    r = client.get("/no-such-page/")
    assert r.status_code == 404 and "Content-Security-Policy" not in r


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p).split("/cicopa/", 1)[1])
def test_no_template_has_anything_inline(template):
    text = template.read_text(encoding="utf-8")
    found = {name: pattern.search(text) for name, pattern in INLINE.items()}
    assert not any(found.values()), {name: m.group(0) for name, m in found.items() if m}
