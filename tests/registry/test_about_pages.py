"""The about page and the privacy notice: public, in every language; their officers, addresses and counts
come from the registry."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client

from cicopa.registry import services
from cicopa.registry.models import OfficeRole


def _text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def officers(federation, alice):
    cicopa = federation["cicopa"]
    services.organisation_update(
        actor=alice,
        organisation=cicopa,
        data={"address": "15, route des Morillons", "postcode": "1218", "city": "Grand-Saconnex", "fax": "+41 22 798"},
    )
    services.office_assign(
        actor=alice,
        organisation=cicopa,
        role=OfficeRole.PRESIDENT,
        person_data={"full_name": "Ana Presidenta", "title": "Federación de Prueba"},
        start=datetime.date(2020, 1, 1),
    )
    president = cicopa.offices.get().person
    # the president also presides over a member organisation: the address that reaches her is its address
    services.organisation_update(actor=alice, organisation=federation["coceta"], data={"address": "Calle Mayor 1"})
    services.office_assign(actor=alice, organisation=federation["coceta"], role=OfficeRole.PRESIDENT, person=president)
    services.office_assign(
        actor=alice,
        organisation=cicopa,
        role=OfficeRole.SECRETARY,
        person_data={"full_name": "Sam Secretary", "email": "sam@example.org"},
        start=datetime.date(2021, 1, 1),
    )
    return federation


@pytest.mark.parametrize("who", [None, "alice", "bob", "charlie", "dave"])
def test_everyone_reads_both_pages(client, officers, who, request):
    if who:
        client.force_login(request.getfixturevalue(who))
    for path in ("/about/", "/privacy/"):
        assert client.get(path).status_code == 200, path


def test_the_about_page_tells_what_the_federation_is(client, officers):
    text = _text(client.get("/about/"))
    assert "International Organisation of Industrial, Artisanal and Service Producers' Co-operatives" in text
    assert "founded in 1947" in text and "foster the creation of national organisations" in text
    assert "education and training, especially at managerial level" in text


def test_the_about_page_takes_its_officers_and_addresses_from_the_registry(client, officers):
    text = _text(client.get("/about/"))
    assert "Ana Presidenta" in text and "Sam Secretary" in text
    president = text[text.index("Ana Presidenta") : text.index("Sam Secretary")]
    assert "Calle Mayor 1" in president and "COCETA" in president  # where she presides too
    secretary = text[text.index("Sam Secretary") :]
    assert "15, route des Morillons" in secretary and "1218 Grand-Saconnex" in secretary  # the secretariat's
    assert "Marian Rybar" not in text  # nobody the registry does not name
    assert re.search(r"Member organisations\s+2\b", text) and re.search(r"Countries\s+2\b", text)


def test_an_officer_whose_term_ended_leaves_the_about_page(client, officers, alice):
    office = officers["cicopa"].offices.get(role=OfficeRole.SECRETARY)
    services.office_end(actor=alice, office=office, end=datetime.date(2022, 1, 1))
    assert "Sam Secretary" not in _text(client.get("/about/"))


def test_the_about_page_without_a_federation_still_tells_what_it_is(client, db):
    response = client.get("/about/")
    assert response.status_code == 200 and "founded in 1947" in _text(response)


def test_the_privacy_notice_says_what_is_published_and_kept_and_whom_to_ask(client, officers, alice):
    text = _text(client.get("/privacy/"))
    for said in ("What is published", "What is kept", "Whom to contact", "audit log", "names of officers"):
        assert said in text, said
    assert "sam@example.org" not in text  # an officer's own e-mail is not published, here either
    services.organisation_update(actor=alice, organisation=officers["cicopa"], data={"email": "privacy@cicopa.test"})
    assert "privacy@cicopa.test" in _text(client.get("/privacy/"))


def test_the_footer_leads_to_both_pages_in_each_language(db):
    for prefix in ("", "/fr", "/es"):
        html = Client().get(f"{prefix}/").content.decode()
        footer = html[html.index('class="site-footer"') :]
        assert f'href="{prefix}/about/"' in footer and f'href="{prefix}/privacy/"' in footer
        assert Client().get(f"{prefix}/about/").status_code == 200
