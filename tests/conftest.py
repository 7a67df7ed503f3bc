"""Shared fixtures: a small federation built through the services, and one user per role.

alice: secretariat · bob: officer of the French member organisation · charlie: editor of one French
co-operative · dave: logged in, no role · anonymous: the public.
"""

from __future__ import annotations

import os

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://cicopa.test"


@pytest.fixture(autouse=True)
def _page_cache_reset():
    """The page cache lives in the process, across tests whose data is rolled back between them: each test
    starts with it empty (and with no mark of a write of the test before on the connection)."""
    from django.core.cache import caches
    from django.db import connection

    caches["pages"].clear()
    connection.cicopa_page_mark = None
    yield


@pytest.fixture(autouse=True)
def _reference_cache_reset():
    """What the process keeps of the reference data (core/reference_cache.py) may have been made in a test whose
    writes were rolled back since: each test starts with nothing kept."""
    from django.db import connection

    from cicopa.core import reference_cache

    reference_cache.forget()
    connection.cicopa_reference_written = False
    yield


@pytest.fixture(autouse=True)
def _language_reset():
    """A page in French or Spanish leaves its language active in the thread: each test starts in English."""
    yield
    translation.activate("en")


@pytest.fixture
def alice(db):
    return get_user_model().objects.create_user("alice", "alice@example.org", "alice-password-1", is_staff=True)


@pytest.fixture
def bob(db):
    return get_user_model().objects.create_user("bob", "bob@example.org", "bob-password-1")


@pytest.fixture
def charlie(db):
    return get_user_model().objects.create_user("charlie", "charlie@example.org", "charlie-password-1")


@pytest.fixture
def dave(db):
    return get_user_model().objects.create_user("dave", "dave@example.org", "dave-password-1")


@pytest.fixture
def federation(db, alice, bob, charlie):
    """ICA ← CICOPA ← member organisations of France and Spain ← a few co-operatives."""
    from cicopa.core.models import Country
    from cicopa.registry import access_services, services
    from cicopa.registry.models import AccessRole, OrganisationKind

    fr, es = Country.objects.get(iso2="FR"), Country.objects.get(iso2="ES")
    ica = services.organisation_create(
        actor=alice,
        data={
            "kind": OrganisationKind.ALLIANCE,
            "name": "International Co-operative Alliance",
            "acronym": "ICA",
            "country": Country.objects.get(iso2="CH"),
        },
    )
    cicopa = services.organisation_create(
        actor=alice,
        parent=ica,
        data={"kind": OrganisationKind.SECTORAL, "name": "CICOPA", "acronym": "CICOPA", "slug": "cicopa"},
    )
    cgscop = services.organisation_create(
        actor=alice,
        parent=cicopa,
        data={
            "kind": OrganisationKind.MEMBER_ORGANISATION,
            "name": "Confédération générale des Scop",
            "acronym": "SCOP",
            "country": fr,
            "city": "Paris",
            "slug": "cg-scop",
        },
    )
    coceta = services.organisation_create(
        actor=alice,
        parent=cicopa,
        data={
            "kind": OrganisationKind.MEMBER_ORGANISATION,
            "name": "COCETA",
            "country": es,
            "city": "Madrid",
            "slug": "coceta",
        },
    )
    menuiserie = services.organisation_create(
        actor=alice,
        parent=cgscop,
        data={
            "name": "Menuiserie Coopérative de Lyon",
            "country": fr,
            "city": "Lyon",
            "latitude": 45.76,
            "longitude": 4.84,
            "sectors": ["construction"],
            "description": "Joinery and carpentry.",
            "slug": "menuiserie",
        },
    )
    taxi = services.organisation_create(
        actor=alice,
        parent=coceta,
        data={
            "name": "Coopérativa de Taxis Madrid",
            "country": es,
            "city": "Madrid",
            "sectors": ["transport"],
            "slug": "taxis-madrid",
        },
    )
    access_services.access_grant(actor=alice, user=bob, organisation=cgscop, role=AccessRole.OFFICER)
    access_services.access_grant(actor=alice, user=charlie, organisation=menuiserie, role=AccessRole.EDITOR)
    return {"ica": ica, "cicopa": cicopa, "cgscop": cgscop, "coceta": coceta, "menuiserie": menuiserie, "taxi": taxi}


# The exchange's trading parties (the exchange's and the clearing's tests): on top of the federation, a Spanish
# building co-operative with its own editor (erika, who reads Spanish) trading with the French joinery
# co-operative (charlie, who reads French).


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
