"""Questions to the network as their people use them: the French joinery's editor asks a question; the Spanish
building co-operative's editor answers it; the asker marks the answer as the most useful; the public then reads
it in the library's search and on its page; the secretariat turns it into an experience. Every page passes
axe-core."""

import pytest
from playwright.sync_api import expect

from browser_steps import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ask_answer_mark_read_publish(page, trade, accessible, look):
    title = "Comment rémunérer les heures de formation ?"
    log_in(page, "charlie", "charlie-password-1")
    page.goto("/library/")
    page.get_by_role("link", name="Questions to the network").click()
    accessible(page)
    page.get_by_role("link", name="Ask a question").click()
    page.get_by_role("button", name="Ask the question").click()  # empty: each field says what it needs
    expect(page.get_by_text("Write the question in a line.")).to_be_visible()
    accessible(page)
    look(page, "questions-ask-errors")
    page.get_by_label("Your question").fill(title)
    page.get_by_label("Details").fill("Nos apprentis suivent des cours deux jours par semaine.")
    page.get_by_label("Written in").select_option("fr")
    page.get_by_label("Training").check()
    page.get_by_role("button", name="Ask the question").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    accessible(page)
    look(page, "questions-asked")
    log_out(page)

    page.goto("/library/questions/")
    expect(page.get_by_text(title)).to_have_count(0)  # the public: not answered yet

    log_in(page, "erika", "erika-password-1")
    page.goto("/library/questions/")
    page.get_by_role("link", name=title).click()
    page.get_by_label("Your answer").fill("Pagamos las horas de aprendizaje como horas de trabajo.")
    page.get_by_role("button", name="Post the answer").click()
    expect(page.get_by_text("Your answer is posted. Thank you.")).to_be_visible()
    accessible(page)
    log_out(page)

    log_in(page, "charlie", "charlie-password-1")
    page.goto("/library/questions/")
    page.get_by_role("link", name=title).click()
    page.get_by_role("button", name="Mark as most useful").click()
    expect(page.get_by_text("Most useful", exact=True)).to_be_visible()
    accessible(page)
    look(page, "questions-answered")
    log_out(page)

    page.goto("/library/?q=aprendizaje")
    page.get_by_role("link", name=title).click()
    expect(page.get_by_text("Pagamos las horas de aprendizaje")).to_be_visible()
    accessible(page)

    log_in(page, "alice", "alice-password-1")
    page.goto("/library/questions/")
    page.get_by_role("link", name=title).click()
    page.get_by_role("button", name="Turn into an experience").click()
    expect(page.get_by_text("The question and its answers are published as an experience.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    accessible(page)
    look(page, "questions-experience")
