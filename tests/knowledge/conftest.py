"""Knowledge fixtures: an experience of the French joinery co-operative written by charlie (its editor, who
reads French), and helpers that take one through the workflow."""

import pytest

from cicopa.knowledge import services
from knowledge_texts import recommendation_texts


def experience_data(**overrides):
    data = {
        "language": "fr",
        "title": "Reprise de la menuiserie par ses salariés",
        "summary": "Les salariés ont repris l'entreprise.",
        "problem": "Le patron partait à la retraite.",
        "actions": "Création d'une Scop.",
        "results": "Vingt emplois sauvés.",
        "figures": "Emplois: 20",
        "lessons": "S'y prendre tôt.",
        "contact": "contact@menuiserie.example",
        "topics": ["transfers", "finance"],
        "sectors": ["construction"],
        "year": 2020,
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_data():
    return experience_data


@pytest.fixture
def draft(federation, charlie):
    from cicopa.core.models import Profile

    Profile.objects.update_or_create(user=charlie, defaults={"language": "fr"})
    return services.experience_create(actor=charlie, organisation=federation["menuiserie"], data=experience_data())


@pytest.fixture
def submitted(draft, charlie):
    return services.experience_submit(actor=charlie, experience=draft)


@pytest.fixture
def published(submitted, alice):
    return services.experience_publish(actor=alice, experience=submitted)


# --- Recommendations ----------------------------------------------------------------------------------------------
# A hand-counted world of member organisations: FR (cg-scop, bob its officer, reads French), ES (coceta, elena its
# officer, reads Spanish), IT (legacoop, construction; marco its officer, reads English), CO (colombia,
# construction), KE (kenya, transport); not member organisations: a dissolved one of Germany and the co-operatives.
#   all: 5 · Europe (150): FR ES IT · Southern Europe (039): ES IT · Americas (019): CO · countries FR+KE: 2
#   sector construction: IT CO · sector transport: KE


@pytest.fixture
def rec_world(federation, alice, bob):
    from django.contrib.auth import get_user_model

    from cicopa.core.models import Country, Profile
    from cicopa.registry import access_services
    from cicopa.registry import services as registry
    from cicopa.registry.models import AccessRole, OrganisationKind

    def member(name, iso, slug, sectors=(), status="active"):
        data = {
            "kind": OrganisationKind.MEMBER_ORGANISATION,
            "name": name,
            "country": Country.objects.get(iso2=iso),
            "slug": slug,
            "sectors": list(sectors),
        }
        org = registry.organisation_create(actor=alice, parent=federation["cicopa"], data=data)
        if status != "active":
            org.status = status
            org.save(update_fields=["status"])
        return org

    users = get_user_model().objects
    elena = users.create_user("elena", "elena@example.org", "elena-password-1")
    marco = users.create_user("marco", "marco@example.org", "marco-password-1")
    Profile.objects.update_or_create(user=bob, defaults={"language": "fr"})
    Profile.objects.update_or_create(user=elena, defaults={"language": "es"})
    Profile.objects.update_or_create(user=marco, defaults={"language": "en"})
    world = {
        "fr": federation["cgscop"],
        "es": federation["coceta"],
        "it": member("Legacoop Produzione e Servizi", "IT", "legacoop", ["construction"]),
        "co": member("Federación de Cooperativas de Colombia", "CO", "colombia", ["construction"]),
        "ke": member("Kenya Federation of Workers' Co-operatives", "KE", "kenya", ["transport"]),
        "de": member("Aufgelöster Verband", "DE", "aufgeloest", ["construction"], status="dissolved"),
        "elena": elena,
        "marco": marco,
    }
    access_services.access_grant(actor=alice, user=elena, organisation=world["es"], role=AccessRole.OFFICER)
    access_services.access_grant(actor=alice, user=marco, organisation=world["it"], role=AccessRole.OFFICER)
    return world


@pytest.fixture
def rec_draft(rec_world, alice):
    from cicopa.knowledge import recommendation_services as rs

    return rs.recommendation_create(
        actor=alice,
        data={"texts": recommendation_texts(), "topics": ["transfers"], "follow_up_date": "2027-03-31"},
    )


@pytest.fixture
def rec_issued(rec_draft, alice):
    from cicopa.knowledge import recommendation_services as rs

    return rs.recommendation_issue(actor=alice, recommendation=rec_draft)


@pytest.fixture
def rec_circulated(rec_issued, alice):
    from cicopa.knowledge import recommendation_services as rs

    rs.recommendation_circulate(actor=alice, recommendation=rec_issued, scope="all")
    return rec_issued
