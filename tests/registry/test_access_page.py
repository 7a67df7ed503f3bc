"""Giving people access to an organisation's profile by e-mail, and taking it away."""

import re

import pytest
from django.contrib.auth import get_user_model

from cicopa.core.models import AuditEntry
from cicopa.registry import permissions, services
from cicopa.registry.models import AccessRole, OrganisationAccess

ACCESS = "/organisations/{slug}/access/"


@pytest.mark.parametrize(
    ("who", "slug", "status"),
    [
        (None, "menuiserie", 302),
        ("dave", "menuiserie", 403),
        ("charlie", "menuiserie", 403),  # an editor edits the profile but does not hand out access
        ("bob", "menuiserie", 200),  # officer of CG Scop, which Menuiserie belongs to
        ("bob", "cg-scop", 200),
        ("bob", "taxis-madrid", 403),  # a co-operative of another federation
        ("alice", "taxis-madrid", 200),
    ],
)
def test_who_may_give_access(client, federation, request, dave, who, slug, status):
    if who:
        client.force_login(request.getfixturevalue(who))
    assert client.get(ACCESS.format(slug=slug)).status_code == status


def test_officer_invites_a_new_person_who_sets_a_password_and_edits(
    client, federation, bob, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(bob)
    with django_capture_on_commit_callbacks(execute=True):  # the e-mail leaves once the access is saved
        r = client.post(
            ACCESS.format(slug="menuiserie"), {"action": "invite", "email": "Gerante@Menuiserie.example"}, follow=True
        )
    assert "Gerante@Menuiserie.example can now act for this organisation" in r.content.decode()
    user = get_user_model().objects.get(email__iexact="gerante@menuiserie.example")
    assert user.username == "gerante@menuiserie.example" and not user.has_usable_password()
    assert OrganisationAccess.objects.get(user=user).role == AccessRole.EDITOR
    assert AuditEntry.objects.filter(action="user.invite", object_id=str(user.pk)).exists()
    (mail,) = mailoutbox
    assert mail.to == [user.email] and "Menuiserie Coopérative de Lyon" in mail.subject
    link = re.search(r"https://cicopa\.test(/accounts/reset/\S+/)", mail.body)[1]  # CICOPA_SITE_URL, not the Host
    # The link lets the new person choose a password, log in and edit the profile.
    client.logout()
    form_url = client.get(link)["Location"]
    client.post(form_url, {"new_password1": "a-long-pass-phrase-9", "new_password2": "a-long-pass-phrase-9"})
    r = client.post("/accounts/login/", {"username": "gerante@menuiserie.example", "password": "a-long-pass-phrase-9"})
    assert r.status_code == 302
    assert client.get("/organisations/menuiserie/edit/").status_code == 200
    assert client.get("/organisations/taxis-madrid/edit/").status_code == 403


def test_someone_with_an_account_is_given_access_and_told(
    client, federation, bob, dave, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(bob)
    users = get_user_model().objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            ACCESS.format(slug="menuiserie"), {"action": "invite", "email": "DAVE@example.org"}, follow=True
        )
    assert "dave@example.org can now act for this organisation" in r.content.decode().lower()  # same words as above
    assert get_user_model().objects.count() == users
    assert permissions.can_edit_organisation(dave, federation["menuiserie"])
    assert "/accounts/login/" in mailoutbox[0].body and "/accounts/reset/" not in mailoutbox[0].body


def test_wrong_invitations_change_nothing(
    client, federation, alice, bob, dave, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(bob)
    url = ACCESS.format(slug="menuiserie")
    users = get_user_model().objects.count()
    services.access_grant(actor=alice, user=dave, organisation=federation["menuiserie"], role=AccessRole.OFFICER)
    with django_capture_on_commit_callbacks(execute=True):
        html = client.post(url, {"action": "invite", "email": "not-an-address"}).content.decode()
        assert "Enter a valid email address" in html
        # Officers give editor access only; the role field offers nothing else.
        html = client.post(url, {"action": "invite", "email": "x@example.org", "role": "officer"}).content.decode()
        assert "Select a valid choice" in html
        # Nor do they turn an officer into an editor.
        assert client.post(url, {"action": "invite", "email": "dave@example.org"}).status_code == 403
    assert OrganisationAccess.objects.get(user=dave, organisation=federation["menuiserie"]).role == AccessRole.OFFICER
    assert get_user_model().objects.count() == users and mailoutbox == []


def test_access_is_removed_by_officers_for_editors_only(client, federation, alice, bob, charlie, dave):
    url = ACCESS.format(slug="menuiserie")
    client.force_login(bob)
    editor = OrganisationAccess.objects.get(user=charlie, organisation=federation["menuiserie"])
    r = client.post(url, {"action": "revoke", "access": editor.pk}, follow=True)
    assert "charlie can no longer edit this organisation." in r.content.decode()
    assert not permissions.can_edit_organisation(charlie, federation["menuiserie"])
    assert AuditEntry.objects.filter(action="access.revoke").exists()
    officer = services.access_grant(actor=alice, user=dave, organisation=federation["menuiserie"], role="officer")
    assert client.post(url, {"action": "revoke", "access": officer.pk}).status_code == 403
    elsewhere = services.access_grant(actor=alice, user=charlie, organisation=federation["taxi"], role="editor")
    assert client.post(url, {"action": "revoke", "access": elsewhere.pk}).status_code == 404
    assert OrganisationAccess.objects.filter(pk__in=[officer.pk, elsewhere.pk]).count() == 2


def test_a_second_invitation_resends_the_password_link_until_one_is_chosen(
    client, federation, bob, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(bob)
    for slug in ("menuiserie", "cg-scop"):  # the first e-mail was lost; invited again, for another organisation
        with django_capture_on_commit_callbacks(execute=True):
            client.post(ACCESS.format(slug=slug), {"action": "invite", "email": "lost@example.org"})
    assert len(mailoutbox) == 2
    assert all("https://cicopa.test/accounts/reset/" in mail.body for mail in mailoutbox)


def test_invitations_are_limited_per_officer_and_day(client, federation, bob, settings, monkeypatch):
    from cicopa.registry import services as registry_services

    monkeypatch.setattr(registry_services, "INVITATIONS_PER_DAY", 2)
    client.force_login(bob)
    url = ACCESS.format(slug="menuiserie")
    for i in range(2):
        client.post(url, {"action": "invite", "email": f"person{i}@example.org"})
    html = client.post(url, {"action": "invite", "email": "person2@example.org"}).content.decode()
    assert "You have given access to 2 people in the last day" in html
    assert not get_user_model().objects.filter(email="person2@example.org").exists()


def test_only_the_secretariat_is_told_whether_an_account_existed(client, federation, alice, dave):
    client.force_login(alice)
    url = ACCESS.format(slug="menuiserie")
    assert (
        "An account was opened for new@example.org"
        in client.post(url, {"action": "invite", "email": "new@example.org"}, follow=True).content.decode()
    )
    assert (
        "dave@example.org already had an account"
        in client.post(url, {"action": "invite", "email": "dave@example.org"}, follow=True).content.decode()
    )
