import json

import pytest

from cicopa.core.models import AuditEntry
from cicopa.core.services import api_token_create
from cicopa.registry.models import Organisation


@pytest.fixture
def token_for():
    def make(user):
        return {"HTTP_AUTHORIZATION": "Bearer " + api_token_create(actor=user, user=user, name="test")[1]}

    return make


def test_list_with_search_and_filters(client, federation):
    r = client.get("/api/v1/organisations", {"q": "menuiserie", "country": "FR", "sector": "construction"})
    assert r.status_code == 200
    data = r.json()
    assert data["count"] == 1
    item = data["results"][0]
    assert item["slug"] == "menuiserie" and item["country"] == "FR" and item["sectors"] == ["construction"]
    assert item["url"] == "https://cicopa.test/organisations/menuiserie/"


def test_list_repeated_and_comma_separated_params(client, federation):
    a = client.get("/api/v1/organisations?country=FR&country=ES").json()["count"]
    b = client.get("/api/v1/organisations?country=fr,es").json()["count"]
    assert a == b == 4


def test_list_facets_and_paging(client, federation):
    data = client.get("/api/v1/organisations", {"page_size": 2, "page": 2, "facets": "true"}).json()
    assert data["page"] == 2 and data["pages"] == 3 and len(data["results"]) == 2
    assert {"value": "FR", "label": "France", "count": 2} in data["facets"]["country"]


@pytest.mark.parametrize(
    ("query", "field"),
    [("country=ZZ", "country"), ("page_size=0", "page_size"), ("sort=up", "sort"), ("kind=bank", "kind")],
)
def test_list_bad_input_is_a_precise_422(client, federation, query, field):
    r = client.get("/api/v1/organisations?" + query)
    assert r.status_code == 422
    assert field in r.json()["detail"]


def test_detail_and_404(client, federation):
    r = client.get("/api/v1/organisations/menuiserie")
    assert r.status_code == 200
    assert r.json()["belongs_to"][0]["parent"] == "cg-scop"
    r = client.get("/api/v1/organisations/nope")
    assert r.status_code == 404 and "nope" in r.json()["detail"]


def test_reference_endpoints(client, federation):
    countries = client.get("/api/v1/countries").json()
    fr = next(c for c in countries if c["iso2"] == "FR")
    assert fr["region"] == "150" and fr["subregion"] == "155" and fr["developed"] is True
    assert len(countries) == 249
    assert [s["code"] for s in client.get("/api/v1/sectors").json()][:2] == ["construction", "industrial_production"]
    assert client.get("/api/v1/memberships", {"parent": "cg-scop"}).json()[0]["member"] == "menuiserie"
    assert client.get("/api/v1/memberships").status_code == 422


def test_openapi_document(client, federation):
    doc = client.get("/api/v1/openapi.json").json()
    params = {p["name"] for p in doc["paths"]["/api/v1/organisations"]["get"]["parameters"]}
    assert {"q", "country", "sector", "kind", "page", "page_size"} <= params
    assert client.get("/api/v1/docs").status_code == 200


def test_openapi_document_says_which_errors_each_operation_gives(client, federation, alice, token_for):
    doc = client.get("/api/v1/openapi.json").json()
    paths = doc["paths"]
    codes = {(m.upper(), path): sorted(op["responses"]) for path, ops in paths.items() for m, op in ops.items()}
    assert codes[("GET", "/api/v1/organisations")] == ["200", "422"]
    assert codes[("GET", "/api/v1/organisations/{slug}")] == ["200", "404"]
    assert codes[("GET", "/api/v1/countries")] == ["200"]
    assert codes[("PATCH", "/api/v1/organisations/{slug}")] == ["200", "400", "401", "403", "404", "412", "422"]
    assert codes[("POST", "/api/v1/memberships")] == ["201", "400", "401", "403", "422"]
    error = paths["/api/v1/organisations/{slug}"]["get"]["responses"]["404"]["content"]["application/json"]
    assert error["schema"] == {"$ref": "#/components/schemas/Error"}
    assert "detail" in doc["components"]["schemas"]["Error"]["required"]
    page = next(p for p in paths["/api/v1/organisations"]["get"]["parameters"] if p["name"] == "page_size")
    assert (page["schema"]["minimum"], page["schema"]["maximum"]) == (1, 100)
    # and what the document promises is what the API answers
    assert client.get("/api/v1/organisations", {"page_size": 101}).status_code == 422
    r = client.patch("/api/v1/organisations/menuiserie", "{not json", content_type="application/json")
    assert r.status_code == 401  # no token comes first
    r = client.patch(
        "/api/v1/organisations/menuiserie", "{not json", content_type="application/json", **token_for(alice)
    )
    assert r.status_code == 400 and "detail" in r.json()


def test_anonymous_cannot_write(client, federation):
    r = client.patch("/api/v1/organisations/menuiserie", json.dumps({"city": "X"}), content_type="application/json")
    assert r.status_code == 401
    r = client.post(
        "/api/v1/organisations",
        json.dumps({"name": "X"}),
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer cic_wrong",
    )
    assert r.status_code == 401


def test_officer_updates_own_and_is_refused_elsewhere(client, federation, bob, token_for):
    headers = token_for(bob)
    r = client.patch(
        "/api/v1/organisations/menuiserie",
        json.dumps({"city": "Villeurbanne", "sectors": ["construction", "artisanal"]}),
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 200, r.content
    assert r.json()["city"] == "Villeurbanne" and r.json()["sectors"] == ["construction", "artisanal"]
    assert AuditEntry.objects.filter(action="registry.organisation.update", actor=bob).exists()
    # another member organisation's co-operative, addressed by its slug: refused, unchanged
    r = client.patch(
        "/api/v1/organisations/taxis-madrid", json.dumps({"city": "Hacked"}), content_type="application/json", **headers
    )
    assert r.status_code == 403
    assert Organisation.objects.get(slug="taxis-madrid").city == "Madrid"


def test_cooperative_editor_and_outsider_tokens(client, federation, charlie, dave, token_for):
    r = client.patch(
        "/api/v1/organisations/cg-scop",
        json.dumps({"city": "X"}),
        content_type="application/json",
        **token_for(charlie),
    )
    assert r.status_code == 403
    r = client.patch(
        "/api/v1/organisations/menuiserie",
        json.dumps({"city": "X"}),
        content_type="application/json",
        **token_for(dave),
    )
    assert r.status_code == 403


def test_create_with_codes_and_bad_codes(client, federation, bob, token_for):
    headers = token_for(bob)
    body = {
        "name": "Scop Énergie",
        "country": "fr",
        "parent": "cg-scop",
        "sectors": ["other"],
        "membership_type": "worker",
        "latitude": 48.1,
        "longitude": 2.2,
    }
    r = client.post("/api/v1/organisations", json.dumps(body), content_type="application/json", **headers)
    assert r.status_code == 201, r.content
    assert r.json()["slug"] == "scop-energie" and r.json()["country"] == "FR"
    before = Organisation.objects.count()
    bad = {"name": "X", "country": "QQ", "membership_type": "serf", "parent": "cg-scop"}
    r = client.post("/api/v1/organisations", json.dumps(bad), content_type="application/json", **headers)
    assert r.status_code == 422
    assert set(r.json()["detail"]) == {"country", "membership_type"}
    r = client.post("/api/v1/organisations", "{not json", content_type="application/json", **headers)
    assert r.status_code in (400, 422)
    r = client.post(
        "/api/v1/organisations",
        json.dumps({"name": 5, "latitude": "north"}),
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 422
    assert Organisation.objects.count() == before


def test_membership_api(client, federation, alice, bob, token_for):
    from cicopa.registry import services

    services.organisation_create(actor=alice, data={"name": "Imprimerie Coopérative", "slug": "imprimerie"})
    r = client.post(
        "/api/v1/memberships",
        json.dumps({"member": "taxis-madrid", "parent": "cg-scop"}),  # COCETA's co-operative
        content_type="application/json",
        **token_for(bob),
    )
    assert r.status_code == 403 and "only the secretariat can link it" in r.json()["detail"]
    r = client.post(
        "/api/v1/memberships",
        json.dumps({"member": "imprimerie", "parent": "cg-scop"}),
        content_type="application/json",
        **token_for(bob),
    )
    assert r.status_code == 201 and r.json()["status"] == "applicant"
    mid = r.json()["id"]
    r = client.patch(
        f"/api/v1/memberships/{mid}",
        json.dumps({"status": "active"}),
        content_type="application/json",
        **token_for(bob),
    )
    assert r.status_code == 200 and r.json()["status"] == "active"
    r = client.post(
        "/api/v1/memberships",
        json.dumps({"member": "menuiserie", "parent": "coceta"}),
        content_type="application/json",
        **token_for(bob),
    )
    assert r.status_code == 403
    r = client.post(
        "/api/v1/memberships",
        json.dumps({"member": "nope", "parent": "coceta"}),
        content_type="application/json",
        **token_for(alice),
    )
    assert r.status_code == 422 and "member" in r.json()["detail"]


def test_office_api(client, federation, alice, bob, charlie, dave, token_for):
    def post(slug, body, user):
        return client.post(
            f"/api/v1/organisations/{slug}/offices",
            json.dumps(body),
            content_type="application/json",
            **token_for(user),
        )

    r = post("menuiserie", {"role": "secretary", "full_name": "Léa Martin", "start": "2025-01-01"}, charlie)
    assert r.status_code == 201 and r.json()["person"] == "Léa Martin" and r.json()["current"]
    office_id = r.json()["id"]
    listed = client.get("/api/v1/organisations/menuiserie/offices").json()
    assert [o["person"] for o in listed if o["current"]] == ["Léa Martin"]
    r = client.patch(
        f"/api/v1/offices/{office_id}",
        json.dumps({"end": "2025-12-31"}),
        content_type="application/json",
        **token_for(bob),  # an officer of the federation the co-operative belongs to
    )
    assert r.status_code == 200 and r.json() == {**r.json(), "end": "2025-12-31", "current": False}
    # Wrong role, impossible term, someone else's organisation, no token: 4xx, nothing written.
    assert post("menuiserie", {"role": "king", "full_name": "X"}, charlie).status_code in (400, 422)
    bad_term = {"role": "treasurer", "full_name": "X", "start": "2025-01-01", "end": "2024-01-01"}
    assert post("menuiserie", bad_term, charlie).status_code in (400, 422)
    assert post("coceta", {"role": "treasurer", "full_name": "X"}, charlie).status_code == 403
    assert post("coceta", {"role": "treasurer", "full_name": "X"}, dave).status_code == 403
    r = client.post(
        "/api/v1/organisations/coceta/offices",
        json.dumps({"role": "treasurer", "full_name": "X"}),
        content_type="application/json",
    )
    assert r.status_code == 401
    assert (
        client.patch(
            "/api/v1/offices/999999", json.dumps({}), content_type="application/json", **token_for(alice)
        ).status_code
        == 404
    )
    from cicopa.registry.models import Office

    assert list(Office.objects.values_list("person__full_name", flat=True)) == ["Léa Martin"]


def test_open_data_endpoints(client, federation):
    ld = client.get("/organisations/menuiserie/jsonld.json")
    assert ld["Content-Type"] == "application/ld+json"
    doc = ld.json()
    assert doc["@type"] == "Organization" and doc["memberOf"][0]["name"] == "Confédération générale des Scop"
    assert doc["org:hasMembership"][0]["org:organization"] == "https://cicopa.test/organisations/cg-scop/"
    m = client.get("/organisations/menuiserie/murmurations.json").json()
    assert m["linked_schemas"] == ["organizations_schema-v1.0.0"]
    assert m["geolocation"] == {"lat": 45.76, "lon": 4.84}


@pytest.mark.parametrize("suffix", ["", "/jsonld", "/murmurations", "/offices"])
def test_an_unknown_slug_is_a_404_that_names_it(client, federation, suffix):
    r = client.get(f"/api/v1/organisations/no-such-organisation{suffix}")
    assert r.status_code == 404
    assert "no-such-organisation" in r.json()["detail"]


@pytest.mark.parametrize("body", ["[]", '[{"city": "Nantes"}]', '"Nantes"', "42", "null"])
def test_a_body_that_is_not_an_object_is_refused(client, federation, alice, token_for, body):
    r = client.patch("/api/v1/organisations/menuiserie", body, content_type="application/json", **token_for(alice))
    assert r.status_code == 422, r.content
    assert "must be a JSON object" in json.dumps(r.json())
    from cicopa.registry.models import Organisation

    assert Organisation.objects.get(slug="menuiserie").city == "Lyon"


def test_a_write_without_a_valid_token_is_a_401_even_where_csrf_is_enforced(federation, alice, token_for):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    body = json.dumps({"city": "Villeurbanne"})
    url = "/api/v1/organisations/menuiserie"
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer cic_wrong"}, {"HTTP_AUTHORIZATION": "Basic eDp5"}):
        r = client.patch(url, body, content_type="application/json", **headers)
        assert r.status_code == 401, r.content
        assert "Authorization: Bearer" in r.json()["detail"] and r["WWW-Authenticate"] == "Bearer"
    client.force_login(alice)  # a browser's session without its CSRF token is refused as such
    r = client.patch(url, body, content_type="application/json")
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]
    assert Organisation.objects.get(slug="menuiserie").city == "Lyon"
    r = client.patch(url, body, content_type="application/json", **token_for(alice))
    assert r.status_code == 200 and r.json()["city"] == "Villeurbanne"


def test_an_unknown_field_is_named_not_ignored(client, federation, alice, token_for):
    r = client.patch(
        "/api/v1/organisations/menuiserie",
        json.dumps({"nmae": "Menuiserie", "city": "Villeurbanne"}),
        content_type="application/json",
        **token_for(alice),
    )
    assert r.status_code == 422
    assert any(e["loc"][-1] == "nmae" for e in r.json()["detail"])
    assert Organisation.objects.get(slug="menuiserie").city == "Lyon"


def test_member_of_an_unknown_organisation_is_named_not_an_empty_list(client, federation):
    r = client.get("/api/v1/organisations", {"member_of": "nope"})
    assert r.status_code == 422 and "nope" in r.json()["detail"]["member_of"][0]
    assert client.get("/api/v1/organisations", {"member_of": "cg-scop"}).json()["count"] == 1


def test_pages_sorted_by_best_match_end_where_the_ranking_does(client, federation, settings):
    settings.CICOPA_SEARCH_RANK_LIMIT = 2
    data = client.get("/api/v1/organisations", {"q": "coop", "page_size": 1}).json()
    assert data["count"] == 3 and data["ranked_limit"] == 2 and data["pages"] == 2
    assert client.get("/api/v1/organisations", {"q": "coop", "page_size": 1, "page": 2}).status_code == 200
    r = client.get("/api/v1/organisations", {"q": "coop", "page_size": 1, "page": 3})
    assert r.status_code == 422 and "up to page 2" in r.json()["detail"]["page"][0]
    by_name = client.get("/api/v1/organisations", {"q": "coop", "page_size": 1, "page": 3, "sort": "name"})
    assert by_name.status_code == 200 and len(by_name.json()["results"]) == 1


def test_an_officer_cannot_revive_a_link_to_take_over_a_cooperative(client, federation, alice, bob, token_for):
    """A withdrawn or applicant link brought back to active is judged like a new link: the co-operative has since
    joined another federation (or has its own editors, or is abroad), so only the secretariat may do it."""
    from django.contrib.auth import get_user_model

    from cicopa.registry import access_services, services
    from cicopa.registry.models import Membership, MembershipStatus

    taxi, coceta, cgscop = federation["taxi"], federation["coceta"], federation["cgscop"]
    # an old link of COCETA's co-operative to the French federation, long withdrawn
    old = services.membership_create(actor=alice, member=taxi, parent=cgscop, status=MembershipStatus.WITHDRAWN)
    # and an application of another co-operative that, since, got its own editor
    imprimerie = services.organisation_create(actor=alice, data={"name": "Imprimerie", "slug": "imprimerie"})
    application = services.membership_create(actor=bob, member=imprimerie, parent=cgscop)
    editor = get_user_model().objects.create_user("ed", "ed@example.org")
    access_services.access_grant(actor=alice, user=editor, organisation=imprimerie, role="editor")

    for membership, status in ((old, "active"), (old, "applicant"), (old, "suspended"), (application, "active")):
        r = client.patch(
            f"/api/v1/memberships/{membership.pk}",
            json.dumps({"status": status}),
            content_type="application/json",
            **token_for(bob),
        )
        assert r.status_code == 403, (membership, status, r.content)
        assert "only the secretariat can make it a member" in r.json()["detail"]
    assert Membership.objects.get(pk=old.pk).status == MembershipStatus.WITHDRAWN
    assert Membership.objects.get(pk=application.pk).status == MembershipStatus.APPLICANT
    assert not Membership.objects.filter(member=taxi, parent=cgscop, status="active").exists()
    assert Membership.objects.filter(member=taxi, parent=coceta, status="active").exists()
    # what an officer may still do on its own links, and the secretariat on any
    r = client.patch(
        f"/api/v1/memberships/{application.pk}",
        json.dumps({"status": "withdrawn"}),
        content_type="application/json",
        **token_for(bob),
    )
    assert r.status_code == 200
    r = client.patch(
        f"/api/v1/memberships/{old.pk}",
        json.dumps({"status": "active"}),
        content_type="application/json",
        **token_for(alice),
    )
    assert r.status_code == 200 and r.json()["status"] == "active"


def test_applications_are_not_public_anywhere(client, federation, alice, bob, charlie, dave):
    """One rule for memberships, used by the profile page, the API and open data: applications stay between the
    applicant and the federation until decided."""
    from cicopa.registry import services

    application = services.membership_create(actor=alice, member=federation["menuiserie"], parent=federation["coceta"])
    withdrawn = services.membership_create(
        actor=alice, member=federation["taxi"], parent=federation["cgscop"], status="withdrawn"
    )
    listed = client.get("/api/v1/memberships", {"parent": "coceta"}).json()
    assert application.pk not in [m["id"] for m in listed]
    assert withdrawn.pk in [m["id"] for m in client.get("/api/v1/memberships", {"parent": "cg-scop"}).json()]
    r = client.get("/api/v1/memberships", {"member": "menuiserie", "status": "applicant"})
    assert r.status_code == 422 and "Applications are not public" in r.json()["detail"]["status"][0]
    detail = client.get("/api/v1/organisations/menuiserie").json()
    assert [m["parent"] for m in detail["belongs_to"]] == ["cg-scop"]
    assert "COCETA" not in client.get("/organisations/menuiserie/").content.decode()
    jsonld = client.get("/api/v1/organisations/menuiserie/jsonld").content.decode()
    assert "coceta" not in jsonld
    # those who decide it, or act for the applicant, see it on the profile
    for user in (alice, charlie, bob):  # bob: an officer of the federation that governs the applicant
        client.force_login(user)
        assert "COCETA" in client.get("/organisations/menuiserie/").content.decode()
    client.force_login(dave)
    assert "COCETA" not in client.get("/organisations/menuiserie/").content.decode()


def test_the_openapi_document_types_every_answer_and_states_the_limits(client, federation):
    """Typed answers, so that clients and fuzzers can check them; and the limits the services enforce."""
    doc = client.get("/api/v1/openapi.json").json()
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            ok = operation["responses"].get("200") or operation["responses"].get("201")
            # JSON, or a document typed as binary (a study's PDF)
            assert ok and all("schema" in typed for typed in ok["content"].values()), (method, path)
            assert set(ok["content"]) <= {"application/json", "application/pdf"}, (method, path)
    fields = doc["components"]["schemas"]["OrganisationIn"]["properties"]
    assert fields["name"]["maxLength"] == 255 and fields["description"]["maxLength"] == 10_000
    assert (fields["latitude"]["minimum"], fields["latitude"]["maximum"]) == (-90, 90)
    assert (fields["founded"]["minimum"], fields["founded"]["maximum"]) == (1800, 2100)
    page = client.get("/api/v1/organisations", {"q": "menuiserie"}).json()
    summary = doc["components"]["schemas"]["OrganisationSummary"]
    assert set(page["results"][0]) == set(summary["properties"]) and "facets" not in page
