"""Who may do what with recommendations. Only the secretariat writes, issues and circulates them; an issued
recommendation is public, a draft is the secretariat's alone (404 for anyone else). A recipient member
organisation's officers record its responses, never another organisation's; the secretariat may record one on
its behalf (marked so). The adoption figures are for the secretariat and the officers of member organisations."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from cicopa.core.roles import is_authenticated, is_secretariat
from cicopa.knowledge.models import Recipient, Recommendation, RecommendationStatus
from cicopa.registry.models import AccessRole, OrganisationAccess, OrganisationKind
from cicopa.registry.permissions import officer_organisation_ids


def can_manage_recommendations(user: Any) -> bool:
    """Writing, issuing and circulating: the secretariat's."""
    return is_secretariat(user)


def visible_recommendations(user: Any) -> QuerySet[Recommendation]:
    if is_secretariat(user):
        return Recommendation.objects.all()
    return Recommendation.objects.filter(status=RecommendationStatus.ISSUED)


def can_see_recommendation(user: Any, recommendation: Recommendation) -> bool:
    return recommendation.is_issued or is_secretariat(user)


def can_respond_for(user: Any, recipient: Recipient) -> bool:
    """An officer of the recipient organisation itself (not of the federation above it), or the secretariat."""
    return is_secretariat(user) or recipient.organisation_id in officer_organisation_ids(user)


def responding_organisation_ids(user: Any) -> set[int]:
    """The organisations whose responses `user` records as their officer."""
    return officer_organisation_ids(user)


def is_member_organisation_officer(user: Any) -> bool:
    if not is_authenticated(user):
        return False
    return OrganisationAccess.objects.filter(
        user=user, role=AccessRole.OFFICER, organisation__kind=OrganisationKind.MEMBER_ORGANISATION
    ).exists()


def can_see_adoption(user: Any, recommendation: Recommendation) -> bool:
    """The adoption dashboard: the secretariat, and the officers of member organisations once it is issued."""
    if is_secretariat(user):
        return True
    return recommendation.is_issued and is_member_organisation_officer(user)
