"""E-mails the platform sends: rendered where the request is, sent from plain strings."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import forms as auth_forms
from django.core.mail import EmailMessage
from django.template import loader

logger = logging.getLogger(__name__)


def send(*, to: str, subject: str, body: str, from_email: str | None = None) -> None:
    EmailMessage(subject, body, from_email, [to]).send()


class PasswordResetForm(auth_forms.PasswordResetForm):
    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        try:
            send(to=to_email, subject=subject, body=body, from_email=from_email)
        except Exception:
            # As Django's: a failure must not answer otherwise than a reset for an address without an account.
            logger.exception("Failed to send password reset email to %s", context["user"].pk)
