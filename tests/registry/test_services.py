import pytest

from cicopa.core.errors import PermissionDenied, ValidationError
from cicopa.core.models import AuditEntry, Country
from cicopa.registry import access_services, permissions, services
from cicopa.registry.models import MembershipStatus, Organisation, OrganisationKind


def test_secretariat_edits_anything_and_each_write_is_audited(federation, alice):
    org = federation["coceta"]
    services.organisation_update(actor=alice, organisation=org, data={"city": "Madrid centro", "phone": "+34 1"})
    org.refresh_from_db()
    assert org.city == "Madrid centro"
    entry = AuditEntry.objects.filter(object_id=str(org.pk), action="registry.organisation.update").get()
    assert entry.actor == alice
    assert entry.changes["city"] == ["Madrid", "Madrid centro"]
    assert entry.changes["phone"] == ["", "+34 1"]


def test_officer_edits_own_organisation_and_its_cooperatives_only(federation, bob):
    services.organisation_update(actor=bob, organisation=federation["cgscop"], data={"phone": "+33 1 00"})
    services.organisation_update(actor=bob, organisation=federation["menuiserie"], data={"city": "Villeurbanne"})
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=bob, organisation=federation["coceta"], data={"city": "X"})
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=bob, organisation=federation["taxi"], data={"city": "X"})


def test_officer_cannot_change_kind_or_status(federation, bob):
    with pytest.raises(ValidationError) as exc:
        services.organisation_update(actor=bob, organisation=federation["cgscop"], data={"status": "dissolved"})
    assert "status" in exc.value.message_dict


def test_cooperative_editor_edits_own_profile_only(federation, charlie):
    services.organisation_update(actor=charlie, organisation=federation["menuiserie"], data={"acronym": "MCL"})
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=charlie, organisation=federation["cgscop"], data={"acronym": "X"})


@pytest.mark.parametrize("who", ["dave", "anonymous"])
def test_outsiders_edit_nothing(federation, dave, who):
    from django.contrib.auth.models import AnonymousUser

    actor = dave if who == "dave" else AnonymousUser()
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=actor, organisation=federation["menuiserie"], data={"city": "X"})
    assert not permissions.editable_organisations(actor).exists()
    before = Organisation.objects.count()
    with pytest.raises(PermissionDenied):
        services.organisation_create(actor=actor, data={"name": "Intruder"}, parent=federation["cgscop"])
    assert Organisation.objects.count() == before


def test_officer_creates_cooperative_in_own_organisation(federation, bob):
    org = services.organisation_create(
        actor=bob,
        parent=federation["cgscop"],
        data={"name": "Scop Ébénisterie", "country": Country.objects.get(iso2="FR")},
    )
    assert org.kind == OrganisationKind.COOPERATIVE
    assert org.memberships.get().parent == federation["cgscop"]
    assert permissions.can_edit_organisation(bob, org)
    with pytest.raises(PermissionDenied):
        services.organisation_create(actor=bob, parent=federation["coceta"], data={"name": "Not mine"})
    with pytest.raises(PermissionDenied):
        services.organisation_create(
            actor=bob,
            parent=federation["cgscop"],
            data={"name": "A federation", "kind": OrganisationKind.MEMBER_ORGANISATION},
        )


def test_validation_messages_and_nothing_saved(federation, alice):
    org = federation["menuiserie"]
    with pytest.raises(ValidationError) as exc:
        services.organisation_update(actor=alice, organisation=org, data={"latitude": 95, "email": "not-an-email"})
    assert {"latitude", "email"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        services.organisation_update(actor=alice, organisation=org, data={"latitude": 45.0, "longitude": None})
    assert "longitude" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.organisation_update(actor=alice, organisation=org, data={"name": "  "})
    with pytest.raises(ValidationError) as exc:
        services.organisation_update(actor=alice, organisation=org, data={"sectors": ["fishing"]})
    assert "fishing" in exc.value.message_dict["sectors"][0]
    org.refresh_from_db()
    assert org.latitude == 45.76 and org.email == "" and org.name == "Menuiserie Coopérative de Lyon"


def test_membership_history_and_rules(federation, alice, bob):
    coop = services.organisation_create(actor=bob, parent=federation["cgscop"], data={"name": "Scop Nouvelle"})
    m = coop.memberships.get()
    services.membership_set_status(actor=bob, membership=m, status=MembershipStatus.SUSPENDED, note="unpaid dues")
    services.membership_set_status(actor=bob, membership=m, status=MembershipStatus.WITHDRAWN)
    m.refresh_from_db()
    assert m.until is not None
    assert [e.status for e in m.events.all()] == ["active", "suspended", "withdrawn"]
    with pytest.raises(ValidationError):
        services.membership_set_status(actor=bob, membership=m, status=MembershipStatus.WITHDRAWN)
    with pytest.raises(ValidationError):
        services.membership_set_status(actor=bob, membership=m, status="banished")
    # bob no longer manages a withdrawn co-operative's profile
    assert not permissions.can_edit_organisation(bob, coop)
    other = federation["taxi"].memberships.get()
    with pytest.raises(PermissionDenied):
        services.membership_set_status(actor=bob, membership=other, status=MembershipStatus.SUSPENDED)


def test_memberships_refuse_self_duplicates_and_cycles(federation, alice):
    with pytest.raises(ValidationError):
        services.membership_create(actor=alice, member=federation["cicopa"], parent=federation["cicopa"])
    with pytest.raises(ValidationError):
        services.membership_create(actor=alice, member=federation["cgscop"], parent=federation["cicopa"])
    with pytest.raises(ValidationError) as exc:
        services.membership_create(actor=alice, member=federation["ica"], parent=federation["menuiserie"])
    assert "cycle" in str(exc.value)
    # a co-operative may belong to several federations
    services.membership_create(actor=alice, member=federation["menuiserie"], parent=federation["coceta"])
    assert federation["menuiserie"].memberships.count() == 2


def test_offices_current_and_past(federation, alice, bob):
    import datetime

    from cicopa.registry import queries

    org = federation["cgscop"]
    old = services.office_assign(
        actor=bob,
        organisation=org,
        role="president",
        person_data={"full_name": "Old President"},
        start=datetime.date(2010, 1, 1),
    )
    services.office_end(actor=bob, office=old, end=datetime.date(2015, 12, 31))
    services.office_assign(
        actor=bob,
        organisation=org,
        role="president",
        person_data={"full_name": "Élodie Martin"},
        start=datetime.date(2016, 1, 1),
    )
    current, past = queries.offices(org)
    assert [o.person.full_name for o in current] == ["Élodie Martin"]
    assert [o.person.full_name for o in past] == ["Old President"]
    with pytest.raises(ValidationError):
        services.office_assign(
            actor=alice,
            organisation=org,
            role="treasurer",
            person_data={"full_name": "X"},
            start=datetime.date(2020, 1, 1),
            end=datetime.date(2019, 1, 1),
        )
    with pytest.raises(PermissionDenied):
        services.office_assign(
            actor=bob, organisation=federation["coceta"], role="treasurer", person_data={"full_name": "X"}
        )


def test_only_secretariat_grants_officer_access(federation, bob, dave):
    from cicopa.registry.models import AccessRole

    with pytest.raises(PermissionDenied):
        access_services.access_grant(actor=bob, user=dave, organisation=federation["cgscop"], role=AccessRole.OFFICER)
    access_services.access_grant(actor=bob, user=dave, organisation=federation["cgscop"], role=AccessRole.EDITOR)
    assert permissions.can_edit_organisation(dave, federation["cgscop"])
    assert not permissions.can_edit_organisation(dave, federation["menuiserie"])


def test_officers_bring_in_unclaimed_cooperatives_of_their_country_and_govern_members_not_applicants(
    federation, alice, bob
):
    from cicopa.core.models import Country
    from cicopa.registry import queries

    cgscop = federation["cgscop"]
    abroad = services.organisation_create(
        actor=alice, data={"name": "Nairobi Weavers", "country": Country.objects.get(iso2="KE")}
    )
    at_home = services.organisation_create(
        actor=alice, data={"name": "Scop du Vercors", "country": Country.objects.get(iso2="FR")}
    )
    nowhere = services.organisation_create(actor=alice, data={"name": "Coopérative sans pays"})
    assert set(permissions.addable_members(bob, parent=cgscop)) == {at_home, nowhere}
    with pytest.raises(PermissionDenied) as exc:
        services.membership_create(actor=bob, member=abroad, parent=cgscop)
    assert "in another country" in str(exc.value)
    application = services.membership_create(actor=bob, member=at_home, parent=cgscop)
    assert application.status == MembershipStatus.APPLICANT
    # an applicant is not a member yet: not listed as one, not governed by the federation's officers
    assert not permissions.can_edit_organisation(bob, at_home)
    assert not permissions.can_manage_access(bob, at_home)
    assert at_home not in [m.member for m in queries.members_of(cgscop)[0]]
    services.membership_set_status(actor=bob, membership=application, status=MembershipStatus.ACTIVE)
    assert permissions.can_edit_organisation(bob, at_home) and permissions.can_manage_access(bob, at_home)
    assert at_home in [m.member for m in queries.members_of(cgscop)[0]]
    # the secretariat links anything
    services.membership_create(actor=alice, member=abroad, parent=cgscop)


def test_counts_have_the_same_limit_on_every_database(federation, alice):
    with pytest.raises(ValidationError) as exc:
        services.organisation_update(actor=alice, organisation=federation["menuiserie"], data={"members_count": 2**31})
    assert "2147483647" in exc.value.message_dict["members_count"][0]
