"""An organisation's subdivision of its country (ISO 3166-2): checked by the services whichever way it comes (page,
API, back office), audited, shown in the reader's language, filtered and counted in the directory."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest

from cicopa.core import subdivisions
from cicopa.core.errors import PermissionDenied, ValidationError
from cicopa.core.models import AuditEntry, Country
from cicopa.registry import history, representations, services
from cicopa.registry.models import Organisation


def reload(slug: str) -> Organisation:
    return Organisation.objects.get(slug=slug)


# --- the services: every way in is checked the same


def test_a_subdivision_of_the_country_is_kept_as_iso_writes_it(federation, alice):
    org = services.organisation_update(
        actor=alice, organisation=federation["menuiserie"], data={"subdivision": "fr-ara"}
    )
    assert reload("menuiserie").subdivision == org.subdivision == "FR-ARA"
    entry = AuditEntry.objects.filter(action="registry.organisation.update").latest("id")
    assert entry.changes == {"subdivision": ["", "FR-ARA"]}


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("ES-AN", "Andalucía (ES-AN) is in Spain, not in France: choose a subdivision of France, or none."),
        ("FR-XXX", "Unknown subdivision FR-XXX: give the ISO 3166-2 code of a subdivision of France, such as"),
        ("Lyon", "Unknown subdivision LYON: give the ISO 3166-2 code"),
        ("x" * 300, "Unknown subdivision XXXXXX…: give"),
    ],
)
def test_a_subdivision_that_is_not_of_the_country_is_refused_and_changes_nothing(federation, alice, code, message):
    with pytest.raises(ValidationError) as caught:
        services.organisation_update(
            actor=alice, organisation=federation["menuiserie"], data={"subdivision": code, "city": "Dijon"}
        )
    assert caught.value.message_dict["subdivision"][0].startswith(message)
    assert (reload("menuiserie").subdivision, reload("menuiserie").city) == ("", "Lyon")


def test_a_subdivision_needs_a_country(federation, alice):
    with pytest.raises(ValidationError) as caught:
        services.organisation_create(actor=alice, data={"name": "Nowhere", "subdivision": "FR-ARA"})
    assert caught.value.message_dict == {
        "subdivision": ["A subdivision is part of a country: choose the country first."]
    }


def test_a_country_with_no_subdivisions_says_so(federation, alice):
    none = next(c for c in Country.objects.order_by("iso2") if not subdivisions.has_subdivisions(c.iso2))
    with pytest.raises(ValidationError) as caught:
        services.organisation_create(actor=alice, data={"name": "Tiny", "country": none, "subdivision": "XX-1"})
    assert caught.value.message_dict["subdivision"] == [
        f"Unknown subdivision XX-1: ISO 3166-2 lists no subdivisions of {none.name}; leave this empty."
    ]


def test_messages_are_in_the_readers_language(federation, alice):
    from django.utils import translation

    with translation.override("fr"), pytest.raises(ValidationError) as caught:
        services.organisation_update(actor=alice, organisation=federation["menuiserie"], data={"subdivision": "DE-BY"})
    message = caught.value.message_dict["subdivision"][0]
    assert "Bavière" in message and "Allemagne" in message  # the names, in French whatever the sentence's state


def test_a_change_of_country_that_leaves_the_subdivision_out_clears_it(federation, alice):
    services.organisation_update(actor=alice, organisation=federation["menuiserie"], data={"subdivision": "FR-ARA"})
    spain = Country.objects.get(iso2="ES")
    services.organisation_update(actor=alice, organisation=reload("menuiserie"), data={"country": spain})
    org = reload("menuiserie")
    assert (org.country_id, org.subdivision) == ("ES", "")
    entry = AuditEntry.objects.filter(action="registry.organisation.update").latest("id")
    assert entry.changes["subdivision"] == ["FR-ARA", ""]  # said in the history: nothing goes unseen


def test_a_change_of_country_with_a_subdivision_of_the_old_one_is_an_error(federation, alice):
    services.organisation_update(actor=alice, organisation=federation["menuiserie"], data={"subdivision": "FR-ARA"})
    spain = Country.objects.get(iso2="ES")
    with pytest.raises(ValidationError) as caught:
        services.organisation_update(
            actor=alice, organisation=reload("menuiserie"), data={"country": spain, "subdivision": "FR-ARA"}
        )
    assert "is in France, not in Spain" in caught.value.message_dict["subdivision"][0]
    assert reload("menuiserie").country_id == "FR"
    services.organisation_update(
        actor=alice, organisation=reload("menuiserie"), data={"country": spain, "subdivision": "ES-AL"}
    )
    assert reload("menuiserie").subdivision == "ES-AL"


def test_the_check_of_a_form_reports_it_beside_the_rest(federation, bob):
    with pytest.raises(ValidationError) as caught:
        services.organisation_check(
            actor=bob, organisation=federation["menuiserie"], data={"subdivision": "ES-AN", "name": ""}
        )
    assert set(caught.value.message_dict) == {"subdivision", "name"}


@pytest.mark.parametrize(("user", "allowed"), [("alice", True), ("bob", True), ("charlie", True), ("dave", False)])
def test_who_may_set_it_is_who_may_edit_the_profile(federation, request, user, allowed):
    actor = request.getfixturevalue(user)
    if allowed:
        services.organisation_update(actor=actor, organisation=federation["menuiserie"], data={"subdivision": "FR-ARA"})
        assert reload("menuiserie").subdivision == "FR-ARA"
    else:
        with pytest.raises(PermissionDenied):
            services.organisation_update(
                actor=actor, organisation=federation["menuiserie"], data={"subdivision": "FR-ARA"}
            )
        assert reload("menuiserie").subdivision == ""


def test_charlie_may_not_set_it_on_an_organisation_he_does_not_edit(federation, charlie):
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=charlie, organisation=federation["taxi"], data={"subdivision": "ES-M"})


def test_the_history_names_it_in_the_readers_language(federation, alice):
    from django.utils import translation

    services.organisation_update(actor=alice, organisation=federation["menuiserie"], data={"subdivision": "FR-ARA"})
    services.organisation_update(
        actor=alice, organisation=reload("menuiserie"), data={"country": Country.objects.get(iso2="DE")}
    )
    services.organisation_update(actor=alice, organisation=reload("menuiserie"), data={"subdivision": "DE-BY"})
    with translation.override("fr"):
        rows = [c for e in history.organisation_history(reload("menuiserie")) for c in e.changes]
    assert any(c.label == "subdivision" and c.new == "Bavière" for c in rows)
    assert any(c.old == "Auvergne-Rhône-Alpes" and c.new == "" for c in rows)


# --- pages


class _Form(HTMLParser):
    """The values a browser posts back from the organisation form, and the subdivision select's options."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, Any] = {"sectors": []}
        self.options: list[tuple[str, bool]] = []
        self.select = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name") or ""
        if tag == "input" and a.get("type") == "checkbox":
            if "checked" in a:
                self.data.setdefault(name, []).append(a["value"])
        elif tag == "input" and name:
            self.data[name] = a.get("value") or ""
        elif tag in ("textarea", "select"):
            self.select, self.data[name] = name, ""
        elif tag == "option":
            if "selected" in a:
                self.data[self.select] = a.get("value") or ""
            if self.select == "subdivision":
                self.options.append((a.get("value") or "", "selected" in a))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("textarea", "select"):
            self.select = ""


def form_of(html: str) -> _Form:
    parser = _Form()
    parser.feed(html)
    return parser


def test_the_edit_form_offers_the_countrys_subdivisions_and_follows_the_country(client, federation, charlie):
    client.force_login(charlie)
    html = client.get("/fr/organisations/menuiserie/edit/").content.decode()
    form = form_of(html)
    codes = [code for code, _selected in form.options]
    assert codes[0] == "" and "FR-ARA" in codes and "ES-AN" not in codes
    assert ">Auvergne-Rhône-Alpes</option>" in html
    assert 'hx-get="/fr/subdivisions/field/"' in html and 'hx-target="#subdivision-field"' in html
    # the country changes: the select asks for the new country's, in the reader's language
    fragment = client.get("/fr/subdivisions/field/", {"country": "ES", "subdivision": "FR-ARA"}).content.decode()
    assert '<div id="subdivision-field"' in fragment
    assert ">Almeria (Andalousie)</option>" in fragment  # as pycountry's French catalogue names them
    assert "FR-ARA" not in fragment  # the old country's subdivision is not kept for the new one
    kept = client.get("/subdivisions/field/", {"country": "ES", "subdivision": "es-al"}).content.decode()
    assert '<option value="ES-AL" selected>' in kept

    r = client.post("/organisations/menuiserie/edit/", {**form.data, "subdivision": "FR-ARA"})
    assert r.status_code == 302 and reload("menuiserie").subdivision == "FR-ARA"


def test_without_javascript_a_country_changed_with_its_old_subdivision_gets_a_clear_message(client, federation, bob):
    services.organisation_update(actor=bob, organisation=federation["menuiserie"], data={"subdivision": "FR-ARA"})
    client.force_login(bob)
    form = form_of(client.get("/organisations/menuiserie/edit/").content.decode())
    assert form.data["subdivision"] == "FR-ARA"
    spain = str(Country.objects.get(iso2="ES").pk)
    r = client.post("/organisations/menuiserie/edit/", {**form.data, "country": spain})
    assert r.status_code == 200
    html = r.content.decode()
    assert "Auvergne-Rhône-Alpes (FR-ARA) is in France, not in Spain: choose a subdivision of Spain, or none." in html
    again = form_of(html)
    # the form now lists Spain's, with the one sent first and named with its country, still chosen
    assert again.options[1] == ("FR-ARA", True) and ("ES-AL", False) in again.options
    assert "Auvergne-Rhône-Alpes (France)" in html
    assert reload("menuiserie").country_id == "FR"
    r = client.post("/organisations/menuiserie/edit/", {**again.data, "subdivision": "ES-CT"})
    assert r.status_code == 302
    assert (reload("menuiserie").country_id, reload("menuiserie").subdivision) == ("ES", "ES-CT")


def test_a_new_co_operative_starts_with_the_subdivisions_of_its_federations_country(client, federation, bob):
    client.force_login(bob)
    form = form_of(client.get("/organisations/new/?parent=cg-scop").content.decode())
    assert "FR-ARA" in [code for code, _ in form.options]


def test_the_profile_shows_the_name_in_the_readers_language(client, federation, alice):
    services.organisation_update(
        actor=alice,
        organisation=federation["menuiserie"],
        data={"country": Country.objects.get(iso2="DE"), "subdivision": "DE-BY", "city": "München"},
    )
    french = client.get("/fr/organisations/menuiserie/").content.decode()
    english = client.get("/organisations/menuiserie/").content.decode()
    assert re.search(r"<address>.*München<br>\s*Bavière<br>\s*Allemagne", french, re.S)
    assert re.search(r"<address>.*München<br>\s*Bavaria<br>\s*Germany", english, re.S)
    assert 'href="/fr/directory/?country=DE&amp;subdivision=DE-BY">Bavière</a>' in french  # in the breadcrumbs


def test_open_data_gives_it_where_the_standard_has_a_field(federation, alice):
    from cicopa.registry import queries

    services.organisation_update(actor=alice, organisation=federation["menuiserie"], data={"subdivision": "FR-ARA"})
    org = queries.organisation_profile("menuiserie")
    assert representations.jsonld(org)["address"]["addressRegion"] == "FR-ARA"  # schema.org PostalAddress
    # Murmurations' organizations schema has no region of its own: it is written in the full address
    assert representations.murmurations(org)["full_address"] == "Lyon, Auvergne-Rhône-Alpes, France"
    assert representations.export_row(org)["subdivision"] == "FR-ARA"
