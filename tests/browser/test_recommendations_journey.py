"""Recommendations as their people use them, from an experience to its adoption: the French federation's officer
writes an experience in French and submits it; the secretariat publishes it, writes a recommendation in English,
French and Spanish linked to it, issues it and circulates it to the member organisations of Europe after
counting them; the Spanish federation's officer reads it in Spanish and records "partly adopted" with a comment,
a link and a document as evidence; the secretariat's adoption dashboard shows it. Every page passes axe-core."""

import pytest
from playwright.sync_api import expect

from browser_steps import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def europe(federation, alice, bob):
    """Besides the French and Spanish federations, an Italian and a Kenyan one; bob, the French federation's
    officer, reads French; rosa, the Spanish federation's officer, reads Spanish."""
    from django.contrib.auth import get_user_model

    from cicopa.core.models import Country, Profile
    from cicopa.registry import access_services, services
    from cicopa.registry.models import AccessRole, OrganisationKind

    Profile.objects.update_or_create(user=bob, defaults={"language": "fr"})
    rosa = get_user_model().objects.create_user("rosa", "rosa@example.org", "rosa-password-1")
    Profile.objects.update_or_create(user=rosa, defaults={"language": "es"})
    access_services.access_grant(actor=alice, user=rosa, organisation=federation["coceta"], role=AccessRole.OFFICER)
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


def test_from_an_experience_to_its_adoption(page, europe, accessible, look, tmp_path):
    log_in(page, "bob", "bob-password-1")
    page.goto("/library/experiences/new/")
    page.get_by_label("Organisation").select_option(label="Confédération générale des Scop")
    page.get_by_label("Written in").select_option("fr")
    page.locator("#id_title").fill("Transmettre une entreprise à ses salariés en trois ans")
    page.locator("#id_summary").fill("Comment notre réseau accompagne les reprises d'entreprises par les salariés.")
    page.locator("#id_problem").fill("Des milliers de dirigeants partent à la retraite sans successeur.")
    page.locator("#id_actions").fill("Un fonds de reprise et un accompagnement de trois ans.")
    page.get_by_label("Worker buy-outs and business transfers").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("awaits the secretariat's review")).to_be_visible()
    log_out(page)

    log_in(page, "alice", "alice-password-1")
    page.goto("/library/review/")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("The experience is published.")).to_be_visible()
    page.goto("/library/recommendations/")
    accessible(page)
    page.get_by_role("link", name="Write a recommendation").click()
    page.locator("#id_title_en").fill("Open public procurement to producers' co-operatives")
    page.locator("#id_text_en").fill("Member organisations are invited to press for reserved contracts.")
    page.locator("#id_title_fr").fill("Ouvrir les marchés publics aux coopératives de production")
    page.locator("#id_text_fr").fill("Les organisations membres sont invitées à défendre les marchés réservés.")
    page.locator("#id_follow_up_date").fill("2027-01-31")
    page.get_by_label("Public procurement").check()
    page.get_by_label("Linked experiences").select_option(
        label="Transmettre une entreprise à ses salariés en trois ans"
    )
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
    expect(page.get_by_role("link", name="Transmettre une entreprise à ses salariés en trois ans")).to_be_visible()
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

    evidence = tmp_path / "acuerdo-consejo.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    log_in(page, "rosa", "rosa-password-1")
    page.goto("/es/library/recommendations/")
    page.get_by_role("link", name="Abrir la contratación pública a las cooperativas de producción").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Abrir la contratación pública a las cooperativas de producción"
    )
    page.get_by_label("Posición de su organización").select_option("partly_adopted")
    page.locator(".response-form textarea").fill("Adoptada para los contratos de limpieza, no para los de obras.")
    page.get_by_label("Justificante: un enlace").fill("https://coceta.example/acuerdo")
    page.get_by_label("Justificante: un documento").set_input_files(str(evidence))
    page.get_by_role("button", name="Registrar la respuesta").click()
    expect(page.locator(".response-history")).to_contain_text("Adoptada en parte")
    accessible(page)
    look(page, "recommendation-response-es")
    log_out(page)

    log_in(page, "alice", "alice-password-1")
    page.goto("/library/recommendations/")
    page.get_by_role("link", name="Open public procurement to producers' co-operatives").click()
    page.get_by_role("link", name="Adoption by member organisations").click()
    expect(page.get_by_role("heading", name="2 organisations have not answered")).to_be_visible()
    table = page.locator(".adoption-table")
    expect(table).to_contain_text("Partly adopted")
    expect(table).to_contain_text("Adoptada para los contratos de limpieza")
    expect(table.get_by_role("link", name="acuerdo-consejo.pdf")).to_be_visible()
    accessible(page)
    look(page, "recommendation-adoption")
