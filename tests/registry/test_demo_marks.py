"""Demo records say so: on their profile, in the directory's results and in the API."""

from __future__ import annotations

import re

import pytest

from cicopa.registry import demo
from cicopa.registry.models import Organisation

MARK = "Demo record"


@pytest.fixture
def demo_coop(federation):
    demo.generate_cooperatives(1, federations=[federation["cgscop"]])
    return Organisation.objects.get(is_demo=True)


def test_a_demo_profile_says_it_is_one(client, demo_coop):
    html = client.get(demo_coop.get_absolute_url()).content.decode()
    assert MARK in html and "may be invented" in html
    assert MARK not in client.get("/organisations/menuiserie/").content.decode()


def test_demo_results_are_marked_in_the_directory(client, demo_coop):
    html = client.get("/directory/", {"country": "FR"}).content.decode()
    found = re.findall(r'<li class="result-card">(.*?)</li>\s*(?=<li class="result-card">|</ul>)', html, re.S)
    marked = {re.search(r'href="/organisations/([^/]+)/"', card).group(1) for card in found if "badge-demo" in card}
    assert marked == {demo_coop.slug}


def test_the_api_says_which_records_are_demo_records(client, demo_coop):
    listed = {o["slug"]: o["is_demo"] for o in client.get("/api/v1/organisations", {"country": "FR"}).json()["results"]}
    assert listed[demo_coop.slug] is True and listed["menuiserie"] is False
    assert client.get(f"/api/v1/organisations/{demo_coop.slug}").json()["is_demo"] is True
    assert client.get("/api/v1/organisations/menuiserie").json()["is_demo"] is False
