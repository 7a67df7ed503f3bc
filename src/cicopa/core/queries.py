"""Reads of the shared reference data and of accounts, for pages, the API and exports alike."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from cicopa.core.i18n import name_field, region_tree, sort_field
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


def filter_lists() -> dict[str, Any]:
    """The reference lists that filter forms offer, in the reader's language and order: regions as a tree."""
    return {
        "countries": countries(),
        "regions": region_tree(regions()),
        "sectors": sectors(),
        "membership_types": membership_types(),
        "legal_forms": legal_forms(),
    }


def names_by_code() -> dict[str, dict[str, str]]:
    """Names, in the reader's language, of each reference list's codes."""
    lang = name_field()
    return {
        "sector": dict(Sector.objects.values_list("code", lang)),
        "membership_type": dict(MembershipType.objects.values_list("code", lang)),
        "legal_form": dict(LegalForm.objects.values_list("code", lang)),
        "region": dict(Region.objects.values_list("m49", lang)),
        "country": dict(Country.objects.values_list("iso2", lang)),
    }


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
