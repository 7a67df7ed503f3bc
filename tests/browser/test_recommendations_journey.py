"""Recommendations as their people use them: the secretariat writes one in English, French and Spanish, issues it
and circulates it to the member organisations of Europe after counting them; the French federation's officer reads
it in French and records its response with a comment; the secretariat reads the adoption dashboard. Every page
passes axe-core."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def log_out(page):
    page.locator("header form[action*='/logout/'] button").click()
    expect(page.locator("header form[action*='/logout/']")).to_have_count(0)


@pytest.fixture
def europe(federation, alice, bob):
    """Besides the French and Spanish federations, an Italian and a Kenyan one; bob reads French."""
    from cicopa.core.models import Country, Profile
    from cicopa.registry import services
    from cicopa.registry.models import OrganisationKind

    Profile.objects.update_or_create(user=bob, defaults={"language": "fr"})
    for name, iso, slug in [("Legacoop Produzione e Servizi", "IT", "legacoop"), ("KFWC", "KE", "kfwc")]:
        services.organisation_create(
            actor=alice,
            parent=federation["cicopa"],
            data={
                "kind": OrganisationKind.MEMBER_ORGANISATION,
                "name": name,
                "country": Country.objects.get(iso2=iso),
                "slug": slug,
            },
        )
    return federation


def test_write_issue_circulate_answer_and_follow(page, europe, alice, accessible, look):
    log_in(page, "alice", "alice-password-1")
    page.goto("/library/recommendations/")
    accessible(page)
    page.get_by_role("link", name="Write a recommendation").click()
    page.locator("#id_title_en").fill("Open public procurement to producers' co-operatives")
    page.locator("#id_text_en").fill("Member organisations are invited to press for reserved contracts.")
    page.locator("#id_title_fr").fill("Ouvrir les marchés publics aux coopératives de production")
    page.locator("#id_text_fr").fill("Les organisations membres sont invitées à défendre les marchés réservés.")
    page.locator("#id_follow_up_date").fill("2027-01-31")
    page.get_by_label("Public procurement").check()
    accessible(page)
    look(page, "recommendation-form")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("This recommendation is a draft")).to_be_visible()
    page.get_by_role("button", name="Issue").click()
    expect(page.get_by_text("the text in Spanish is missing", exact=False)).to_be_visible()
    page.get_by_role("link", name="Edit").click()
    page.locator("#id_title_es").fill("Abrir la contratación pública a las cooperativas de producción")
    page.locator("#id_text_es").fill("Se invita a las organizaciones miembros a defender los contratos reservados.")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Issue").click()
    expect(page.get_by_text("The recommendation is issued")).to_be_visible()
    accessible(page)
    look(page, "recommendation-issued")

    page.get_by_role("link", name="Circulate").click()
    page.get_by_label("By region").check()
    page.get_by_label("Regions").select_option("150")
    page.get_by_role("button", name="Count the organisations").click()
    expect(page.get_by_text("This choice reaches 3 member organisations")).to_be_visible()
    accessible(page)
    look(page, "recommendation-circulate")
    page.get_by_role("button", name="Send it to 3 organisations").click()
    expect(page.get_by_text("sent to 3 more member organisations")).to_be_visible()
    log_out(page)

    log_in(page, "bob", "bob-password-1")
    page.goto("/library/recommendations/")
    page.get_by_role("link", name="Open public procurement to producers' co-operatives").click()
    page.get_by_label("Where your organisation stands").select_option("under_consideration")
    page.get_by_label("Comment").fill("À l'ordre du jour de notre conseil d'administration.")
    page.get_by_label("Evidence: a link").fill("https://cg-scop.example/conseil")
    page.get_by_role("button", name="Record the response").click()
    expect(page.get_by_text("Your organisation's response is recorded.")).to_be_visible()
    accessible(page)
    look(page, "recommendation-response")
    log_out(page)

    from cicopa.knowledge import recommendation_services as rs
    from cicopa.knowledge.models import Recipient

    italy = Recipient.objects.get(organisation__slug="legacoop")
    rs.response_record(actor=alice, recipient=italy, status="adopted", comment="By letter of the president.")
    log_in(page, "alice", "alice-password-1")
    page.goto(f"/library/recommendations/{italy.recommendation_id}/")
    page.get_by_role("link", name="Adoption by member organisations").click()
    expect(page.get_by_role("heading", name="1 organisation has not answered")).to_be_visible()
    expect(page.locator(".adoption-table")).to_contain_text("Under consideration")
    accessible(page)
    look(page, "recommendation-adoption")
