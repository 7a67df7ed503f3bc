"""The knowledge library as its people use it: the French joinery's editor writes an experience in French with
a Spanish translation and submits it; the secretariat returns it with a comment; the editor changes it and
submits it again; the secretariat publishes it; a Spanish reader finds it in the library in Spanish, an English
reader sees the French original marked. Every page passes axe-core."""

import pytest
from playwright.sync_api import expect

from browser_steps import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_write_review_publish_read(page, federation, accessible, look):
    log_in(page, "charlie", "charlie-password-1")
    page.goto("/library/mine/")
    accessible(page)
    look(page, "knowledge-mine-empty")
    page.get_by_role("link", name="Write an experience").first.click()
    page.get_by_label("Written in").select_option("fr")
    page.locator("#id_title").fill("Reprise de la menuiserie par ses salariés")
    page.locator("#id_summary").fill("Les salariés ont repris l'entreprise de leur patron.")
    page.locator("#id_problem").fill("Le patron partait à la retraite sans successeur.")
    page.locator("#id_actions").fill("Les salariés ont créé une Scop.")
    page.get_by_label("Figures").fill("Emplois maintenus: 20\nChiffre d'affaires: 1,2 M€")
    page.get_by_label("Worker buy-outs and business transfers").check()
    page.locator("details.translation summary", has_text="Spanish").click()
    page.locator("#id_tr_es_title").fill("Recuperación de la carpintería por sus trabajadores")
    accessible(page)
    look(page, "knowledge-form")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reprise de la menuiserie par ses salariés")
    accessible(page)
    look(page, "knowledge-draft")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("awaits the secretariat's review")).to_be_visible()
    log_out(page)

    log_in(page, "alice", "alice-password-1")
    page.goto("/library/review/")
    accessible(page)
    look(page, "knowledge-review")
    page.get_by_label("What should change").fill("Ajoutez ce que vous avez appris.")
    page.get_by_role("button", name="Return with this comment").click()
    expect(page.get_by_text("No experience awaits review.")).to_be_visible()
    log_out(page)

    log_in(page, "charlie", "charlie-password-1")
    page.goto("/library/mine/")
    page.get_by_role("link", name="Reprise de la menuiserie par ses salariés").click()
    expect(page.get_by_text("Ajoutez ce que vous avez appris.")).to_be_visible()
    accessible(page)
    look(page, "knowledge-returned")
    page.get_by_role("link", name="Edit").click()
    page.locator("#id_lessons").fill("Préparer la reprise trois ans à l'avance.")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Submit for review").click()
    log_out(page)

    log_in(page, "alice", "alice-password-1")
    page.goto("/library/review/")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("The experience is published.")).to_be_visible()
    log_out(page)

    page.goto("/es/library/")
    expect(page.get_by_role("link", name="Recuperación de la carpintería por sus trabajadores")).to_be_visible()
    accessible(page)
    look(page, "knowledge-library-es")
    page.goto("/library/?topic=transfers")
    page.get_by_role("link", name="Reprise de la menuiserie par ses salariés").click()
    expect(page.locator(".written-in")).to_have_text("Written in French")
    expect(page.get_by_role("link", name="Menuiserie Coopérative de Lyon").first).to_be_visible()
    accessible(page)
    look(page, "knowledge-experience-en")
