"""Exchange fixtures: on top of the federation of tests/conftest.py, a Spanish building co-operative with its
own editor (erika, who reads Spanish) trading with the French joinery co-operative (charlie, who reads French)."""

import datetime

import pytest
from django.contrib.auth import get_user_model


@pytest.fixture
def erika(db):
    from cicopa.core.models import Profile

    user = get_user_model().objects.create_user("erika", "erika@example.org", "erika-password-1")
    Profile.objects.update_or_create(user=user, defaults={"language": "es"})
    return user


@pytest.fixture
def trade(federation, alice, charlie, erika):
    from cicopa.core.models import Country, Profile
    from cicopa.registry import access_services, services
    from cicopa.registry.models import AccessRole

    Profile.objects.update_or_create(user=charlie, defaults={"language": "fr"})
    constructora = services.organisation_create(
        actor=alice,
        parent=federation["coceta"],
        data={
            "name": "Constructora Cooperativa de Valencia",
            "country": Country.objects.get(iso2="ES"),
            "city": "Valencia",
            "sectors": ["construction"],
            "slug": "constructora",
        },
    )
    access_services.access_grant(actor=alice, user=erika, organisation=constructora, role=AccessRole.EDITOR)
    return {**federation, "constructora": constructora}


@pytest.fixture
def listing_data():
    return make_listing_data


def make_listing_data(**overrides):
    data = {
        "direction": "offer",
        "kind": "goods",
        "language": "en",
        "title": "Oak window frames",
        "description": "Solid oak window frames made to measure.",
        "category": "38",
        "quantity": "100",
        "unit": "H87",
        "price_minor": 25000,
        "currency": "EUR",
        "scope": "international",
        "valid_from": datetime.date.today().isoformat(),
    }
    data.update(overrides)
    return data
