"""Reads of the registry shared by the pages, the API and the exports."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from cicopa.core import queries as core_queries
from cicopa.core.models import Country
from cicopa.core.text import fold
from cicopa.registry import directory_queries, permissions
from cicopa.registry.models import (
    CURRENT_MEMBERSHIP,
    MEMBER_STATUSES,
    PUBLIC_MEMBERSHIP,
    AccessInvitation,
    ImportMapping,
    ImportRun,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Office,
    Organisation,
    OrganisationAccess,
    OrganisationKind,
    Person,
)
from cicopa.registry.search import TextQuery, with_index


def organisation_profile(slug: str) -> Organisation:
    """An organisation with what its profile page shows: officers, what it belongs to, its members."""
    return directory_queries.with_relations(
        Organisation.objects.prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("parent", "parent__country").order_by("parent__sort_name"),
            ),
            "identifiers",
        )
    ).get(slug=slug)


def offices(organisation: Organisation) -> tuple[list[Office], list[Office]]:
    """Current and past officers of an organisation."""
    today = timezone.localdate()
    all_offices = list(organisation.offices.select_related("person").order_by("role", "-start"))
    current = [o for o in all_offices if o.is_current(today)]
    past = [o for o in all_offices if not o.is_current(today)]
    return current, past


def members_of(organisation: Organisation, limit: int = 50) -> tuple[list[Membership], int]:
    qs = (
        Membership.objects.filter(parent=organisation, status__in=MEMBER_STATUSES)
        .select_related("member", "member__country")
        .order_by("member__sort_name")
    )
    return list(qs[:limit]), qs.count()


MEMBERSHIP_GROUPS = ("current", "past", "all")
PAST_MEMBERSHIP = (MembershipStatus.WITHDRAWN, MembershipStatus.EXPELLED)


@dataclass
class MembershipPage:
    items: list[Membership]
    counts: dict[str, int]  # memberships per group
    page: int
    pages: int


def memberships_of(
    organisation: Organisation, group: str = "current", page: int = 1, per_page: int = 50
) -> MembershipPage:
    """One page of an organisation's members for those who manage them, each with its dated history."""
    qs = Membership.objects.filter(parent=organisation)
    by_status = dict(qs.values_list("status").annotate(n=Count("id")))
    counts = {
        "current": sum(n for s, n in by_status.items() if s in CURRENT_MEMBERSHIP),
        "past": sum(n for s, n in by_status.items() if s in PAST_MEMBERSHIP),
        "all": sum(by_status.values()),
    }
    if group == "current":
        qs = qs.filter(status__in=CURRENT_MEMBERSHIP)
    elif group == "past":
        qs = qs.filter(status__in=PAST_MEMBERSHIP)
    pages = max(1, math.ceil(counts[group if group in counts else "all"] / per_page))
    page = min(max(1, page), pages)
    items = list(
        qs.select_related("member", "member__country")
        .prefetch_related(Prefetch("events", queryset=MembershipEvent.objects.order_by("-date", "-id")))
        .order_by("member__sort_name", "id")[(page - 1) * per_page : page * per_page]
    )
    return MembershipPage(items, counts, page, pages)


def membership_candidates(user: Any, organisation: Organisation, q: str, limit: int = 10) -> list[Organisation]:
    """Organisations matching `q` that `user` could add to `organisation`'s members (see
    permissions.addable_members): not itself, not already linked to it."""
    if not TextQuery.parse(q):
        return []
    linked = Membership.objects.filter(parent=organisation).values("member_id")
    candidates = (
        permissions.addable_members(user, parent=organisation).exclude(pk=organisation.pk).exclude(pk__in=linked)
    )
    qs = with_index(candidates, TextQuery.parse(q), [])
    found = list(qs.select_related("country").order_by()[: limit * 5])  # bounded, in index order
    return sorted(found, key=lambda o: (fold(o.name), o.pk))[:limit]


def member_organisations_by_country(federation: Organisation) -> list[tuple[Country | None, list[Organisation]]]:
    """The current members of `federation` (CICOPA's member organisations), grouped by country."""
    members = list(
        Organisation.objects.filter(memberships__parent=federation, memberships__status__in=MEMBER_STATUSES)
        .select_related("country")
        .order_by(core_queries.by_country_name("country_id"), "sort_name")
    )
    grouped: dict[str | None, list[Organisation]] = {}
    countries: dict[str | None, Country | None] = {}
    for org in members:
        grouped.setdefault(org.country_id, []).append(org)
        countries[org.country_id] = org.country
    return [(countries[k], v) for k, v in grouped.items()]


def federation_root() -> Organisation | None:
    """The organisation this platform runs (CICOPA in the demo): the sectoral organisation at the top."""
    return Organisation.objects.filter(kind=OrganisationKind.SECTORAL).order_by("id").first()


@dataclass
class FederationFacts:
    """What the about page and the privacy notice tell of the federation, read from the registry."""

    root: Organisation | None
    members: int = 0  # its current member organisations
    countries: int = 0  # the countries they are in
    # Its current officers, each with the organisation whose address reaches them: one they also hold office in
    # (as a president in their own union), else the federation itself (its secretariat).
    officers: list[tuple[Office, Organisation]] = field(default_factory=list)


def federation_facts() -> FederationFacts:
    """The federation this platform runs, its counts and its officers, in a fixed number of queries."""
    root = Organisation.objects.select_related("country").filter(kind=OrganisationKind.SECTORAL).order_by("id").first()
    if root is None:
        return FederationFacts(None)
    counts = Organisation.objects.filter(memberships__parent=root, memberships__status__in=MEMBER_STATUSES).aggregate(
        members=Count("id", distinct=True), countries=Count("country", distinct=True)
    )
    current, _past = offices(root)
    today = timezone.localdate()
    elsewhere: dict[int, Organisation] = {}
    other_offices = (
        Office.objects.filter(person_id__in=[o.person_id for o in current])
        .exclude(organisation=root)
        .select_related("organisation", "organisation__country")
        .order_by("organisation__sort_name", "id")
    )
    for office in other_offices:
        if office.is_current(today):
            elsewhere.setdefault(office.person_id, office.organisation)
    return FederationFacts(
        root,
        members=counts["members"],
        countries=counts["countries"],
        officers=[(office, elsewhere.get(office.person_id, root)) for office in current],
    )


def sitemap_profiles() -> QuerySet[Organisation, tuple[str, Any]]:
    """(slug, last change) of every organisation, in a stable order that pages can slice."""
    return Organisation.objects.order_by("id").values_list("slug", "updated_at")


def access_of(user: Any) -> QuerySet[OrganisationAccess]:
    """The organisations a user acts for, with the role in each."""
    return OrganisationAccess.objects.filter(user_id=getattr(user, "pk", None) or 0).select_related("organisation")


def public_memberships(
    *, member: str | None = None, parent: str | None = None, status: str | None = None
) -> QuerySet[Membership]:
    """Memberships as the public sees them (models.PUBLIC_MEMBERSHIP), by member or parent slug."""
    qs = Membership.objects.filter(status__in=PUBLIC_MEMBERSHIP).select_related("member", "parent")
    if member:
        qs = qs.filter(member__slug=member)
    if parent:
        qs = qs.filter(parent__slug=parent)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("id")


def belongs_to(org: Organisation, user: Any = None) -> list[Membership]:
    """What an organisation belongs to, from its profile's prefetched memberships: the public ones, and its
    applications too for those who decide them or act for the applicant."""
    return [
        m
        for m in org.memberships.all()
        if m.is_public
        or (
            user is not None
            and (
                permissions.can_manage_membership(user, parent=m.parent) or permissions.can_edit_organisation(user, org)
            )
        )
    ]


def people_of(org: Organisation) -> list[Person]:
    """The people who hold or held an office in an organisation."""
    return list(Person.objects.filter(offices__organisation=org).distinct())


def access_to(org: Organisation) -> QuerySet[OrganisationAccess]:
    """The accounts that act for an organisation, officers first."""
    return OrganisationAccess.objects.filter(organisation=org).select_related("user").order_by("role", "user__username")


def invitations_to(org: Organisation) -> QuerySet[AccessInvitation]:
    return org.invitations.select_related("invited_by")


def has_account(email: str) -> bool:
    return get_user_model().objects.filter(email__iexact=email).exists()


def organisation_by_slug(slug: str) -> Organisation | None:
    return Organisation.objects.filter(slug=slug).first() if slug else None


def import_runs() -> QuerySet[ImportRun]:
    """Past imports, newest first (the history of imports and each one's report)."""
    return ImportRun.objects.order_by("-created_at", "-id")


def import_mappings() -> QuerySet[ImportMapping]:
    """Column mappings kept for imports, by name."""
    return ImportMapping.objects.order_by("name")
