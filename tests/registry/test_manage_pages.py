"""Managing members and officers from the site, for every role."""

import datetime

import pytest

from cicopa.core.models import AuditEntry
from cicopa.registry.models import Membership, Office, Organisation

MEMBERS = "/organisations/cg-scop/members/"
TODAY = datetime.date.today()
OFFICERS = "/organisations/{slug}/officers/"


@pytest.mark.parametrize(
    ("who", "url", "status"),
    [
        (None, MEMBERS, 302),
        ("dave", MEMBERS, 403),
        ("charlie", MEMBERS, 403),  # editor of a member co-operative, not of the federation
        ("bob", MEMBERS, 200),  # officer of CG Scop
        ("alice", MEMBERS, 200),  # secretariat
        ("bob", "/organisations/coceta/members/", 403),
        (None, OFFICERS.format(slug="menuiserie"), 302),
        ("dave", OFFICERS.format(slug="menuiserie"), 403),
        ("charlie", OFFICERS.format(slug="menuiserie"), 200),
        ("charlie", OFFICERS.format(slug="cg-scop"), 403),
        ("bob", OFFICERS.format(slug="cg-scop"), 200),
        ("bob", OFFICERS.format(slug="menuiserie"), 200),  # a co-operative of his federation
        ("bob", OFFICERS.format(slug="coceta"), 403),
        ("alice", OFFICERS.format(slug="coceta"), 200),
    ],
)
def test_who_may_manage(client, federation, request, dave, who, url, status):
    if who:
        client.force_login(request.getfixturevalue(who))
    r = client.get(url)
    assert r.status_code == status
    if status == 302:
        assert r["Location"].startswith("/accounts/login/")


def test_profile_links_to_what_the_reader_may_manage(client, federation, bob, dave):
    client.force_login(bob)
    html = client.get("/organisations/cg-scop/").content.decode()
    assert MEMBERS in html and OFFICERS.format(slug="cg-scop") in html
    client.force_login(dave)
    html = client.get("/organisations/cg-scop/").content.decode()
    assert MEMBERS not in html and OFFICERS.format(slug="cg-scop") not in html


def _membership(member_slug, parent_slug="cg-scop"):
    return Membership.objects.get(member__slug=member_slug, parent__slug=parent_slug)


def test_officer_changes_a_members_status_with_date_and_note(client, federation, bob):
    client.force_login(bob)
    m = _membership("menuiserie")
    r = client.post(
        MEMBERS,
        {
            "action": "status",
            "membership": m.pk,
            "status": "suspended",
            "date": TODAY.isoformat(),
            "note": "Dues unpaid",
        },
        follow=True,
    )
    assert "Menuiserie Coopérative de Lyon is now suspended." in r.content.decode()
    m.refresh_from_db()
    assert m.status == "suspended"
    event = m.events.latest("id")
    assert (event.status, event.date, event.note) == ("suspended", TODAY, "Dues unpaid")
    assert AuditEntry.objects.filter(action="registry.membership.set_status", object_id=str(m.pk)).exists()
    html = client.get(MEMBERS).content.decode()
    assert "Dues unpaid" in html and "Suspended" in html
    # Withdrawn members leave the current list for the past one.
    client.post(MEMBERS, {"action": "status", "membership": m.pk, "status": "withdrawn"})
    assert "Menuiserie" not in _table(client.get(MEMBERS))
    assert "Menuiserie" in _table(client.get(MEMBERS + "?status=past"))


def _table(response):
    html = response.content.decode()
    return html[html.index('<section aria-labelledby="members-heading"') : html.index('<aside class="manage-side"')]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "active"}, "already Active"),
        ({"status": "suspended", "date": "1900-01-01"}, "cannot be before the membership began"),
        ({"status": "dormant"}, "Select a valid choice"),
        ({"status": "suspended", "date": "not a date"}, "Enter a valid date"),
    ],
)
def test_wrong_status_changes_are_explained_and_change_nothing(client, federation, bob, data, message):
    client.force_login(bob)
    m = _membership("menuiserie")
    events = m.events.count()
    r = client.post(MEMBERS, {"action": "status", "membership": m.pk, **data}, follow=True)
    assert message in r.content.decode()
    m.refresh_from_db()
    assert m.status == "active" and m.events.count() == events


def test_another_federations_membership_cannot_be_changed_through_this_page(client, federation, bob):
    client.force_login(bob)
    taxi = _membership("taxis-madrid", "coceta")
    r = client.post(MEMBERS, {"action": "status", "membership": taxi.pk, "status": "expelled"})
    assert r.status_code == 404
    taxi.refresh_from_db()
    assert taxi.status == "active"


def test_officer_adds_an_unclaimed_cooperative_and_no_other_federations_member(client, federation, alice, bob):
    from cicopa.registry import services

    services.organisation_create(actor=alice, data={"name": "Imprimerie Coopérative de Grenoble", "slug": "imprimerie"})
    client.force_login(bob)
    assert "Imprimerie Coopérative de Grenoble" in _aside(client.get(MEMBERS + "?q=imprimerie"))
    r = client.post(MEMBERS, {"action": "add", "member": "imprimerie", "status": "active"}, follow=True)
    assert "Imprimerie Coopérative de Grenoble was added to the members." in r.content.decode()
    assert _membership("imprimerie").status == "active"
    # COCETA's co-operative is neither offered nor linked: it would give CG Scop's officers power over it.
    assert "Taxis" not in _aside(client.get(MEMBERS + "?q=taxis"))
    for slug in ("taxis-madrid", "coceta"):  # nor a federation
        assert client.post(MEMBERS, {"action": "add", "member": slug, "status": "applicant"}).status_code == 403
    assert not Membership.objects.filter(parent__slug="cg-scop", member__slug__in=["taxis-madrid", "coceta"]).exists()
    # The secretariat links a co-operative to a second federation.
    client.force_login(alice)
    assert "Coopérativa de Taxis Madrid" in _aside(client.get(MEMBERS + "?q=taxis"))
    client.post(MEMBERS, {"action": "add", "member": "taxis-madrid", "status": "applicant"})
    assert _membership("taxis-madrid").status == "applicant"
    assert _membership("taxis-madrid", "coceta").status == "active"


def _aside(response):
    html = response.content.decode()
    return html[html.index('<aside class="manage-side"') :]


def test_membership_dates_cannot_be_in_the_future(client, federation, bob):
    client.force_login(bob)
    m = _membership("menuiserie")
    later = (TODAY + datetime.timedelta(days=30)).isoformat()
    r = client.post(
        MEMBERS, {"action": "status", "membership": m.pk, "status": "withdrawn", "date": later}, follow=True
    )
    assert "cannot be in the future" in r.content.decode()
    m.refresh_from_db()
    assert m.status == "active" and m.until is None


def test_adding_a_cycle_or_oneself_is_refused(client, federation, alice):
    client.force_login(alice)
    r = client.post(MEMBERS, {"action": "add", "member": "cicopa", "status": "active"}, follow=True)
    assert "a cycle is not allowed" in r.content.decode()
    r = client.post(MEMBERS, {"action": "add", "member": "cg-scop", "status": "active"}, follow=True)
    assert "cannot be a member of itself" in r.content.decode()
    assert not Membership.objects.filter(parent__slug="cg-scop", member__slug__in=["cicopa", "cg-scop"]).exists()


def test_officers_recorded_and_terms_ended(client, federation, charlie):
    client.force_login(charlie)
    url = OFFICERS.format(slug="menuiserie")
    r = client.post(
        url,
        {"action": "assign", "role": "president", "full_name": "Amélie Durand", "start": "2024-05-01"},
        follow=True,
    )
    assert "Amélie Durand was recorded as an officer." in r.content.decode()
    office = Office.objects.get(person__full_name="Amélie Durand")
    assert office.organisation.slug == "menuiserie" and office.start == datetime.date(2024, 5, 1)
    assert "Amélie Durand" in client.get("/organisations/menuiserie/").content.decode()
    r = client.post(url, {"action": "end", "office": office.pk, "end": "2026-01-31"}, follow=True)
    assert "The term of Amélie Durand as president ends on January 31, 2026." in r.content.decode()
    assert "Amélie Durand" in _past_officers(client.get(url))
    office.refresh_from_db()
    assert office.end == datetime.date(2026, 1, 31)
    assert AuditEntry.objects.filter(action="registry.office.end", object_id=str(office.pk)).exists()


def test_wrong_officer_input_is_explained_and_changes_nothing(client, federation, charlie, alice):
    client.force_login(charlie)
    url = OFFICERS.format(slug="menuiserie")
    html = client.post(url, {"action": "assign", "role": "president", "full_name": ""}).content.decode()
    assert "Give the officer&#x27;s name, or choose someone who already held an office." in html
    html = client.post(
        url,
        {"action": "assign", "role": "treasurer", "full_name": "X", "start": "2025-01-01", "end": "2024-01-01"},
    ).content.decode()
    assert "A term cannot end before it starts" in html
    assert not Office.objects.filter(organisation__slug="menuiserie").exists()
    # An office of another organisation cannot be ended through this page.
    from cicopa.registry import services

    coceta = Organisation.objects.get(slug="coceta")
    other = services.office_assign(actor=alice, organisation=coceta, role="president", person_data={"full_name": "Y"})
    assert client.post(url, {"action": "end", "office": other.pk}).status_code == 404
    other.refresh_from_db()
    assert other.end is None


def _past_officers(response):
    html = response.content.decode()
    return html[html.index("Past officers") :]


def test_account_page_leads_to_what_each_role_manages(client, federation, bob, charlie):
    client.force_login(bob)
    html = client.get("/accounts/").content.decode()
    assert all(f"/organisations/cg-scop/{page}/" in html for page in ("edit", "members", "officers", "access"))
    client.force_login(charlie)  # an editor: the profile and its officers
    html = client.get("/accounts/").content.decode()
    assert "/organisations/menuiserie/edit/" in html and "/organisations/menuiserie/officers/" in html
    assert "/organisations/menuiserie/members/" not in html and "/organisations/menuiserie/access/" not in html


def test_a_wrong_end_of_term_is_explained_and_changes_nothing(client, federation, charlie):
    from cicopa.registry import services

    office = services.office_assign(
        actor=charlie,
        organisation=Organisation.objects.get(slug="menuiserie"),
        role="treasurer",
        person_data={"full_name": "Noé Bernard"},
        start=datetime.date(2025, 1, 1),
    )
    client.force_login(charlie)
    url = OFFICERS.format(slug="menuiserie")
    for end, message in (("2024-01-01", "A term cannot end before it starts"), ("someday", "Enter a valid date")):
        r = client.post(url, {"action": "end", "office": office.pk, "end": end}, follow=True)
        assert r.status_code == 200 and message in r.content.decode()
    office.refresh_from_db()
    assert office.end is None


@pytest.mark.parametrize(
    ("url", "data"),
    [
        (MEMBERS, {"action": "status", "membership": "abc", "status": "suspended"}),
        (OFFICERS.format(slug="cg-scop"), {"action": "end", "office": "1; drop"}),
        ("/organisations/cg-scop/access/", {"action": "revoke", "access": ""}),
    ],
)
def test_posted_ids_that_are_not_numbers_find_nothing(client, federation, bob, url, data):
    client.force_login(bob)
    assert client.post(url, data).status_code == 404


def test_officer_details_are_corrected_by_who_manages_every_office_of_the_person(client, federation, alice, bob):
    from cicopa.registry import services
    from cicopa.registry.models import Person

    menuiserie, coceta = Organisation.objects.get(slug="menuiserie"), Organisation.objects.get(slug="coceta")
    office = services.office_assign(
        actor=alice, organisation=menuiserie, role="president", person_data={"full_name": "Jeanne Roux"}
    )
    client.force_login(bob)  # officer of CG Scop, which Menuiserie belongs to
    url = OFFICERS.format(slug="menuiserie")
    data = {"action": "person", "office": office.pk, "full_name": "Jeanne Roux-Martin", "email": "jeanne@example.org"}
    r = client.post(url, data, follow=True)
    assert "The details of Jeanne Roux-Martin were saved." in r.content.decode()
    person = Person.objects.get(pk=office.person_id)
    assert (person.full_name, person.email) == ("Jeanne Roux-Martin", "jeanne@example.org")
    assert AuditEntry.objects.filter(action="registry.person.update", object_id=str(person.pk)).exists()
    # Bad input is explained and changes nothing.
    r = client.post(url, {**data, "full_name": "", "email": "nope"}, follow=True)
    assert "Enter a valid email address" in r.content.decode()
    assert Person.objects.get(pk=person.pk).full_name == "Jeanne Roux-Martin"
    # Once she also holds an office at COCETA, which Bob does not manage, her details are not his to change.
    services.office_assign(actor=alice, organisation=coceta, role="secretary", person=person)
    assert "Correct the details" not in client.get(url).content.decode()
    assert client.post(url, {**data, "full_name": "Someone Else"}).status_code == 403
    assert Person.objects.get(pk=person.pk).full_name == "Jeanne Roux-Martin"


def test_a_former_officer_takes_a_new_office_without_a_second_person_record(client, federation, alice, charlie):
    from cicopa.registry import services
    from cicopa.registry.models import Person

    menuiserie, coceta = Organisation.objects.get(slug="menuiserie"), Organisation.objects.get(slug="coceta")
    former = services.office_assign(
        actor=alice,
        organisation=menuiserie,
        role="treasurer",
        person_data={"full_name": "Paul Girard"},
        start=datetime.date(2020, 1, 1),
        end=datetime.date(2023, 12, 31),
    ).person
    stranger = services.office_assign(
        actor=alice, organisation=coceta, role="president", person_data={"full_name": "Ana Ruiz"}
    ).person
    client.force_login(charlie)
    url = OFFICERS.format(slug="menuiserie")
    assert "Paul Girard" in client.get(url).content.decode().split('id="assign-heading"')[1]
    r = client.post(
        url, {"action": "assign", "role": "president", "person": former.pk, "start": "2024-01-01"}, follow=True
    )
    assert "Paul Girard was recorded as an officer." in r.content.decode()
    assert Person.objects.filter(full_name="Paul Girard").count() == 1
    assert former.offices.count() == 2
    # Someone who never held an office here cannot be picked; a name or a person is needed.
    html = client.post(url, {"action": "assign", "role": "secretary", "person": stranger.pk}).content.decode()
    assert "Select a valid choice" in html
    html = client.post(url, {"action": "assign", "role": "secretary"}).content.decode()
    assert "Give the officer&#x27;s name, or choose someone who already held an office." in html
    assert stranger.offices.count() == 1 and Office.objects.filter(organisation=menuiserie).count() == 2
