"""Knowledge fixtures: an experience of the French joinery co-operative written by charlie (its editor, who
reads French), and helpers that take one through the workflow."""

import pytest

from cicopa.knowledge import services


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
