"""Reads of the shared reference data and of accounts, for pages, the API and exports alike."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from cicopa.core.i18n import sort_field
from cicopa.core.models import (
    ApiToken,
    Country,
    LegalForm,
    MembershipType,
    Notification,
    Profile,
    Region,
    Sector,
    TaskProgress,
)


def countries() -> QuerySet[Country]:
    """Every country, in the alphabetical order of the reader's language."""
    return Country.objects.order_by(sort_field())


def regions() -> QuerySet[Region]:
    return Region.objects.all()


def sectors() -> QuerySet[Sector]:
    return Sector.objects.all()


def membership_types() -> QuerySet[MembershipType]:
    return MembershipType.objects.all()


def legal_forms() -> QuerySet[LegalForm]:
    return LegalForm.objects.all()


def api_tokens_of(user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user_id=getattr(user, "pk", None) or 0)


def profile_of(user: Any) -> Profile:
    """The person's profile, or (unsaved) the defaults for someone who has not made one yet."""
    pk = getattr(user, "pk", None)
    if pk is None:
        return Profile()
    return Profile.objects.filter(user_id=pk).first() or Profile(user_id=pk)


def notifications_of(user: Any) -> QuerySet[Notification]:
    """A person's notifications, newest first."""
    return Notification.objects.filter(user_id=getattr(user, "pk", None) or 0).order_by("-created_at", "-id")


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user_id=user.pk, read_at=None).count()


def task_progress_of(user: Any) -> QuerySet[TaskProgress]:
    """The background tasks a person follows: their own, and nobody else's."""
    return TaskProgress.objects.filter(owner_id=getattr(user, "pk", None) or 0)
