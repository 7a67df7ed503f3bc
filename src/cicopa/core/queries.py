"""Reads of the shared reference data and of accounts, for pages, the API and exports alike."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from cicopa.core.i18n import sort_field
from cicopa.core.models import ApiToken, Country, LegalForm, MembershipType, Region, Sector


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
