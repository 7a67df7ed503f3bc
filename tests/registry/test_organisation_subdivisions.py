"""An organisation's subdivision of its country (ISO 3166-2): checked by the services whichever way it comes (page,
API, back office), audited, shown in the reader's language, filtered and counted in the directory."""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from cicopa.core import subdivisions
from cicopa.core.errors import PermissionDenied, ValidationError
from cicopa.core.models import AuditEntry, Country
from cicopa.core.services import api_token_create
from cicopa.registry import directory_queries, history, representations, services
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


# --- the API: read, write, list


@pytest.fixture
def token_for():
    def make(user):
        return {"HTTP_AUTHORIZATION": "Bearer " + api_token_create(actor=user, user=user, name="test")[1]}

    return make


def test_the_api_reads_and_writes_it(client, federation, charlie, token_for):
    url = "/api/v1/organisations/menuiserie"
    assert client.get(url).json()["subdivision"] == ""
    r = client.patch(url, {"subdivision": "fr-ara"}, content_type="application/json", **token_for(charlie))
    assert r.status_code == 200 and r.json()["subdivision"] == "FR-ARA"
    assert client.get("/api/v1/organisations", {"q": "menuiserie"}).json()["results"][0]["subdivision"] == "FR-ARA"
    r = client.patch(url, {"subdivision": "ES-AN"}, content_type="application/json", **token_for(charlie))
    assert r.status_code == 422
    assert r.json()["detail"]["subdivision"] == [
        "Andalucía (ES-AN) is in Spain, not in France: choose a subdivision of France, or none."
    ]
    r = client.patch(url, {"country": "ES"}, content_type="application/json", **token_for(charlie))
    assert r.status_code == 200 and r.json()["subdivision"] == ""  # the old country's is cleared
    r = client.patch(url, {"subdivision": None}, content_type="application/json", **token_for(charlie))
    assert r.status_code == 200 and r.json()["subdivision"] == ""


def test_the_api_refuses_it_to_those_who_may_not_edit(client, federation, dave, token_for):
    r = client.patch(
        "/api/v1/organisations/menuiserie",
        {"subdivision": "FR-ARA"},
        content_type="application/json",
        **token_for(dave),
    )
    assert r.status_code == 403 and reload("menuiserie").subdivision == ""


def test_the_api_creates_with_it(client, federation, alice, token_for):
    body = {"name": "Scop de Grenoble", "country": "FR", "subdivision": "FR-ARA"}
    r = client.post("/api/v1/organisations", json.dumps(body), content_type="application/json", **token_for(alice))
    assert r.status_code == 201 and r.json()["subdivision"] == "FR-ARA"


def test_the_api_lists_a_countrys_subdivisions(client, db):
    spain = client.get("/api/v1/subdivisions", {"country": "es"}).json()
    almeria = next(s for s in spain if s["code"] == "ES-AL")
    assert almeria == {
        "code": "ES-AL",
        "name": "Almería",
        "label": "Almería (Andalucía)",
        "type": "Province",
        "parent": "ES-AN",
    }
    assert client.get("/api/v1/subdivisions", {"country": "ZZ"}).status_code == 422
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["OrganisationIn"]["properties"]
    assert schema["subdivision"]["maxLength"] == 6


# --- the directory: a filter and, for the results of one country, its counts


@pytest.fixture
def regions(federation, alice):
    """Two French organisations in two regions, the Spanish ones in none."""
    services.organisation_update(actor=alice, organisation=federation["menuiserie"], data={"subdivision": "FR-ARA"})
    services.organisation_update(actor=alice, organisation=federation["cgscop"], data={"subdivision": "FR-IDF"})
    return federation


def slugs(params: dict[str, Any]) -> set[str]:
    page = directory_queries.search_directory(directory_queries.parse_filters(params))
    return {o.slug for o in page.items}


def test_the_directory_filters_by_subdivision(regions):
    assert slugs({"subdivision": "FR-ARA"}) == {"menuiserie"}
    assert slugs({"subdivision": "fr-ara,FR-IDF"}) == {"menuiserie", "cg-scop"}
    assert slugs({"subdivision": "FR-ARA", "q": "lyon"}) == {"menuiserie"}
    assert slugs({"subdivision": "FR-ARA", "country": "ES"}) == set()
    assert slugs({"subdivision": "ES-AN"}) == set()


def test_an_unknown_subdivision_is_the_same_clear_error_as_an_unknown_country(client, regions):
    with pytest.raises(Exception) as caught:
        directory_queries.parse_filters({"subdivision": "FR-XXX"})
    assert caught.value.message_dict == {"subdivision": ["Unknown subdivision: FR-XXX"]}
    r = client.get("/api/v1/organisations", {"subdivision": "FR-XXX"})
    assert r.status_code == 422 and r.json()["detail"] == {"subdivision": ["Unknown subdivision: FR-XXX"]}
    page = client.get("/directory/", {"subdivision": "FR-XXX"}).content.decode()
    assert "Unknown subdivision: FR-XXX" in page


def test_the_facet_of_subdivisions_shows_for_the_results_of_one_country(client, regions):
    facets = directory_queries.directory_facets(directory_queries.parse_filters({"country": "FR"}))
    assert facets.groups["subdivision"] == [
        ("FR-ARA", "Auvergne-Rhône-Alpes", 1),
        ("FR-IDF", "Île-de-France", 1),
    ]
    # chosen, it still counts the others to add
    facets = directory_queries.directory_facets(directory_queries.parse_filters({"subdivision": "FR-ARA"}))
    assert [code for code, _label, _n in facets.groups["subdivision"]] == ["FR-ARA", "FR-IDF"]
    # the results of several countries: no list of every country's regions
    facets = directory_queries.directory_facets(directory_queries.parse_filters({}))
    assert "subdivision" not in facets.groups
    facets = directory_queries.directory_facets(directory_queries.parse_filters({"q": "lyon"}))  # all in France
    assert facets.groups["subdivision"] == [("FR-ARA", "Auvergne-Rhône-Alpes", 1)]


def test_the_facet_by_page_and_api(client, regions):
    html = client.get("/fr/directory/facets/", {"country": "FR"}).content.decode()
    assert "Subdivision" in html or "subdivision" in html
    assert re.search(r'href="\?country=FR&amp;subdivision=FR-ARA".*Auvergne-Rhône-Alpes', html, re.S)
    chosen = client.get("/directory/facets/", {"country": "FR", "subdivision": "FR-ARA"}).content.decode()
    assert re.search(r'<a href="\?country=FR"[^>]*aria-current="true".*Auvergne-Rhône-Alpes', chosen, re.S)
    data = client.get("/api/v1/organisations", {"country": "FR", "facets": "true"}).json()
    assert {"value": "FR-ARA", "label": "Auvergne-Rhône-Alpes", "count": 1} in data["facets"]["subdivision"]
    data = client.get("/api/v1/organisations", {"facets": "true"}).json()
    assert "subdivision" not in data["facets"]
    data = client.get("/api/v1/organisations", {"subdivision": "FR-IDF"}).json()
    assert [r["slug"] for r in data["results"]] == ["cg-scop"]


def test_the_directory_page_offers_the_countrys_subdivisions_in_its_filters(client, regions):
    html = client.get("/directory/", {"country": "FR"}).content.decode()
    assert '<select id="filter-subdivision" name="subdivision">' in html
    assert '<option value="FR-ARA">Auvergne-Rhône-Alpes</option>' in html
    chosen = client.get("/directory/", {"country": "FR", "subdivision": "FR-ARA"}).content.decode()
    assert '<option value="FR-ARA" selected>Auvergne-Rhône-Alpes</option>' in chosen
    assert "Menuiserie" in chosen and "Confédération générale" not in chosen
    # a subdivision of another country than the one chosen stays visible, to be let go of
    other = client.get("/directory/", {"country": "ES", "subdivision": "FR-ARA"}).content.decode()
    assert '<option value="FR-ARA" selected>Auvergne-Rhône-Alpes (France)</option>' in other
    assert "filter-subdivision" not in client.get("/directory/").content.decode()
    # the results, when the filters change in place, bring the select of the new country with them
    fragment = client.get("/directory/", {"country": "ES"}, HTTP_HX_REQUEST="true").content.decode()
    assert '<div id="subdivision-filter" hx-swap-oob="true">' in fragment and "ES-AN" in fragment


def test_exports_carry_the_code(client, regions):
    body = b"".join(client.get("/directory/export.csv", {"subdivision": "FR-ARA"}).streaming_content)
    text = body.decode("utf-8-sig")
    assert "subdivision" in text.splitlines()[0] and ",FR-ARA," in text


# --- imports: a code or a name, and a specific row error for one that is not of the row's country


def imported(actor, text: str, fmt: str = "cicopa", **kw: Any):
    from cicopa.registry.importing import import_organisations

    return import_organisations(actor=actor, stream=io.BytesIO(text.encode()), filename="f.csv", fmt=fmt, **kw)


GOOD = """identifier,name,kind,country,subdivision
A1,Scop de Grenoble,cooperative,FR,FR-ARA
A2,Scop de Lille,cooperative,FR,hdf
A3,Genossenschaft München,cooperative,DE,Bavière
A4,Cooperativa de Almería,cooperative,ES,Almería (Andalucía)
A5,Cooperativa de Santander,cooperative,ES,
"""


def test_an_import_reads_codes_and_names(alice):
    report = imported(alice, GOOD)
    assert report.ok, report.errors
    got = dict(Organisation.objects.values_list("name", "subdivision"))
    assert got == {
        "Scop de Grenoble": "FR-ARA",
        "Scop de Lille": "FR-HDF",
        "Genossenschaft München": "DE-BY",
        "Cooperativa de Almería": "ES-AL",
        "Cooperativa de Santander": "",
    }
    assert slugs({"subdivision": "DE-BY"}) == {Organisation.objects.get(subdivision="DE-BY").slug}  # indexed
    entry = AuditEntry.objects.filter(action="registry.organisation.import").order_by("id").first()
    assert entry.changes["subdivision"] == [None, "FR-ARA"]


def test_an_import_refuses_a_subdivision_of_another_country_with_a_row_error(alice):
    text = (
        GOOD
        + "A6,Scop de Nantes,cooperative,FR,ES-AN\nA7,Coop,cooperative,ES,Cantabria\nA8,Coop 2,cooperative,FR,Lyon\n"
    )
    report = imported(alice, text)
    assert not report.ok and Organisation.objects.count() == 0  # all or nothing
    errors = {e.row: (e.column, e.value, e.message) for e in report.errors}
    assert errors == {
        7: ("subdivision", "ES-AN", "Andalucía is a subdivision of Spain, not of France"),
        8: (
            "subdivision",
            "Cantabria",
            "names more than one subdivision of Spain: ES-CB (Cantabria (autonomous community)), "
            "ES-S (Cantabria (province)); write the code of the one meant",
        ),
        9: (
            "subdivision",
            "Lyon",
            "not a subdivision of France: write its ISO 3166-2 code, such as "
            + subdivisions.subdivisions("FR")[0].code
            + ", or its name",
        ),
    }


def test_a_file_of_any_layout_finds_the_column_by_its_name(alice):
    text = "Nom,Pays,Région\nScop de Rennes,France,Bretagne\nScop de Pau,FR,Nouvelle-Aquitaine\n"
    report = imported(alice, text, fmt="columns")
    assert report.ok, report.errors
    assert report.mapping["Région"] == "subdivision"
    assert dict(Organisation.objects.values_list("name", "subdivision")) == {
        "Scop de Rennes": "FR-BRE",
        "Scop de Pau": "FR-NAQ",
    }
    bad = imported(alice, "Nom,Pays,Région\nScop de Rennes,France,Bavaria\n", fmt="columns")
    assert [(e.column, e.value) for e in bad.errors] == [("Région", "Bavaria")]


def test_essglobal_regions_are_kept_where_they_are_subdivisions_of_the_country(alice):
    from cicopa.registry.import_formats import ESSGLOBAL_COLUMNS

    header = ",".join(ESSGLOBAL_COLUMNS[k] for k in ("identifier", "name", "region", "country"))
    report = imported(alice, f"{header}\nR1,Cardiff Co-op,Wales,GB\nR2,Bolton Co-op,North West,GB\n", fmt="essglobal")
    assert report.ok, report.errors
    assert dict(Organisation.objects.values_list("name", "subdivision")) == {
        "Cardiff Co-op": "GB-WLS",
        "Bolton Co-op": "",
    }
    assert [(w.row, w.value, w.message) for w in report.warnings] == [
        (3, "North West", "not one subdivision of United Kingdom (ISO 3166-2): left out")
    ]
    # the next file moves it to another country and says no region: the old country's is not left behind
    again = imported(alice, f"{header}\nR1,Cardiff Co-op,,IE\n", fmt="essglobal")
    assert again.ok, again.errors
    assert Organisation.objects.get(name="Cardiff Co-op").subdivision == ""
