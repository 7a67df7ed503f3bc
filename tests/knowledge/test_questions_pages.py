"""The questions' pages per role: the public reads answered questions only (an open one is a 404), signed-in
people read them all; asking, answering, marking the most useful answer, closing and turning into an experience
by their forms, each refused to those who may not, with a clear message and nothing changed."""

import pytest

from cicopa.knowledge import question_services as services
from cicopa.knowledge.models import Experience, Question

pytestmark = pytest.mark.django_db
BASE = "/library/questions/"


@pytest.fixture
def open_and_answered(trade, charlie, erika):
    ask = lambda title: services.question_ask(  # noqa: E731
        actor=charlie,
        organisation=trade["menuiserie"],
        data={"language": "fr", "title": title, "body": "Détails de la question.", "topics": ["finance"]},
    )
    still_open, answered = ask("Question encore ouverte"), ask("Question avec réponse utile")
    services.answer_post(actor=erika, question=still_open, organisation=trade["constructora"], body="Respuesta uno.")
    answer = services.answer_post(
        actor=erika, question=answered, organisation=trade["constructora"], body="Respuesta útil."
    )
    services.answer_accept(actor=charlie, question=answered, answer=answer)
    return still_open, answered


def test_anonymous_reads_answered_questions_only(client, open_and_answered):
    still_open, answered = open_and_answered
    html = client.get(BASE).content.decode()
    assert "Question avec réponse utile" in html and "Question encore ouverte" not in html
    assert client.get(f"{BASE}{still_open.pk}/").status_code == 404
    page = client.get(f"{BASE}{answered.pk}/").content.decode()
    assert "Respuesta útil." in page and "Most useful" in page
    assert "Mark as most useful" not in page and "Post the answer" not in page
    assert client.get(f"{BASE}?state=open").content.decode().count("Question encore ouverte") == 0
    assert client.get(f"{BASE}ask/").status_code == 302  # to sign in


@pytest.mark.parametrize("who", ["dave", "alice", "bob", "erika"])
def test_signed_in_people_read_every_question(client, open_and_answered, request, who):
    still_open, _answered = open_and_answered
    client.force_login(request.getfixturevalue(who))
    html = client.get(BASE).content.decode()
    assert "Question encore ouverte" in html and "Question avec réponse utile" in html
    assert "Question avec réponse utile" not in client.get(f"{BASE}?state=open").content.decode()
    assert "Question encore ouverte" not in client.get(f"{BASE}?state=answered").content.decode()
    assert client.get(f"{BASE}{still_open.pk}/").status_code == 200


def test_filters(client, open_and_answered, alice):
    client.force_login(alice)
    assert "Question encore ouverte" in client.get(f"{BASE}?topic=finance&country=FR").content.decode()
    for query in ("topic=training", "country=ES", "sector=transport"):
        assert "Question encore ouverte" not in client.get(f"{BASE}?{query}").content.decode(), query
    assert client.get(f"{BASE}?topic=%C3%A9&country=x&state=zz&page=abc").status_code == 200


def test_the_library_links_to_the_questions(client):
    assert f'href="{BASE}"' in client.get("/library/").content.decode()


def test_ask_by_the_form(client, trade, charlie):
    client.force_login(charlie)
    page = client.get(f"{BASE}ask/")
    assert page.status_code == 200 and "Menuiserie Coopérative de Lyon" in page.content.decode()
    r = client.post(
        f"{BASE}ask/",
        {
            "organisation": trade["menuiserie"].pk,
            "language": "fr",
            "title": "Qui a une grille de salaires ?",
            "body": "Nous cherchons des exemples.",
            "topics": ["governance"],
        },
    )
    q = Question.objects.get()
    assert r.status_code == 302 and r["Location"] == q.get_absolute_url()
    assert q.author == charlie and q.country_id == "FR"


def test_ask_with_bad_input_shows_the_errors(client, trade, charlie):
    client.force_login(charlie)
    r = client.post(
        f"{BASE}ask/",
        {"organisation": trade["menuiserie"].pk, "language": "fr", "title": "x" * 201, "body": "", "topics": ["zz"]},
    )
    assert r.status_code == 200 and not Question.objects.exists()
    assert r.content.decode().count('class="errorlist') >= 3


def test_ask_is_refused_to_someone_without_an_organisation(client, dave):
    client.force_login(dave)
    assert client.get(f"{BASE}ask/").status_code == 403


def test_answer_accept_and_close_by_the_forms(client, open_and_answered, trade, charlie, erika, bob):
    still_open, _answered = open_and_answered
    client.force_login(bob)  # the federation's officer answers for the federation
    page = client.get(f"{BASE}{still_open.pk}/").content.decode()
    assert "Post the answer" in page and "Confédération générale des Scop" in page
    r = client.post(
        f"{BASE}{still_open.pk}/answers/", {"organisation": trade["cgscop"].pk, "body": "Voyez notre guide."}
    )
    answer = still_open.answers.get(organisation=trade["cgscop"])
    assert r.status_code == 302 and r["Location"].endswith(f"#answer-{answer.pk}")
    # an empty answer is refused on the page, with the form
    r = client.post(f"{BASE}{still_open.pk}/answers/", {"organisation": trade["cgscop"].pk, "body": "  "})
    assert r.status_code == 422 and still_open.answers.count() == 2
    client.force_login(erika)  # an answerer may not mark the most useful answer
    assert "Mark as most useful" not in client.get(f"{BASE}{still_open.pk}/").content.decode()
    assert client.post(f"{BASE}{still_open.pk}/accept/", {"answer": answer.pk}).status_code == 403
    client.force_login(charlie)
    page = client.get(f"{BASE}{still_open.pk}/").content.decode()
    assert "Mark as most useful" in page
    r = client.post(f"{BASE}{still_open.pk}/accept/", {"answer": answer.pk})
    assert r.status_code == 302 and Question.objects.get(pk=still_open.pk).accepted_answer == answer
    page = client.get(f"{BASE}{still_open.pk}/").content.decode()
    assert page.index("Voyez notre guide.") < page.index("Respuesta uno.")  # the most useful first
    assert client.post(f"{BASE}{still_open.pk}/accept/", {"answer": "999999"}).status_code == 404
    assert client.post(f"{BASE}{still_open.pk}/close/").status_code == 302
    client.force_login(erika)
    r = client.post(f"{BASE}{still_open.pk}/answers/", {"organisation": trade["constructora"].pk, "body": "Tarde"})
    assert r.status_code == 302 and still_open.answers.count() == 2  # refused: closed


def test_a_person_without_an_organisation_cannot_answer(client, open_and_answered, dave):
    still_open, _answered = open_and_answered
    client.force_login(dave)
    assert "Post the answer" not in client.get(f"{BASE}{still_open.pk}/").content.decode()
    assert client.post(f"{BASE}{still_open.pk}/answers/", {"body": "Moi"}).status_code == 403
    assert still_open.answers.count() == 1


def test_edit_question_and_answer_pages(client, open_and_answered, charlie, erika, bob):
    still_open, _answered = open_and_answered
    answer = still_open.answers.get()
    client.force_login(bob)  # answered: only its author edits it now
    assert client.get(f"{BASE}{still_open.pk}/edit/").status_code == 403
    client.force_login(charlie)
    r = client.post(
        f"{BASE}{still_open.pk}/edit/",
        {"language": "fr", "title": "Question précisée", "body": "Plus clair.", "topics": ["finance"]},
    )
    assert r.status_code == 302
    assert Question.objects.get(pk=still_open.pk).title == "Question précisée"
    assert client.get(f"{BASE}{still_open.pk}/answers/{answer.pk}/edit/").status_code == 403
    client.force_login(erika)
    r = client.post(f"{BASE}{still_open.pk}/answers/{answer.pk}/edit/", {"body": "Respuesta corregida."})
    assert r.status_code == 302
    answer.refresh_from_db()
    assert answer.body == "Respuesta corregida." and answer.edited_at


def test_turn_into_an_experience_by_the_page(client, open_and_answered, alice, charlie):
    _still_open, answered = open_and_answered
    client.force_login(charlie)
    assert "Turn into an experience" not in client.get(f"{BASE}{answered.pk}/").content.decode()
    assert client.post(f"{BASE}{answered.pk}/experience/").status_code == 403
    client.force_login(alice)
    assert "Turn into an experience" in client.get(f"{BASE}{answered.pk}/").content.decode()
    r = client.post(f"{BASE}{answered.pk}/experience/")
    exp = Experience.objects.get()
    assert r.status_code == 302 and r["Location"] == exp.get_absolute_url()
    assert client.get(exp.get_absolute_url()).status_code == 200
    page = client.get(f"{BASE}{answered.pk}/").content.decode()
    assert "Turn into an experience" not in page and exp.get_absolute_url() in page
    r = client.post(f"{BASE}{answered.pk}/experience/", follow=True)  # twice: refused with a message
    assert "This question is an experience already." in r.content.decode() and Experience.objects.count() == 1


def test_unknown_step_and_ids_are_404(client, open_and_answered, charlie):
    still_open, _answered = open_and_answered
    client.force_login(charlie)
    assert client.post(f"{BASE}{still_open.pk}/dance/").status_code == 404
    assert client.get(f"{BASE}999999/").status_code == 404
    assert client.get(f"{BASE}{still_open.pk}/answers/999999/edit/").status_code == 404


def test_unicode_on_the_page(client, trade, erika):
    q = services.question_ask(
        actor=erika,
        organisation=trade["constructora"],
        data={"language": "es", "title": "¿Excedentes? 協同組合 🌱", "body": "Ñandú <b>no</b>"},
    )
    client.force_login(erika)
    html = client.get(f"{BASE}{q.pk}/").content.decode()
    assert "¿Excedentes? 協同組合 🌱" in html and "Ñandú &lt;b&gt;no&lt;/b&gt;" in html


def test_pages_query_count_does_not_grow(client, trade, charlie, erika, django_assert_max_num_queries):
    for i in range(6):
        q = services.question_ask(
            actor=charlie,
            organisation=trade["menuiserie"],
            data={"language": "fr", "title": f"Question {i}", "body": "Détails.", "topics": ["finance", "governance"]},
        )
        for j in range(3):
            services.answer_post(actor=erika, question=q, organisation=trade["constructora"], body=f"Réponse {j}")
    client.force_login(charlie)
    with django_assert_max_num_queries(25):
        assert client.get(BASE).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(f"{BASE}{q.pk}/").status_code == 200


def test_back_office_reads_questions_with_their_answers(client, open_and_answered, alice, charlie):
    still_open, _answered = open_and_answered
    client.force_login(alice)
    assert "Question encore ouverte" in client.get("/admin/knowledge/question/").content.decode()
    page = client.get(f"/admin/knowledge/question/{still_open.pk}/change/")
    assert page.status_code == 200 and "Respuesta uno." in page.content.decode()
    assert client.get("/admin/knowledge/question/add/").status_code == 403
    client.force_login(charlie)
    assert client.get("/admin/knowledge/question/").status_code == 302


def test_asked_by_us(client, open_and_answered, trade, erika, charlie, bob):
    theirs = services.question_ask(
        actor=erika,
        organisation=trade["constructora"],
        data={"language": "es", "title": "Pregunta de Valencia", "body": "Detalles."},
    )
    client.force_login(bob)  # the federation's officer: its member co-operative's questions are "ours"
    html = client.get(f"{BASE}?mine=1").content.decode()
    assert "Question encore ouverte" in html and theirs.title not in html
    client.force_login(erika)
    html = client.get(f"{BASE}?mine=1").content.decode()
    assert theirs.title in html and "Question encore ouverte" not in html
    client.logout()
    assert "question-card" not in client.get(f"{BASE}?mine=1").content.decode()
