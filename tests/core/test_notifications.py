"""Notifications: on the site, and by e-mail in the recipient's language, at once or in a daily digest."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cicopa.core import formats, notifications, services
from cicopa.core.models import AuditEntry, Notification, OutboxEmail, Profile


@pytest.fixture(autouse=True)
def _extension_app(settings):
    """The notifications come from an app of their own, with its own template (as the apps to come will)."""
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "extension_app"]


SUBJECT = _("You are logged in as %(username)s.")  # an existing msgid: its French and Spanish are in the catalogues


def tell(user, *, widget="Blue widget", url="/members/", **kwargs):
    return notifications.notify(
        user=user,
        kind="extension_app.widget",
        subject=SUBJECT,
        body_template="extension_app/email/widget.txt",
        context={"username": user.username, "name": user.username, "widget": widget},
        url=url,
        **kwargs,
    )


def choose(user, *, language="", email_mode="instant"):
    return services.profile_update(actor=user, user=user, language=language, email_mode=email_mode)


def test_instant_mode_sends_one_email_with_the_link(dave):
    notification = tell(dave)
    assert notification.subject == "You are logged in as dave." and "Blue widget" in notification.body
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["dave@example.org"] and sent.subject == "You are logged in as dave."
    assert "Blue widget" in sent.body and "https://cicopa.test/members/" in sent.body
    assert "https://cicopa.test/accounts/" in sent.body  # where to change the settings
    email = OutboxEmail.objects.get(key=f"notification:{notification.pk}")
    assert email.status == "sent" and email.sent_at and email.body == ""  # the outbox keeps no copy
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"core.notification.create", "core.email.create", "core.email.send"} <= actions


def test_digest_mode_and_site_only_mode_send_nothing_at_once(dave, charlie):
    choose(dave, email_mode="digest")
    choose(charlie, email_mode="none")
    tell(dave)
    tell(charlie)
    assert mail.outbox == []
    assert Notification.objects.filter(read_at=None).count() == 2
    assert notifications.send_digests() != []  # dave's digest
    assert [m.to for m in mail.outbox] == [["dave@example.org"]]  # charlie never gets e-mail


@pytest.mark.parametrize(
    ("language", "subject", "hello", "path"),
    [
        ("fr", "Votre session est ouverte sous le nom d'utilisateur dave.", "Bonjour dave,", "/fr/members/"),
        ("es", "Ha iniciado sesión como dave.", "Hola, dave:", "/es/members/"),
    ],
)
def test_the_email_is_in_the_recipients_language(dave, language, subject, hello, path):
    choose(dave, language=language)
    notification = tell(dave)  # while the one who causes it works in English
    assert notification.subject == subject and notification.url == path
    sent = mail.outbox[0]
    assert sent.subject == subject and hello in sent.body and f"https://cicopa.test{path}" in sent.body
    assert ("Organisations membres" if language == "fr" else "Organizaciones miembro") in sent.body


def test_the_language_last_used_is_the_default(client, dave):
    client.force_login(dave)
    client.get("/es/members/")
    assert Profile.objects.get(user=dave).last_language == "es"
    assert tell(dave).subject == "Ha iniciado sesión como dave."
    choose(dave, language="fr")  # a choice wins over the last language used
    client.get("/members/")
    assert Profile.objects.get(user=dave).last_language == "en"
    assert tell(dave).subject.startswith("Votre session")


def test_a_link_written_in_another_language_is_put_into_the_recipients(dave):
    choose(dave, language="es")
    assert tell(dave, url="/fr/members/").url == "/es/members/"
    with pytest.raises(ValueError, match="path of this site"):
        tell(dave, url="https://elsewhere.example/")


def test_an_inactive_user_is_not_notified(dave):
    dave.is_active = False
    dave.save()
    assert tell(dave) is None and not Notification.objects.exists() and mail.outbox == []


def test_a_user_without_an_address_is_notified_on_the_site_only(dave):
    dave.email = ""
    dave.save()
    assert tell(dave) is not None and mail.outbox == [] and not OutboxEmail.objects.exists()


# --- the daily digest --------------------------------------------------------------------------------------------


def test_the_digest_is_sent_once_a_day_with_the_unread_notifications_of_the_last_day(dave):
    choose(dave, email_mode="digest", language="fr")
    old = tell(dave, widget="Old widget")
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=2))
    read = tell(dave, widget="Read widget")
    services.notification_mark_read(actor=dave, notification=read)
    tell(dave, widget="New widget")
    tell(dave, widget="Newer widget")

    assert len(notifications.send_digests()) == 1
    assert len(notifications.send_digests()) == 0  # again the same day: nothing more
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == ["dave@example.org"]
    assert digest.body.count("Votre session est ouverte") == 2  # the two unread of the last day, in French
    assert "https://cicopa.test/fr/accounts/notifications/" in digest.body

    # A notification that came after today's digest is in tomorrow's, not in a second one today.
    tell(dave, widget="Later widget")
    assert notifications.send_digests() == []
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    assert len(notifications.send_digests(now=tomorrow)) == 1
    assert len(mail.outbox) == 2 and mail.outbox[1].body.count("Votre session") == 1


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("en", "Your CICOPA notifications of December 4, 2026"),
        ("fr", "Vos notifications CICOPA du 4 décembre 2026"),
        ("es", "Sus notificaciones de CICOPA del 4 de diciembre de 2026"),
    ],
)
def test_a_date_in_a_subject_is_written_the_recipients_way(dave, language, subject):
    choose(dave, language=language)
    notifications.notify(
        user=dave,
        kind="extension_app.widget",
        subject=_("Your CICOPA notifications of %(date)s"),  # an existing msgid with a date in it
        body_template="extension_app/email/widget.txt",
        context={"date": datetime.date(2026, 12, 4), "name": dave.username, "widget": "Blue widget"},
    )
    assert Notification.objects.get().subject == subject
    assert mail.outbox[0].subject == subject


def test_the_digest_subject_has_the_day_in_the_recipients_language(dave):
    choose(dave, email_mode="digest", language="es")
    tell(dave)
    notifications.send_digests()
    day = formats.format_date(timezone.localdate(), "es")
    assert mail.outbox[0].subject == f"Sus notificaciones de CICOPA del {day}"
    assert re.fullmatch(r"\d{1,2} de [a-z]+ de \d{4}", day)


def test_the_digest_command(dave):
    from io import StringIO

    from django.core.management import call_command

    choose(dave, email_mode="digest")
    tell(dave)
    out = StringIO()
    call_command("send_digests", stdout=out)
    call_command("send_digests", stdout=out)
    assert out.getvalue().splitlines() == ["1 digest e-mail written.", "0 digest e-mails written."]
    assert len(mail.outbox) == 1


# --- the page, the header, marking as read -----------------------------------------------------------------------


def test_unread_count_in_the_header(client, dave):
    client.force_login(dave)
    html = client.get("/members/").content.decode()
    assert 'href="/accounts/notifications/">Notifications</a>' in html  # nothing unread: no count
    tell(dave)
    tell(dave)
    html = client.get("/members/").content.decode()
    assert re.search(r'Notifications <span class="nav-count">2<span class="visually-hidden"> unread</span>', html)
    assert html.index("Notifications") < html.index("Your account")


def test_the_page_lists_them_newest_first_and_pages(client, dave):
    for i in range(25):
        tell(dave, widget=f"Widget {i}")
    client.force_login(dave)
    first = client.get("/accounts/notifications/").content.decode()
    assert first.count('class="notification notification-unread"') == 20
    assert first.index("Widget 24") < first.index("Widget 23") and "Widget 4<" not in first
    assert "Page 1 of 2" in first
    second = client.get("/accounts/notifications/?page=2").content.decode()
    assert "Widget 4" in second and "Widget 0" in second and "Widget 5<" not in second


def test_the_page_runs_a_constant_number_of_queries(client, dave, django_assert_max_num_queries):
    for i in range(30):
        tell(dave, widget=f"Widget {i}")
    client.force_login(dave)
    client.get("/accounts/notifications/")
    with django_assert_max_num_queries(8):
        client.get("/accounts/notifications/")


@pytest.mark.parametrize("who", ["alice", "bob", "charlie", "dave"])
def test_each_role_sees_only_their_own(client, federation, alice, bob, charlie, dave, who):
    people = {"alice": alice, "bob": bob, "charlie": charlie, "dave": dave}
    for name, person in people.items():
        tell(person, widget=f"Widget of {name}")
    client.force_login(people[who])
    html = client.get("/accounts/notifications/").content.decode()
    assert f"Widget of {who}" in html
    assert all(f"Widget of {other}" not in html for other in people if other != who)


def test_anonymous_is_sent_to_log_in(client, dave):
    tell(dave)
    answer = client.get("/accounts/notifications/")
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")
    notification = Notification.objects.get()
    assert client.post(f"/accounts/notifications/{notification.pk}/read/").status_code == 302
    assert client.post("/accounts/notifications/read-all/").status_code == 302
    assert Notification.objects.get().read_at is None


def test_mark_as_read_only_by_the_owner(client, alice, dave):
    notification = tell(dave)
    client.force_login(alice)  # even the secretariat
    assert client.post(f"/accounts/notifications/{notification.pk}/read/").status_code == 404
    assert client.get(f"/accounts/notifications/{notification.pk}/read/").status_code == 405
    client.post("/accounts/notifications/read-all/")
    notification.refresh_from_db()
    assert notification.read_at is None
    with pytest.raises(services.PermissionDenied):
        services.notification_mark_read(actor=alice, notification=notification)

    client.force_login(dave)
    answer = client.post(f"/accounts/notifications/{notification.pk}/read/", {"page": "1"})
    assert answer.status_code == 302 and answer["Location"] == "/accounts/notifications/?page=1"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert AuditEntry.objects.filter(action="core.notification.read", actor=dave).count() == 1
    assert 'class="nav-count"' not in client.get("/accounts/notifications/").content.decode()


def test_mark_all_as_read(client, dave, charlie):
    for _i in range(3):
        tell(dave)
    theirs = tell(charlie)
    client.force_login(dave)
    answer = client.post("/accounts/notifications/read-all/", follow=True)
    assert "3 notifications are marked as read." in answer.content.decode()
    assert not Notification.objects.filter(user=dave, read_at=None).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    entry = AuditEntry.objects.get(action="core.notification.read_all")
    assert entry.actor == dave and entry.changes == {"read": [0, 3]}


# --- the account page's settings --------------------------------------------------------------------------------


def test_settings_on_the_account_page(client, dave):
    client.force_login(dave)
    page = client.get("/accounts/").content.decode()
    assert "Language and e-mail" in page and 'name="email_mode" value="digest"' in page
    answer = client.post("/accounts/preferences/", {"language": "es", "email_mode": "digest"}, follow=True)
    assert "Your settings were saved." in answer.content.decode()
    profile = Profile.objects.get(user=dave)
    assert (profile.language, profile.email_mode) == ("es", "digest")
    entry = AuditEntry.objects.get(action="core.profile.update")
    assert entry.changes == {"language": ["", "es"], "email_mode": ["instant", "digest"]}


def test_bad_settings_are_refused_and_change_nothing(client, dave):
    client.force_login(dave)
    choose(dave, language="fr", email_mode="none")
    answer = client.post("/accounts/preferences/", {"language": "de", "email_mode": "hourly"}, follow=True)
    html = answer.content.decode()
    assert "Choose one of the languages offered." in html
    assert "Choose one of the ways offered to hear of your notifications." in html
    profile = Profile.objects.get(user=dave)
    assert (profile.language, profile.email_mode) == ("fr", "none")


def test_who_may_change_whose_settings(alice, bob, dave):
    with pytest.raises(services.PermissionDenied):
        services.profile_update(actor=bob, user=dave, language="fr", email_mode="none")
    services.profile_update(actor=alice, user=dave, language="fr", email_mode="none")  # the secretariat may
    assert Profile.objects.get(user=dave).language == "fr"


def test_anonymous_cannot_change_settings(client, db):
    answer = client.post("/accounts/preferences/", {"language": "fr", "email_mode": "none"})
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]
    assert not Profile.objects.exists()
