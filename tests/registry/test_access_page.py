"""Giving people access to an organisation's profile by e-mail, and taking it away."""

import re

import pytest
from django.contrib.auth import get_user_model

from cicopa.core.errors import PermissionDenied
from cicopa.core.models import AuditEntry
from cicopa.registry import access_services, permissions
from cicopa.registry.models import AccessInvitation, AccessRole, OrganisationAccess

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


def invite(client, slug, email, captured, **extra):
    with captured(execute=True):  # the e-mail leaves once the invitation is saved
        return client.post(ACCESS.format(slug=slug), {"action": "invite", "email": email, **extra}, follow=True)


def link_in(mail) -> str:
    return re.search(r"https://cicopa\.test(/invitations/\S+/)", mail.body)[1]  # CICOPA_SITE_URL, not the Host


def test_a_new_person_accepts_by_choosing_a_password_then_edits(
    client, federation, bob, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(bob)
    r = invite(client, "menuiserie", "Gerante@Menuiserie.example", django_capture_on_commit_callbacks)
    html = r.content.decode()
    assert "An invitation is on its way to Gerante@Menuiserie.example" in html
    assert "Waiting for an answer" in html
    # nothing is given, and no account opened, before the invited person accepts
    assert not get_user_model().objects.filter(email__iexact="gerante@menuiserie.example").exists()
    (mail,) = mailoutbox
    assert mail.to == ["Gerante@Menuiserie.example"] and "Menuiserie Coopérative de Lyon" in mail.subject
    link = link_in(mail)
    client.logout()
    page = client.get(link).content.decode()
    assert "Accept and open my account" in page
    r = client.post(link, {"action": "create", "password1": "a-long-pass-phrase-9", "password2": "other-phrase-99"})
    assert "The two passwords differ." in r.content.decode()
    r = client.post(
        link, {"action": "create", "password1": "a-long-pass-phrase-9", "password2": "a-long-pass-phrase-9"}
    )
    assert r.status_code == 302
    user = get_user_model().objects.get(email__iexact="gerante@menuiserie.example")
    assert OrganisationAccess.objects.get(user=user).role == AccessRole.EDITOR
    assert client.get("/organisations/menuiserie/edit/").status_code == 200  # logged in by accepting
    assert client.get("/organisations/taxis-madrid/edit/").status_code == 403
    assert "closed" in client.get(link).content.decode()  # a link works once
    assert AuditEntry.objects.filter(action="registry.access.grant", actor=user).exists()


def test_someone_with_an_account_accepts_logged_in_with_it(
    client, federation, bob, dave, charlie, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(bob)
    users = get_user_model().objects.count()
    html = invite(client, "menuiserie", "DAVE@example.org", django_capture_on_commit_callbacks).content.decode()
    assert "An invitation is on its way to DAVE@example.org" in html  # the officer learns nothing of accounts
    assert "last logged in" not in html.lower() and "dave@example.org</th>" not in html.replace("DAVE", "x")
    assert not permissions.can_edit_organisation(dave, federation["menuiserie"])  # not without consent
    link = link_in(mailoutbox[0])
    client.logout()
    assert "Log in to accept" in client.get(link).content.decode()
    client.force_login(charlie)  # someone else's account: cannot take it up
    assert "log out, then log in with the account of that address" in client.get(link).content.decode()
    r = client.post(link, {"action": "accept"}, follow=True)
    assert "log in with the account of that address to accept it" in r.content.decode()
    assert not permissions.can_edit_organisation(dave, federation["menuiserie"])
    client.force_login(dave)
    assert client.post(link, {"action": "accept"}).status_code == 302
    assert permissions.can_edit_organisation(dave, federation["menuiserie"])
    assert get_user_model().objects.count() == users


def test_an_invitation_can_be_declined_or_withdrawn_and_then_gives_nothing(
    client, federation, bob, dave, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(bob)
    invite(client, "menuiserie", "dave@example.org", django_capture_on_commit_callbacks)
    invite(client, "cg-scop", "dave@example.org", django_capture_on_commit_callbacks)
    declined, withdrawn = link_in(mailoutbox[0]), link_in(mailoutbox[1])
    invitation = AccessInvitation.objects.get(organisation=federation["cgscop"])
    r = client.post(ACCESS.format(slug="cg-scop"), {"action": "withdraw", "invitation": invitation.pk}, follow=True)
    assert "The invitation to dave@example.org was withdrawn." in r.content.decode()
    client.logout()
    client.post(declined, {"action": "decline"})
    client.force_login(dave)
    for link in (declined, withdrawn):
        r = client.post(link, {"action": "accept"})
        assert "This invitation is no longer open" in r.content.decode()
    assert not OrganisationAccess.objects.filter(user=dave).exists()
    client.force_login(bob)
    html = client.get(ACCESS.format(slug="menuiserie")).content.decode()
    assert "Declined" in html
    assert client.get("/invitations/forged-token/").status_code == 404


def test_an_invitation_expires_and_dies_with_its_senders_rights(
    client, federation, alice, bob, dave, mailoutbox, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    client.force_login(bob)
    invite(client, "menuiserie", "dave@example.org", django_capture_on_commit_callbacks)
    invite(client, "cg-scop", "dave@example.org", django_capture_on_commit_callbacks)
    old = AccessInvitation.objects.get(organisation=federation["menuiserie"])
    AccessInvitation.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=15))
    access_services.access_revoke(actor=alice, access=OrganisationAccess.objects.get(user=bob))  # bob is no officer now
    client.force_login(dave)
    assert (
        "This invitation is no longer open"
        in client.post(link_in(mailoutbox[0]), {"action": "accept"}).content.decode()
    )
    r = client.post(link_in(mailoutbox[1]), {"action": "accept"})
    assert "Whoever sent this invitation may no longer give this access." in r.content.decode()
    assert not OrganisationAccess.objects.filter(user=dave).exists()


def test_wrong_invitations_change_nothing(client, federation, bob, mailoutbox, django_capture_on_commit_callbacks):
    client.force_login(bob)
    url = ACCESS.format(slug="menuiserie")
    with django_capture_on_commit_callbacks(execute=True):
        html = client.post(url, {"action": "invite", "email": "not-an-address"}).content.decode()
        assert "Enter a valid email address" in html
        # Officers offer editor access only; the role field offers nothing else.
        html = client.post(url, {"action": "invite", "email": "x@example.org", "role": "officer"}).content.decode()
        assert "Select a valid choice" in html
        assert (
            client.post(ACCESS.format(slug="taxis-madrid"), {"action": "invite", "email": "y@example.org"}).status_code
            == 403
        )
    assert not AccessInvitation.objects.exists() and mailoutbox == []
    with pytest.raises(PermissionDenied):
        access_services.access_invite(
            actor=bob, organisation=federation["menuiserie"], email="z@example.org", role="officer"
        )


def test_an_officer_keeps_the_office_when_accepting_an_editors_invitation(
    client, federation, alice, bob, dave, mailoutbox, django_capture_on_commit_callbacks
):
    access_services.access_grant(actor=alice, user=dave, organisation=federation["menuiserie"], role=AccessRole.OFFICER)
    client.force_login(bob)
    invite(client, "menuiserie", "dave@example.org", django_capture_on_commit_callbacks)
    client.force_login(dave)
    client.post(link_in(mailoutbox[0]), {"action": "accept"})
    assert OrganisationAccess.objects.get(user=dave, organisation=federation["menuiserie"]).role == AccessRole.OFFICER


def test_access_is_removed_by_officers_for_editors_only(client, federation, alice, bob, charlie, dave):
    url = ACCESS.format(slug="menuiserie")
    client.force_login(bob)
    editor = OrganisationAccess.objects.get(user=charlie, organisation=federation["menuiserie"])
    r = client.post(url, {"action": "revoke", "access": editor.pk}, follow=True)
    assert "charlie can no longer edit this organisation." in r.content.decode()
    assert not permissions.can_edit_organisation(charlie, federation["menuiserie"])
    assert AuditEntry.objects.filter(action="registry.access.revoke").exists()
    officer = access_services.access_grant(
        actor=alice, user=dave, organisation=federation["menuiserie"], role="officer"
    )
    assert client.post(url, {"action": "revoke", "access": officer.pk}).status_code == 403
    elsewhere = access_services.access_grant(actor=alice, user=charlie, organisation=federation["taxi"], role="editor")
    assert client.post(url, {"action": "revoke", "access": elsewhere.pk}).status_code == 404
    assert OrganisationAccess.objects.filter(pk__in=[officer.pk, elsewhere.pk]).count() == 2


def test_invitations_are_limited_per_officer_and_day(client, federation, bob, settings, monkeypatch):
    monkeypatch.setattr(access_services, "INVITATIONS_PER_DAY", 2)
    client.force_login(bob)
    url = ACCESS.format(slug="menuiserie")
    for i in range(2):
        client.post(url, {"action": "invite", "email": f"person{i}@example.org"})
    html = client.post(url, {"action": "invite", "email": "person2@example.org"}).content.decode()
    assert "You have sent 2 invitations in the last day" in html
    assert not AccessInvitation.objects.filter(email="person2@example.org").exists()


def test_a_new_invitation_to_the_same_address_replaces_the_waiting_one(
    client, federation, bob, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(bob)
    for _ in range(2):  # the first e-mail was lost
        invite(client, "menuiserie", "lost@example.org", django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 2
    states = list(AccessInvitation.objects.order_by("id").values_list("status", flat=True))
    assert states == ["withdrawn", "pending"]


def test_the_invitation_e_mail_leaves_once_through_the_outbox(client, federation, bob, mailoutbox):
    from cicopa.core import tasks
    from cicopa.core.models import OutboxEmail

    client.force_login(bob)
    client.post(ACCESS.format(slug="menuiserie"), {"action": "invite", "email": "new@example.org"})
    invitation = AccessInvitation.objects.get(email="new@example.org")
    email = OutboxEmail.objects.get(key=f"registry.invitation:{invitation.pk}")
    assert email.status == OutboxEmail.Status.SENT and len(mailoutbox) == 1
    tasks.send_email.call(email.pk)  # the task run again, as after a worker was taken for dead
    assert len(mailoutbox) == 1
