"""Questions and answers through the JSON API: the public reads answered questions only (an open one is a 404 by
id), signed-in people read them all; asking, answering, marking the most useful answer, closing and turning into
an experience with a token, by the same rules as the pages; errors by field, nothing changed."""

import pytest

from cicopa.core.services import api_token_create
from cicopa.knowledge.models import Experience, Question

pytestmark = pytest.mark.django_db
BASE = "/api/v1/knowledge/questions"
QUESTION = {
    "organisation": "menuiserie",
    "language": "fr",
    "title": "Comment fixer les salaires ?",
    "body": "Nous voulons une grille juste.",
    "topics": ["governance"],
    "sectors": ["construction"],
}


def bearer(user):
    return {"HTTP_AUTHORIZATION": "Bearer " + api_token_create(actor=user, user=user, name="test")[1]}


def post(client, url, body, auth):
    return client.post(url, body, content_type="application/json", **auth)


def test_ask_answer_accept_close(client, trade, charlie, erika, alice):
    r = post(client, BASE, QUESTION, bearer(charlie))
    assert r.status_code == 201, r.content
    q = r.json()
    assert q["status"] == "open" and q["country"] == "FR" and q["answers"] == [] and q["topics"] == ["governance"]
    assert client.get(f"{BASE}/{q['id']}").status_code == 404  # the public: not answered yet
    assert client.get(BASE).json()["count"] == 0
    r = post(
        client,
        f"{BASE}/{q['id']}/answers",
        {"organisation": "constructora", "body": "Una escala 1 a 3."},
        bearer(erika),
    )
    assert r.status_code == 201 and r.json()["answers"][0]["organisation"]["slug"] == "constructora"
    answer_id = r.json()["answers"][0]["id"]
    r = post(client, f"{BASE}/{q['id']}/answers", {"body": "Voyez le guide."}, bearer(alice))  # the secretariat itself
    assert r.status_code == 201 and r.json()["answers"][1]["organisation"] is None
    assert post(client, f"{BASE}/{q['id']}/answers/{answer_id}/accept", {}, bearer(erika)).status_code == 403
    assert post(client, f"{BASE}/{q['id']}/answers/{answer_id}/accept", {}, bearer(alice)).status_code == 403
    r = post(client, f"{BASE}/{q['id']}/answers/{answer_id}/accept", {}, bearer(charlie))
    assert r.status_code == 200 and r.json()["status"] == "answered" and r.json()["answers"][0]["most_useful"]
    public = client.get(f"{BASE}/{q['id']}")
    assert public.status_code == 200 and public.json()["accepted_answer"] == answer_id
    assert client.get(BASE).json()["results"][0]["id"] == q["id"]
    assert post(client, f"{BASE}/{q['id']}/close", {}, bearer(erika)).status_code == 403
    r = post(client, f"{BASE}/{q['id']}/close", {}, bearer(charlie))
    assert r.status_code == 200 and r.json()["status"] == "closed"
    r = post(client, f"{BASE}/{q['id']}/answers", {"organisation": "constructora", "body": "Tarde."}, bearer(erika))
    assert r.status_code == 422 and "status" in r.json()["detail"]


def test_signed_in_reads_all_and_filters(client, trade, charlie, dave):
    q = post(client, BASE, QUESTION, bearer(charlie)).json()
    client.force_login(dave)  # a session reads without a token
    assert client.get(f"{BASE}/{q['id']}").status_code == 200
    assert client.get(BASE).json()["count"] == 1
    assert client.get(f"{BASE}?state=answered").json()["count"] == 0
    assert client.get(f"{BASE}?topic=governance&country=FR&state=open").json()["count"] == 1
    assert client.get(f"{BASE}?country=ES").json()["count"] == 0


def test_accept_an_answer_of_another_question_is_404(client, trade, charlie, erika):
    mine = post(client, BASE, QUESTION, bearer(charlie)).json()
    theirs = post(
        client, BASE, {**QUESTION, "organisation": "constructora", "language": "es", "title": "¿Otra?"}, bearer(erika)
    ).json()
    answer = post(
        client, f"{BASE}/{theirs['id']}/answers", {"organisation": "menuiserie", "body": "Oui."}, bearer(charlie)
    ).json()["answers"][0]
    assert post(client, f"{BASE}/{mine['id']}/answers/{answer['id']}/accept", {}, bearer(charlie)).status_code == 404
    assert post(client, f"{BASE}/{theirs['id']}/answers/{answer['id']}/accept", {}, bearer(charlie)).status_code == 403
    assert not Question.objects.filter(accepted_answer__isnull=False).exists()


def test_question_to_experience_secretariat_only_and_once(client, trade, charlie, erika, alice, bob):
    q = post(client, BASE, QUESTION, bearer(charlie)).json()
    post(client, f"{BASE}/{q['id']}/answers", {"organisation": "constructora", "body": "Escala 1 a 3."}, bearer(erika))
    assert post(client, f"{BASE}/{q['id']}/experience", {}, bearer(bob)).status_code == 403
    assert post(client, f"{BASE}/{q['id']}/experience", {}, bearer(charlie)).status_code == 403
    r = post(client, f"{BASE}/{q['id']}/experience", {}, bearer(alice))
    assert r.status_code == 201
    exp = Experience.objects.get(pk=r.json()["id"])
    assert exp.status == "published" and "Escala 1 a 3." in exp.actions
    assert client.get(f"/api/v1/knowledge/experiences/{exp.pk}").status_code == 200
    r = post(client, f"{BASE}/{q['id']}/experience", {}, bearer(alice))
    assert r.status_code == 422 and "experience" in r.json()["detail"]
    assert Experience.objects.count() == 1
    assert client.get(f"{BASE}/{q['id']}").status_code == 404  # still open: an experience made of it is public


@pytest.mark.parametrize("who", ["anonymous", "dave"])
def test_writes_refused_to_the_public_and_to_people_without_an_organisation(client, trade, charlie, dave, who):
    q = post(client, BASE, QUESTION, bearer(charlie)).json()
    auth = {} if who == "anonymous" else bearer(dave)
    expected = 401 if who == "anonymous" else 403
    assert post(client, BASE, QUESTION, auth).status_code == expected
    assert post(client, f"{BASE}/{q['id']}/answers", {"body": "Moi"}, auth).status_code == (
        401 if who == "anonymous" else 403
    )
    assert Question.objects.count() == 1 and not Question.objects.get().answers.exists()


def test_errors_by_field(client, trade, charlie, erika):
    auth = bearer(charlie)
    r = post(client, BASE, {**QUESTION, "title": "x" * 201, "body": "  ", "topics": ["nope"]}, auth)
    assert r.status_code == 422 and {"title", "body", "topics"} <= set(r.json()["detail"])
    r = post(client, BASE, {**QUESTION, "topics": "governance"}, auth)  # a string, not a list
    assert r.status_code == 422
    r = post(client, BASE, {**QUESTION, "title": 12}, auth)  # a number, not a text
    assert r.status_code == 422
    r = post(client, BASE, {**QUESTION, "status": "answered"}, auth)  # no such field
    assert r.status_code == 422
    r = post(client, BASE, {**QUESTION, "organisation": "nope"}, auth)
    assert r.status_code == 422 and "organisation" in r.json()["detail"]
    r = post(client, BASE, {**QUESTION, "organisation": "constructora"}, auth)
    assert r.status_code == 403
    assert not Question.objects.exists()
    q = post(client, BASE, QUESTION, auth).json()
    for body in ({"body": ""}, {"body": ["x"]}, {}, {"body": "x", "organisation": 5}):
        assert post(client, f"{BASE}/{q['id']}/answers", body, bearer(erika)).status_code == 422, body
    assert post(client, f"{BASE}/999999/answers", {"body": "x"}, bearer(erika)).status_code == 404
    assert not Question.objects.get().answers.exists()


def test_unicode(client, trade, erika):
    body = {**QUESTION, "organisation": "constructora", "language": "es", "title": "¿Excedente? 協同組合 🌱"}
    r = post(client, BASE, body, bearer(erika))
    assert r.status_code == 201 and r.json()["title"] == "¿Excedente? 協同組合 🌱"


def patch(client, url, body, auth, **headers):
    return client.patch(url, body, content_type="application/json", **auth, **headers)


def test_change_question_and_answer_and_withdraw_the_mark(client, trade, charlie, erika, bob):
    q = post(client, BASE, QUESTION, bearer(charlie)).json()
    client.force_login(charlie)
    etag = client.get(f"{BASE}/{q['id']}")["ETag"]
    client.logout()
    r = patch(
        client, f"{BASE}/{q['id']}", {"title": "Comment fixer des salaires justes ?"}, bearer(bob), HTTP_IF_MATCH=etag
    )
    assert r.status_code == 200 and r.json()["title"] == "Comment fixer des salaires justes ?"  # no answer yet
    r = patch(client, f"{BASE}/{q['id']}", {"title": "Encore"}, bearer(charlie), HTTP_IF_MATCH=etag)
    assert r.status_code == 412  # bob changed it since
    r = post(client, f"{BASE}/{q['id']}/answers", {"body": "Escala de 1 a 3."}, bearer(erika))  # her one co-operative
    assert r.status_code == 201 and r.json()["answers"][0]["organisation"]["slug"] == "constructora"
    answer_id = r.json()["answers"][0]["id"]
    assert patch(client, f"{BASE}/{q['id']}", {"title": "Autre"}, bearer(bob)).status_code == 403  # answered now
    assert patch(client, f"{BASE}/{q['id']}", {"body": "Plus clair."}, bearer(charlie)).status_code == 200
    assert patch(client, f"{BASE}/{q['id']}", {"title": None}, bearer(charlie)).status_code == 422
    url = f"{BASE}/{q['id']}/answers/{answer_id}"
    assert patch(client, url, {"body": "Cambio"}, bearer(charlie)).status_code == 403
    assert patch(client, url, {"body": ""}, bearer(erika)).status_code == 422
    r = patch(client, url, {"body": "Escala de 1 a 4."}, bearer(erika))
    assert r.status_code == 200 and r.json()["answers"][0]["body"] == "Escala de 1 a 4."
    assert patch(client, f"{BASE}/{q['id']}/answers/999999", {"body": "x"}, bearer(erika)).status_code == 404
    assert post(client, f"{BASE}/{q['id']}/unaccept", {}, bearer(charlie)).status_code == 422  # none marked
    post(client, f"{url}/accept", {}, bearer(charlie))
    assert client.get(f"{BASE}/{q['id']}").status_code == 200
    assert post(client, f"{BASE}/{q['id']}/unaccept", {}, bearer(erika)).status_code == 403
    r = post(client, f"{BASE}/{q['id']}/unaccept", {}, bearer(charlie))
    assert r.status_code == 200 and r.json()["status"] == "open" and r.json()["accepted_answer"] is None
    assert client.get(f"{BASE}/{q['id']}").status_code == 404  # no longer public
