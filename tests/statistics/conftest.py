import pytest


@pytest.fixture
def kenya(db, alice):
    """Two Kenyan member organisations and a co-operative, with an officer each."""
    from django.contrib.auth import get_user_model

    from cicopa.core.models import Country
    from cicopa.registry import access_services, services
    from cicopa.registry.models import AccessRole, OrganisationKind

    ke = Country.objects.get(iso2="KE")
    union = services.organisation_create(
        actor=alice,
        data={
            "kind": OrganisationKind.MEMBER_ORGANISATION,
            "name": "Kenya Union of Producer Co-operatives",
            "country": ke,
            "slug": "kupc",
        },
    )
    other = services.organisation_create(
        actor=alice,
        data={
            "kind": OrganisationKind.MEMBER_ORGANISATION,
            "name": "Artisans' Federation of Kenya",
            "country": ke,
            "slug": "afk",
        },
    )
    coop = services.organisation_create(
        actor=alice, parent=union, data={"name": "Nairobi Weavers", "country": ke, "slug": "nairobi-weavers"}
    )
    users = {}
    for name, org, role in (
        ("wanjiru", union, AccessRole.OFFICER),
        ("otieno", other, AccessRole.OFFICER),
        ("amina", coop, AccessRole.EDITOR),
    ):
        users[name] = get_user_model().objects.create_user(name, f"{name}@example.org", f"{name}-password-1")
        access_services.access_grant(actor=alice, user=users[name], organisation=org, role=role)
    return {"union": union, "other": other, "coop": coop, "country": ke, **users}
