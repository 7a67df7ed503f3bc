"""E-mails the platform sends: through the outbox (core/notifications.py), by background tasks."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import forms as auth_forms
from django.template import loader
from django.utils import translation

from cicopa.core import notifications, queries
from cicopa.core.models import OutboxEmail


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's, whose e-mail goes through the outbox: written once per request and account (the key holds
    the request's id), in the account holder's chosen language, then sent at most once."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user = context["user"]
        key = f"password-reset:{context['request_id']}:{user.pk}"
        email = OutboxEmail.objects.filter(key=key).first()
        if email is None:
            with translation.override(queries.profile_of(user).language or translation.get_language()):
                subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
                body = loader.render_to_string(email_template_name, context)
            email = notifications.outbox_write(key=key, user=user, to=to_email, subject=subject, body=body)
        notifications.deliver(email.pk)
