"""The platform's own background tasks (core/background.py says how tasks are made and run)."""

from __future__ import annotations

from django.utils import translation

from cicopa.core import notifications
from cicopa.core.background import retried_task


@retried_task(attempts=6, backoff=60, on_failure=notifications.delivery_failed)
def send_email(email_id: int) -> bool:
    """Send one outbox e-mail, at most once however often it runs (notifications.deliver); a mail server
    that refuses is tried again for about an hour."""
    return notifications.deliver(email_id)


@retried_task(attempts=3, backoff=300)
def send_digests() -> int:
    """Write the day's digest e-mails (each then sent by send_email); once a day however often it runs."""
    return len(notifications.send_digests())


@retried_task(attempts=6, backoff=60)
def send_password_reset(*, email: str, request_id: str, domain: str, use_https: bool, language: str) -> None:
    """The password-reset e-mail, out of the request: whether the address has an account, and how long a mail
    server takes, show nothing in how long the page takes to answer. `request_id` makes it one e-mail per
    request, however often the task runs (core/mail.py)."""
    from cicopa.core.mail import PasswordResetForm

    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return
    with translation.override(language):
        form.save(
            domain_override=domain,
            use_https=use_https,
            subject_template_name="core/password_reset_subject.txt",
            email_template_name="core/password_reset_email.txt",
            extra_email_context={"request_id": request_id},
        )
