"""What the platform's own commands share."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _


def secretariat_account(username: str | None) -> Any:
    """The secretariat account a command acts as and records as the author: the one named, else the first."""
    accounts = get_user_model().objects.filter(is_staff=True, is_active=True)
    user = accounts.filter(username=username).first() if username else accounts.order_by("id").first()
    if user is None and username:
        raise CommandError(_("No active secretariat account is named %(name)s.") % {"name": username})
    if user is None:
        raise CommandError(_("No active secretariat account; create one with `cicopa createsuperuser`."))
    return user
