"""The library through the JSON API: public reads of published experiences, writes with a token by the same
rules as the pages, unpublished ones 404 to others, errors by field."""

import pytest

from cicopa.core.services import api_token_create
from cicopa.knowledge.models import Experience, ExperienceStatus

pytestmark = pytest.mark.django_db
BASE = "/api/v1/knowledge/experiences"


def bearer(user):
    return {"HTTP_AUTHORIZATION": "Bearer " + api_token_create(actor=user, user=user, name="test")[1]}


def post(client, url, body, auth):
    return client.post(url, body, content_type="application/json", **auth)


def test_write_submit_publish(client, federation, charlie, alice, make_data):
    body = {"organisation": "menuiserie", **make_data(translations={"en": {"title": "Buy-out of the joinery"}})}
    r = post(client, BASE, body, bearer(charlie))
    assert r.status_code == 201, r.content
    exp = r.json()
    assert exp["status"] == "draft" and exp["country"] == "FR" and exp["translations"]["en"]["title"]
    assert client.get(f"{BASE}/{exp['id']}").status_code == 404  # not public yet
    token = bearer(charlie)
    etag = client.get(f"{BASE}/{exp['id']}", **token)["ETag"]  # a token reads what its owner may see
    assert client.get(f"{BASE}/{exp['id']}", HTTP_AUTHORIZATION="Bearer not-a-token").status_code == 404
    client.force_login(charlie)  # so does the browser's session
    assert client.get(f"{BASE}/{exp['id']}")["ETag"] == etag
    assert client.get(f"{BASE}/{exp['id']}", HTTP_AUTHORIZATION="Bearer not-a-token").status_code == 404
    client.logout()
    r = client.patch(
        f"{BASE}/{exp['id']}", {"year": 2021}, content_type="application/json", HTTP_IF_MATCH=etag, **bearer(charlie)
    )
    assert r.status_code == 200 and r.json()["year"] == 2021
    r = client.patch(
        f"{BASE}/{exp['id']}", {"year": 2022}, content_type="application/json", HTTP_IF_MATCH=etag, **bearer(charlie)
    )
    assert r.status_code == 412
    assert post(client, f"{BASE}/{exp['id']}/publish", {}, bearer(alice)).status_code == 422  # a draft
    assert post(client, f"{BASE}/{exp['id']}/submit", {}, bearer(charlie)).status_code == 200
    assert post(client, f"{BASE}/{exp['id']}/publish", {}, bearer(charlie)).status_code == 403
    r = post(client, f"{BASE}/{exp['id']}/publish", {}, bearer(alice))
    assert r.status_code == 200 and r.json()["status"] == "published"
    listing = client.get(BASE).json()
    assert listing["count"] == 1 and listing["results"][0]["id"] == exp["id"]
    assert client.get(f"{BASE}/{exp['id']}").status_code == 200


def test_return_with_comment(client, submitted, alice):
    r = post(client, f"{BASE}/{submitted.pk}/return", {}, bearer(alice))
    assert r.status_code == 422
    r = post(client, f"{BASE}/{submitted.pk}/return", {"comment": "Des chiffres, svp."}, bearer(alice))
    assert r.status_code == 200 and r.json()["review_comment"] == "Des chiffres, svp."
    assert Experience.objects.get(pk=submitted.pk).status == ExperienceStatus.RETURNED


@pytest.mark.parametrize("who", ["anonymous", "dave"])
def test_unpublished_is_404_by_id(client, draft, dave, who):
    auth = {} if who == "anonymous" else bearer(dave)
    assert client.get(f"{BASE}/{draft.pk}", **auth).status_code == 404
    if auth:
        r = client.patch(f"{BASE}/{draft.pk}", {"title": "x"}, content_type="application/json", **auth)
        assert r.status_code == 404
        assert post(client, f"{BASE}/{draft.pk}/submit", {}, auth).status_code == 404


def test_officer_cannot_write_for_another_organisation(client, federation, bob, make_data):
    r = post(client, BASE, {"organisation": "taxis-madrid", **make_data()}, bearer(bob))
    assert r.status_code == 403 and r.json()["detail"]


def test_errors_by_field(client, federation, charlie):
    r = post(client, BASE, {"organisation": "menuiserie", "title": "", "year": 1500, "topics": ["x"]}, bearer(charlie))
    assert r.status_code == 422
    assert {"title", "year", "topics"} <= set(r.json()["detail"])
    r = post(client, BASE, {"organisation": "menuiserie", "title": "T", "status": "published"}, bearer(charlie))
    assert r.status_code == 422
    assert post(client, BASE, {"organisation": "menuiserie", "title": "T"}, {}).status_code == 401


def test_topics_in_the_readers_language(client, db):
    topics = client.get("/api/v1/knowledge/topics", HTTP_ACCEPT_LANGUAGE="es").json()
    assert {"code": "finance", "name": "Financiación y capital"} in topics
    assert len(topics) >= 11


def test_list_filters_words_through_the_index(client, published):
    assert client.get(f"{BASE}?q=SALARIES").json()["count"] == 1  # accents and case aside
    assert client.get(f"{BASE}?q=menuis").json()["count"] == 1  # a prefix
    assert client.get(f"{BASE}?q=boulangerie").json()["count"] == 0
    assert client.get(f"{BASE}?q=menuiserie&topic=training").json()["count"] == 0
