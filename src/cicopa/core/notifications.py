"""Notifications: what the platform tells a person, on the site (`/accounts/notifications/`) and by e-mail in
their own language, as they chose (at once, in a daily digest, or not at all).

Any app notifies through `notify()`, from its service, in its transaction, with its own template and texts:

    notifications.notify(
        user=offer.owner,
        kind="exchange.enquiry",
        subject=_("New enquiry about %(offer)s"),     # gettext_lazy: translated into the recipient's language
        body_template="exchange/email/enquiry.txt",    # plain text, rendered in the recipient's language
        context={"offer": offer.title, "enquiry": enquiry},
        url=enquiry.get_absolute_url(),                # a path of the site; put into the recipient's language
        actor=actor,                                   # who caused it (the audit entry's actor), None for the system
    )

`core/email/plain.txt` is a body template for a `text` that needs no translation (or was written by the caller
in the recipient's language: `translation.override(queries.profile_of(user).effective_language)`).

E-mails go through the outbox (`OutboxEmail`): written in the same transaction as the notification, sent by a
background task that sends each one at most once (see `deliver`).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template import loader
from django.urls import reverse, translate_url
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cicopa.core import audit, background, formats, queries
from cicopa.core.models import EmailMode, Notification, OutboxEmail

# A digest lists at most this many notifications, then says how many more there are on the site.
DIGEST_LIMIT = 50
# A digest lists the unread notifications that were in no digest yet, of the last day: with some slack, so that
# one that came just after yesterday's digest is in today's however late today's runs (cron, a busy worker).
# Someone who has just chosen digests is not sent the backlog of a month.
DIGEST_WINDOW = datetime.timedelta(hours=36)


def _one_line(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}" if path else ""


def in_language(path: str, language: str) -> str:
    """`path` of this site, as its page is addressed in `language` (/fr/organisations/x/ -> /es/organisations/x/).
    A path is resolved only in the language of its own prefix, so it is read in that language first."""
    with translation.override(translation.get_language_from_path(path) or settings.LANGUAGE_CODE):
        return translate_url(path, language)


@transaction.atomic
def notify(
    *,
    user: Any,
    kind: str,
    subject: Any,
    body_template: str,
    context: Mapping[str, Any] | None = None,
    url: str = "",
    actor: Any = None,
) -> Notification | None:
    """Tell `user` something: a notification on the site and, as they chose, an e-mail now or in the day's
    digest. `subject` (a lazy translation, `%(name)s` filled from `context`, where a date is written as the
    recipient writes it; a literal % is written %%) and `body_template` are rendered in the recipient's language,
    once, here. Returns None for an inactive user, who is told nothing.

    Callers are services that have checked their own permissions: a notification only informs its recipient,
    and its link leads to a page that checks them again."""
    if not getattr(user, "is_active", False):
        return None
    if url and (not url.startswith("/") or url.startswith("//")):
        raise ValueError(f"a notification's url is a path of this site, not {url!r}")
    profile = queries.profile_of(user)
    values = dict(context or {})
    with translation.override(profile.effective_language):
        path = in_language(url, profile.effective_language) if url else ""
        text = _one_line(str(subject) % {k: _readable(v) for k, v in values.items()}, 300)
        body = loader.render_to_string(body_template, {**values, "user": user, "url": _absolute(path)}).strip()
        notification = Notification.objects.create(
            user=user, kind=kind[:60], subject=text, body=body[:10_000], url=path[:500]
        )
        audit.record(actor=actor, action="core.notification.create", obj=notification, changes={"kind": [None, kind]})
        if profile.email_mode == EmailMode.INSTANT and user.email:
            email = outbox_write(
                key=f"notification:{notification.pk}",
                user=user,
                to=user.email,
                subject=text,
                body=loader.render_to_string(
                    "core/email/notification.txt",
                    {"body": body, "url": _absolute(path), "settings_url": _absolute(reverse("account"))},
                ),
            )
            from cicopa.core import tasks

            background.enqueue(tasks.send_email, email.pk)
    return notification


def _readable(value: Any) -> Any:
    """A value of a subject as its reader writes it: a date ("4 décembre 2026") or a moment, in the active
    language; any other value as it is (an order's or an invoice's number is no quantity to group)."""
    if isinstance(value, datetime.datetime):
        return formats.format_datetime(value)
    if isinstance(value, datetime.date):
        return formats.format_date(value)
    return value


def outbox_write(*, key: str, user: Any, to: str, subject: str, body: str) -> OutboxEmail:
    """An e-mail to send under `key`; if one was written under it already (the same task run again), that one."""
    try:
        with transaction.atomic():
            email = OutboxEmail.objects.create(key=key, user=user, to=to, subject=subject, body=body)
            audit.record(actor=None, action="core.email.create", obj=email)
            return email
    except IntegrityError:
        return OutboxEmail.objects.get(key=key)


def deliver(email_id: int) -> bool:
    """Send the outbox e-mail `email_id` unless it is sent already; True if it was sent now.

    The row is locked and marked sent in the transaction in which the e-mail is handed to the mail server:
    a second run (a retry, a worker taken for dead) waits for the first and finds it sent; a run killed before
    its commit leaves it unsent, to be sent by the next. The one window left is a worker killed between the
    mail server's "accepted" and the commit, where the e-mail goes out twice; no e-mail is ever lost for it.
    On SQLite the lock is the database's write lock: EMAIL_TIMEOUT bounds how long a send may hold it."""
    with transaction.atomic():
        email = OutboxEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status != OutboxEmail.Status.PENDING:
            return False
        EmailMessage(email.subject, email.body, None, [email.to]).send()
        email.status = OutboxEmail.Status.SENT
        email.sent_at = timezone.now()
        email.body = ""
        email.save(update_fields=["status", "sent_at", "body"])
        audit.record(actor=None, action="core.email.send", obj=email)
    return True


def delivery_failed(email_id: int, *, error: BaseException, **kwargs: Any) -> None:
    """The last attempt to send failed: the e-mail is marked so, with the error, and its body erased."""
    with transaction.atomic():
        email = OutboxEmail.objects.select_for_update().filter(pk=email_id, status=OutboxEmail.Status.PENDING).first()
        if email is None:
            return
        email.status = OutboxEmail.Status.FAILED
        email.error = _one_line(f"{type(error).__name__}: {error}", 500)
        email.body = ""
        email.save(update_fields=["status", "error", "body"])
        audit.record(actor=None, action="core.email.fail", obj=email, changes={"error": [None, email.error]})


def send_digests(*, now: datetime.datetime | None = None) -> list[int]:
    """Write today's digest e-mail for every person who chose one and has unread notifications of the last day
    (DIGEST_WINDOW) not yet in a digest; returns the ids of the e-mails written (each is then sent by a task).

    Once a day: the e-mail's key is `digest:<user>:<date>`, so a second run on the same day (cron run twice,
    several workers, a retry) writes nothing; each notification is in one digest at most."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    since = now - DIGEST_WINDOW
    written = []
    users = (
        get_user_model()
        .objects.filter(is_active=True, cicopa_profile__email_mode=EmailMode.DIGEST)
        .exclude(email="")
        .filter(
            notifications__read_at=None,
            notifications__digest_email=None,
            notifications__created_at__gt=since,
            notifications__created_at__lte=now,
        )
        .distinct()
        .select_related("cicopa_profile")
    )
    for user in users:
        email_id = _write_digest(user=user, today=today, since=since, now=now)
        if email_id is not None:
            written.append(email_id)
    return written


def _write_digest(*, user: Any, today: datetime.date, since: datetime.datetime, now: datetime.datetime) -> int | None:
    key = f"digest:{user.pk}:{today.isoformat()}"
    try:
        with transaction.atomic():
            pending = Notification.objects.filter(
                user=user, read_at=None, digest_email=None, created_at__gt=since, created_at__lte=now
            ).order_by("-created_at", "-id")
            listed = list(pending[:DIGEST_LIMIT])
            if not listed:
                return None
            more = pending.count() - len(listed)
            language = user.cicopa_profile.effective_language
            with translation.override(language):
                subject = _("Your CICOPA notifications of %(date)s") % {"date": formats.format_date(today)}
                body = loader.render_to_string(
                    "core/email/digest.txt",
                    {
                        "notifications": [(n, _absolute(n.url)) for n in listed],
                        "more": more,
                        "list_url": _absolute(reverse("notifications")),
                        "settings_url": _absolute(reverse("account")),
                    },
                )
            email = OutboxEmail.objects.create(key=key, user=user, to=user.email, subject=subject, body=body)
            Notification.objects.filter(pk__in=[n.pk for n in listed]).update(digest_email=email)
            audit.record(
                actor=None, action="core.email.create", obj=email, changes={"notifications": [None, len(listed)]}
            )
            from cicopa.core import tasks

            background.enqueue(tasks.send_email, email.pk)
            return email.pk
    except IntegrityError:
        return None  # today's digest is written already
