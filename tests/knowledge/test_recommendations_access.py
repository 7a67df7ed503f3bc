"""Who sees and does what with recommendations, by page and by API: the secretariat (alice), the officer of the
French member organisation (bob), the editor of a co-operative (charlie), someone with no role (dave) and the
public. A draft is the secretariat's alone (404 for everyone else, by page, list and API id); an officer records
their own organisation's response and never another's."""

import json

import pytest

from cicopa.core.models import AuditEntry
from cicopa.knowledge import recommendation_responses as responses
from cicopa.knowledge import recommendation_services as rs
from cicopa.knowledge.models import Recipient, Recommendation
from knowledge_texts import recommendation_texts

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
API = "/api/v1/knowledge/recommendations"


@pytest.fixture
def both(rec_circulated, alice):
    """An issued and circulated recommendation, and a draft."""
    draft = rs.recommendation_create(
        actor=alice, data={"texts": {"en": {"title": "Secret draft on governance", "text": "Not yet."}}}
    )
    return rec_circulated, draft


def as_user(client, user):
    if user is not None:
        client.force_login(user)
    return client


def users(rec_world, alice, bob, charlie, dave):
    return {"alice": alice, "bob": bob, "charlie": charlie, "dave": dave, "anonymous": None}


@pytest.mark.parametrize("who", ["bob", "charlie", "dave", "anonymous"])
def test_a_draft_is_invisible_but_to_the_secretariat(client, both, rec_world, alice, bob, charlie, dave, who):
    issued, draft = both
    as_user(client, users(rec_world, alice, bob, charlie, dave)[who])
    listing = client.get("/library/recommendations/").content.decode()
    assert "Transfer businesses to their workers" in listing
    assert "Secret draft" not in listing
    assert client.get(f"/library/recommendations/{draft.pk}/").status_code == 404
    assert client.get(f"/library/recommendations/{issued.pk}/").status_code == 200
    assert client.get(f"{API}/{draft.pk}").status_code == 404
    assert [r["id"] for r in client.get(API).json()] == [issued.pk]
    assert (
        client.get(f"{API}/{issued.pk}").json()["texts"]["es"]["title"] == "Transmitir las empresas a sus trabajadores"
    )


def test_the_secretariat_sees_drafts(client, both, alice):
    issued, draft = both
    client.force_login(alice)
    assert "Secret draft" in client.get("/library/recommendations/").content.decode()
    assert client.get(f"/library/recommendations/{draft.pk}/").status_code == 200
    assert {r["id"] for r in client.get(API).json()} == {issued.pk, draft.pk}


def test_the_page_is_in_the_readers_language(client, both):
    issued, _draft = both
    assert (
        "Transmettre les entreprises à leurs salariés"
        in client.get(f"/fr/library/recommendations/{issued.pk}/").content.decode()
    )
    assert "Transmitir las empresas" in client.get(f"/es/library/recommendations/{issued.pk}/").content.decode()


@pytest.mark.parametrize("who", ["bob", "charlie", "dave", "anonymous"])
def test_only_the_secretariat_writes_issues_and_circulates(client, both, rec_world, alice, bob, charlie, dave, who):
    issued, draft = both
    user = users(rec_world, alice, bob, charlie, dave)[who]
    as_user(client, user)
    expected_page = 302 if user is None else 403
    assert client.get("/library/recommendations/new/").status_code == expected_page
    assert client.get(f"/library/recommendations/{issued.pk}/edit/").status_code == expected_page
    assert client.get(f"/library/recommendations/{issued.pk}/circulate/").status_code == expected_page
    assert client.post(f"/library/recommendations/{draft.pk}/issue/").status_code in (302, 404)
    expected_api = 401 if user is None else 403
    body = json.dumps({"texts": recommendation_texts()})
    assert client.post(API, body, content_type="application/json").status_code == expected_api
    assert client.patch(f"{API}/{issued.pk}", body, content_type="application/json").status_code == expected_api
    assert (
        client.post(
            f"{API}/{issued.pk}/circulate", json.dumps({"scope": "all"}), content_type="application/json"
        ).status_code
        == expected_api
    )
    assert client.post(f"{API}/{draft.pk}/issue").status_code in (expected_api, 404)
    assert Recommendation.objects.get(pk=draft.pk).status == "draft"
    assert Recommendation.objects.count() == 2


def test_the_secretariat_through_the_pages(client, rec_world, alice):
    client.force_login(alice)
    data = {"follow_up_date": "2027-06-30", "topics": ["finance"]}
    for code, (title, text) in {
        "en": ("Capital", "Text"),
        "fr": ("Capital", "Texte"),
        "es": ("Capital", "Texto"),
    }.items():
        data[f"title_{code}"], data[f"text_{code}"] = title, text
    r = client.post("/library/recommendations/new/", data)
    rec = Recommendation.objects.get()
    assert r.status_code == 302 and r["Location"].endswith(f"/library/recommendations/{rec.pk}/")
    client.post(f"/library/recommendations/{rec.pk}/issue/")
    rec.refresh_from_db()
    assert rec.is_issued
    r = client.post(f"/library/recommendations/{rec.pk}/circulate/", {"scope": "countries", "countries": ["FR", "IT"]})
    assert "This choice reaches 2 member organisations" in r.content.decode()
    assert not Recipient.objects.exists()  # counted, not sent
    r = client.post(
        f"/library/recommendations/{rec.pk}/circulate/",
        {"scope": "countries", "countries": ["FR", "IT"], "confirm": "1"},
    )
    assert r.status_code == 302
    assert sorted(Recipient.objects.values_list("organisation__slug", flat=True)) == ["cg-scop", "legacoop"]


def test_the_form_names_the_missing_languages(client, rec_world, alice):
    client.force_login(alice)
    rec = rs.recommendation_create(actor=alice, data={"texts": {"en": {"title": "Only English"}}})
    r = client.post(f"/library/recommendations/{rec.pk}/issue/", follow=True)
    assert "The text in French, Spanish is missing" in r.content.decode()


def test_adoption_is_for_the_secretariat_and_member_organisations(client, both, rec_world, alice, bob, charlie, dave):
    issued, draft = both
    page, api = f"/library/recommendations/{issued.pk}/adoption/", f"{API}/{issued.pk}/adoption"
    assert client.get(page).status_code == 302  # to log in
    assert client.get(api).status_code == 401
    for user, expected in [(charlie, 403), (dave, 403), (bob, 200), (rec_world["elena"], 200), (alice, 200)]:
        client.force_login(user)
        assert client.get(page).status_code == expected, user
        assert client.get(api).status_code == expected, user
        assert client.get(page + "?format=csv").status_code == expected
    client.force_login(bob)
    assert client.get(f"/library/recommendations/{draft.pk}/adoption/").status_code == 404


def test_an_officer_records_their_own_response_by_page(client, both, rec_world, bob):
    issued, _draft = both
    client.force_login(bob)
    html = client.get(f"/library/recommendations/{issued.pk}/").content.decode()
    assert "The response of Confédération générale des Scop" in html
    assert "The response of COCETA" not in html
    fr = rec_world["fr"]
    r = client.post(
        f"/library/recommendations/{issued.pk}/respond/",
        {
            "organisation": fr.pk,
            f"org{fr.pk}-status": "adopted",
            f"org{fr.pk}-comment": "Adoptée ✓",
            f"org{fr.pk}-evidence_url": "https://cg-scop.example/ag",
            f"org{fr.pk}-file": _upload("pv.pdf", PDF),
        },
    )
    assert r.status_code == 302
    recipient = Recipient.objects.get(recommendation=issued, organisation=fr)
    assert recipient.status == "adopted"
    latest = recipient.responses.last()
    assert latest.evidence_filename == "pv.pdf" and latest.comment == "Adoptée ✓"
    # the document is served to the organisation's officer and the secretariat, as a download
    doc = client.get(f"/library/recommendations/{issued.pk}/evidence/{latest.pk}/")
    assert doc.status_code == 200 and doc.content == PDF and doc["Content-Disposition"].startswith("attachment")
    client.logout()
    assert client.get(f"/library/recommendations/{issued.pk}/evidence/{latest.pk}/").status_code == 302


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_an_officer_never_records_for_another_organisation_by_page_or_api(client, both, rec_world, bob, charlie):
    issued, _draft = both
    es = rec_world["es"]
    client.force_login(bob)
    r = client.post(
        f"/library/recommendations/{issued.pk}/respond/", {"organisation": es.pk, f"org{es.pk}-status": "adopted"}
    )
    assert r.status_code == 403
    r = client.post(
        f"{API}/{issued.pk}/responses",
        json.dumps({"organisation": "coceta", "status": "adopted"}),
        content_type="application/json",
    )
    assert r.status_code == 403
    client.force_login(charlie)
    r = client.post(
        f"{API}/{issued.pk}/responses",
        json.dumps({"organisation": "cg-scop", "status": "adopted"}),
        content_type="application/json",
    )
    assert r.status_code == 403
    assert set(Recipient.objects.values_list("status", flat=True)) == {"received"}
    assert not AuditEntry.objects.filter(action="knowledge.recommendation.respond").exists()


def test_responses_through_the_api(client, both, rec_world, alice, bob):
    issued, _draft = both
    client.force_login(bob)
    r = client.post(
        f"{API}/{issued.pk}/responses",
        json.dumps({"organisation": "cg-scop", "status": "under_consideration", "comment": "Au conseil"}),
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "under_consideration"
    assert [h["status"] for h in r.json()["history"]] == ["received", "under_consideration"]
    mine = client.get(f"{API}/{issued.pk}/responses").json()
    assert [m["organisation"]["slug"] for m in mine] == ["cg-scop"]
    client.force_login(alice)
    assert len(client.get(f"{API}/{issued.pk}/responses").json()) == 5
    # a recipient that is not one
    r = client.post(
        f"{API}/{issued.pk}/responses",
        json.dumps({"organisation": "menuiserie", "status": "adopted"}),
        content_type="application/json",
    )
    assert r.status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"organisation": "cg-scop", "status": "received"}, "status"),
        ({"organisation": "cg-scop", "status": "perhaps"}, "status"),
        ({"organisation": "cg-scop", "status": "adopted", "evidence_url": "file:///etc/passwd"}, "evidence_url"),
        ({"organisation": "cg-scop", "status": 3}, None),
        ({"organisation": "cg-scop", "status": "adopted", "comment": ["a"]}, None),
        ({"organisation": "cg-scop", "status": "adopted", "colour": "red"}, None),
    ],
)
def test_bad_responses_through_the_api(client, both, bob, body, field):
    issued, _draft = both
    client.force_login(bob)
    r = client.post(f"{API}/{issued.pk}/responses", json.dumps(body), content_type="application/json")
    assert r.status_code == 422
    if field:
        assert field in r.json()["detail"]


def test_the_secretariat_through_the_api(client, rec_world, alice):
    client.force_login(alice)
    r = client.post(
        API,
        json.dumps({"texts": {"en": {"title": "By the API"}}, "follow_up_date": "2027-05-01"}),
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    rec_id = r.json()["id"]
    r = client.post(f"{API}/{rec_id}/issue")
    assert r.status_code == 422 and "French, Spanish" in json.dumps(r.json(), ensure_ascii=False)
    etag = client.get(f"{API}/{rec_id}")["ETag"]
    r = client.patch(
        f"{API}/{rec_id}",
        json.dumps({"texts": recommendation_texts()}),
        content_type="application/json",
        HTTP_IF_MATCH=etag,
    )
    assert r.status_code == 200
    r = client.patch(
        f"{API}/{rec_id}",
        json.dumps({"follow_up_date": "2027-05-02"}),
        content_type="application/json",
        HTTP_IF_MATCH=etag,
    )
    assert r.status_code == 412
    assert (
        client.post(
            f"{API}/{rec_id}/circulate", json.dumps({"scope": "all"}), content_type="application/json"
        ).status_code
        == 422
    )
    assert client.post(f"{API}/{rec_id}/issue").status_code == 200
    r = client.post(
        f"{API}/{rec_id}/circulate", json.dumps({"scope": "regions", "codes": ["150"]}), content_type="application/json"
    )
    assert r.status_code == 201 and r.json()["added"] == 3
    r = client.post(f"{API}/{rec_id}/circulate", json.dumps({"scope": "all"}), content_type="application/json")
    assert r.json()["added"] == 2
    for bad in [{"scope": "moon"}, {"scope": "countries", "codes": ["ZZ"]}, {"scope": "regions", "codes": "150x"}]:
        r = client.post(f"{API}/{rec_id}/circulate", json.dumps(bad), content_type="application/json")
        assert r.status_code == 422, bad
    for bad in [{"texts": "x"}, {"follow_up_date": "tomorrow"}, {"experiences": ["a"]}, {"topics": "finance"}]:
        r = client.patch(f"{API}/{rec_id}", json.dumps(bad), content_type="application/json")
        assert r.status_code == 422, bad


def test_the_list_tells_an_officer_whose_response_is_awaited(client, both, rec_world, bob, alice, charlie):
    issued, _draft = both
    client.force_login(bob)
    assert "response is awaited" in client.get("/library/recommendations/").content.decode()
    recipient = Recipient.objects.get(recommendation=issued, organisation=rec_world["fr"])
    responses.response_record(actor=bob, recipient=recipient, status="acknowledged")
    assert "response is awaited" not in client.get("/library/recommendations/").content.decode()
    for user in (alice, charlie):
        client.force_login(user)
        assert "response is awaited" not in client.get("/library/recommendations/").content.decode()
