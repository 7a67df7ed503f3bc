"""Who may do what with statistics. Services call these; views and queries ask them to show or scope."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from cicopa.core.roles import is_authenticated, is_secretariat
from cicopa.registry.models import Organisation, OrganisationAccess, OrganisationKind
from cicopa.statistics.models import StatisticalReturn

# Who reports: a member organisation for its country, a co-operative for itself.
REPORTING_KINDS = (OrganisationKind.MEMBER_ORGANISATION, OrganisationKind.COOPERATIVE)


def can_report_for(user: Any, reporter: Organisation) -> bool:
    """The secretariat, or the people who act for the reporting organisation."""
    if is_secretariat(user):
        return True
    return is_authenticated(user) and OrganisationAccess.objects.filter(user=user, organisation=reporter).exists()


def reporting_organisations(user: Any) -> QuerySet[Organisation]:
    """The organisations `user` may start a return for: for the secretariat, every member organisation."""
    if is_secretariat(user):
        return Organisation.objects.filter(kind=OrganisationKind.MEMBER_ORGANISATION)
    if not is_authenticated(user):
        return Organisation.objects.none()
    ids = OrganisationAccess.objects.filter(user=user).values("organisation_id")
    return Organisation.objects.filter(id__in=ids, kind__in=REPORTING_KINDS)


def visible_returns(user: Any) -> QuerySet[StatisticalReturn]:
    """Returns `user` may read: all for the secretariat, else those of the organisations they act for."""
    if is_secretariat(user):
        return StatisticalReturn.objects.all()
    if not is_authenticated(user):
        return StatisticalReturn.objects.none()
    ids = OrganisationAccess.objects.filter(user=user).values("organisation_id")
    return StatisticalReturn.objects.filter(reporter_id__in=ids)


def can_review_returns(user: Any) -> bool:
    """Sending a return back, or validating it: the secretariat."""
    return is_secretariat(user)


def can_manage_reporters(user: Any) -> bool:
    """Choosing whose figures prevail in a country: the secretariat."""
    return is_secretariat(user)


def can_import_statistics(user: Any) -> bool:
    return is_secretariat(user)


def can_manage_estimates(user: Any) -> bool:
    """Recording the published estimates (such as CICOPA's 1975 figures): the secretariat."""
    return is_secretariat(user)
