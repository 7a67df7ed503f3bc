"""Answered questions in the library's one search: a question enters the index with its answers when its asker
marks the most useful answer, changes there when it or an answer changes, and leaves it when the mark is
withdrawn; an open question is in no search, facet, feed or API answer. Its card is in its own language, marked
for a reader of another."""

import pytest
from django.utils import translation

from cicopa.knowledge import library
from cicopa.knowledge import question_services as services
from cicopa.knowledge.library import LibraryFilters
from cicopa.knowledge.models import LibraryEntry

pytestmark = pytest.mark.django_db


def found(q="", **filters):
    page = library.search(LibraryFilters(q=q, **{k: tuple(v) for k, v in filters.items()}))
    return [(hit.kind, hit.card.title) for hit in page.hits]


@pytest.fixture
def question(trade, charlie):
    return services.question_ask(
        actor=charlie,
        organisation=trade["menuiserie"],
        data={
            "language": "fr",
            "title": "Comment rémunérer les heures de formation ?",
            "body": "Nos apprentis suivent des cours deux jours par semaine.",
            "topics": ["training"],
            "sectors": ["construction"],
        },
    )


@pytest.fixture
def answer(question, trade, erika):
    return services.answer_post(
        actor=erika, question=question, organisation=trade["constructora"], body="Pagamos las horas de aprendizaje."
    )


TITLE = "Comment rémunérer les heures de formation ?"


def test_open_question_is_not_in_the_library(client, answer):
    assert found("apprentis") == [] and found("aprendizaje") == []
    assert not LibraryEntry.objects.exists()
    assert "rémunérer" not in client.get("/library/?q=formation").content.decode()
    assert client.get("/api/v1/knowledge/search?q=apprentis").json()["count"] == 0


def test_answered_question_is_found_by_its_words_and_its_answers(client, question, answer, charlie):
    services.answer_accept(actor=charlie, question=question, answer=answer)
    assert found("apprentis") == [("question", TITLE)]
    assert found("APRENDIZAJE") == [("question", TITLE)]  # an answer's words, accents and case aside
    assert found("Valencia") == [("question", TITLE)]  # who answered
    assert found("", kind=["question"], topic=["training"], country=["FR"]) == [("question", TITLE)]
    assert found("", kind=["experience"]) == []
    page = client.get("/library/?q=apprentis").content.decode()
    assert TITLE in page and question.get_absolute_url() in page
    api = client.get("/api/v1/knowledge/search?q=apprentis").json()
    assert api["count"] == 1 and api["results"][0]["kind"] == "question"
    assert api["results"][0]["original_language"] == "fr"  # an English reader: the French original, marked
    with translation.override("fr"):
        hit = library.search(LibraryFilters(q="apprentis")).hits[0]
    assert hit.card.original_language is None and hit.card.url == f"/fr/library/questions/{question.pk}/"


def test_the_index_follows_changes_and_the_withdrawn_mark(question, answer, charlie, erika, trade):
    services.answer_accept(actor=charlie, question=question, answer=answer)
    services.answer_post(actor=charlie, question=question, organisation=trade["menuiserie"], body="Merci, c'est clair.")
    assert found("clair") == [("question", TITLE)]  # a new answer to an answered question
    services.answer_update(actor=erika, answer=answer, body="Pagamos las horas de estudio.")
    assert found("aprendizaje") == [] and found("estudio") == [("question", TITLE)]
    services.question_update(actor=charlie, question=question, data={"title": "Rémunérer la formation en alternance"})
    assert found("alternance") == [("question", "Rémunérer la formation en alternance")]
    services.answer_unaccept(actor=charlie, question=question)
    assert found("alternance") == [] and not LibraryEntry.objects.exists()


def test_closing_keeps_an_answered_question_in_the_library(question, answer, charlie):
    services.answer_accept(actor=charlie, question=question, answer=answer)
    services.question_close(actor=charlie, question=question)
    assert found("apprentis") == [("question", TITLE)]


def test_library_cards_leave_out_what_is_not_public(question, answer, charlie, trade):
    from cicopa.knowledge.question_queries import library_cards

    assert library_cards([question.pk]) == {}
    services.answer_accept(actor=charlie, question=question, answer=answer)
    card = library_cards([question.pk])[question.pk]
    assert card.title == TITLE and "Pagamos las horas" in card.text and card.summary.startswith("Nos apprentis")


def test_the_library_links_to_the_questions(client):
    assert 'href="/library/questions/"' in client.get("/library/").content.decode()


def test_answered_questions_are_in_the_feeds_and_open_ones_not(client, question, answer, charlie):
    assert b"apprentis" not in client.get("/library/feed.atom").content
    services.answer_accept(actor=charlie, question=question, answer=answer)
    for url in ("/library/feed.atom", "/library/topics/training/feed.atom"):
        body = client.get(url).content.decode()
        assert "Comment rémunérer les heures de formation ?" in body and f"/library/questions/{question.pk}/" in body
    services.answer_unaccept(actor=charlie, question=question)
    assert "rémunérer" not in client.get("/library/feed.atom").content.decode()
