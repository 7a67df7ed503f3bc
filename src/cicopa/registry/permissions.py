"""Who may change which organisation. Services call these; queries use them to scope lists."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from cicopa.core.roles import is_authenticated, is_secretariat
from cicopa.registry.models import (
    CURRENT_MEMBERSHIP,
    MEMBER_STATUSES,
    AccessRole,
    Membership,
    Organisation,
    OrganisationAccess,
    OrganisationKind,
)


def officer_organisation_ids(user: Any) -> set[int]:
    if not is_authenticated(user):
        return set()
    return set(
        OrganisationAccess.objects.filter(user=user, role=AccessRole.OFFICER).values_list("organisation_id", flat=True)
    )


def acting_organisation_ids(user: Any) -> set[int]:
    """Organisations `user` acts for (in trade, in the library, ...): those they have access to, and the current
    members of those they are an officer of. Not the secretariat's everything: it acts for no one."""
    if not is_authenticated(user):
        return set()
    rows = list(OrganisationAccess.objects.filter(user=user).values_list("organisation_id", "role"))
    own = {org_id for org_id, _role in rows}
    officer_of = [org_id for org_id, role in rows if role == AccessRole.OFFICER]
    if officer_of:
        own |= set(
            Membership.objects.filter(parent_id__in=officer_of, status__in=MEMBER_STATUSES).values_list(
                "member_id", flat=True
            )
        )
    return own


def editable_organisations(user: Any) -> QuerySet[Organisation]:
    """Organisations `user` may edit: all for the secretariat; for an officer, the organisation and its
    members (active or suspended: not applicants); for an editor, the organisation itself; nothing for anyone
    else."""
    if is_secretariat(user):
        return Organisation.objects.all()
    if not is_authenticated(user):
        return Organisation.objects.none()
    own = OrganisationAccess.objects.filter(user=user).values("organisation_id")
    officer_of = OrganisationAccess.objects.filter(user=user, role=AccessRole.OFFICER).values("organisation_id")
    members = Membership.objects.filter(parent_id__in=officer_of, status__in=MEMBER_STATUSES).values("member_id")
    return Organisation.objects.filter(Q(id__in=own) | Q(id__in=members))


def can_edit_organisation(user: Any, organisation: Organisation) -> bool:
    if is_secretariat(user):
        return True
    return editable_organisations(user).filter(pk=organisation.pk).exists()


def can_create_organisation(user: Any, kind: str, parent: Organisation | None) -> bool:
    """The secretariat creates anything; an officer creates co-operatives inside the own organisation."""
    if is_secretariat(user):
        return True
    return (
        kind in (OrganisationKind.COOPERATIVE, OrganisationKind.OTHER)
        and parent is not None
        and parent.pk in officer_organisation_ids(user)
    )


def can_manage_membership(user: Any, *, parent: Organisation) -> bool:
    """Memberships are managed by the organisation members belong to (its officers) or the secretariat."""
    return is_secretariat(user) or parent.pk in officer_organisation_ids(user)


def addable_members(user: Any, *, parent: Organisation, membership: Membership | None = None) -> QuerySet[Organisation]:
    """Organisations `user` may link to `parent` as members. The secretariat links any organisation to any
    other. A federation's officers link only co-operatives (and other associative enterprises) that nobody
    answers for yet: no current membership elsewhere (applications included) and no people of their own with
    access; and, for a national federation, only those of its country (or of none yet). Otherwise linking
    would hand them another federation's member, or a co-operative abroad. With `membership` (an existing link
    to `parent` being brought back to life), that link itself does not count as a claim."""
    if is_secretariat(user):
        return Organisation.objects.all()
    if not can_manage_membership(user, parent=parent):
        return Organisation.objects.none()
    claims = Membership.objects.filter(status__in=CURRENT_MEMBERSHIP)
    if membership is not None:
        claims = claims.exclude(pk=membership.pk)
    unclaimed = (
        Organisation.objects.filter(kind__in=(OrganisationKind.COOPERATIVE, OrganisationKind.OTHER))
        .exclude(pk__in=claims.values("member_id"))
        .exclude(pk__in=OrganisationAccess.objects.values("organisation_id"))
    )
    if parent.country_id is None:
        return unclaimed
    return unclaimed.filter(Q(country_id=parent.country_id) | Q(country__isnull=True))


def can_add_member(user: Any, *, parent: Organisation, member: Organisation) -> bool:
    return addable_members(user, parent=parent).filter(pk=member.pk).exists()


def can_set_membership_status(user: Any, *, membership: Membership, status: str) -> bool:
    """A change of status that brings a link back to life (a withdrawn, expelled or applicant member made
    active, or a former member made an applicant again) is judged like a new link: otherwise an officer could
    revive an old link to a co-operative that has since joined another federation or has its own people. Other
    changes (suspending, withdrawing, expelling) only need the right to manage the parent's members."""
    if not can_manage_membership(user, parent=membership.parent):
        return False
    gains_rights = status in MEMBER_STATUSES and membership.status not in MEMBER_STATUSES
    claims_again = status in CURRENT_MEMBERSHIP and membership.status not in CURRENT_MEMBERSHIP
    if not (gains_rights or claims_again):
        return True
    return (
        addable_members(user, parent=membership.parent, membership=membership).filter(pk=membership.member_id).exists()
    )


def can_manage_offices(user: Any, organisation: Organisation) -> bool:
    return (
        is_secretariat(user)
        or organisation.pk in officer_organisation_ids(user)
        or can_edit_organisation(user, organisation)
    )


def can_manage_access(user: Any, organisation: Organisation) -> bool:
    """Who gives people an editor's access to an organisation, or takes it away: the secretariat, the
    organisation's officers, and the officers of the organisations it is a member of."""
    if is_secretariat(user):
        return True
    officer_of = officer_organisation_ids(user)
    return bool(officer_of) and (
        organisation.pk in officer_of
        or Membership.objects.filter(member=organisation, parent_id__in=officer_of, status__in=MEMBER_STATUSES).exists()
    )


def can_edit_person(user: Any, person: Any) -> bool:
    """A person's details (shown with every office they hold) are corrected by the secretariat, or by whoever
    manages the officers of every organisation where the person holds or held an office."""
    if is_secretariat(user):
        return True
    organisations = [office.organisation for office in person.offices.select_related("organisation")]
    return bool(organisations) and all(can_manage_offices(user, org) for org in organisations)


def can_see_history(user: Any) -> bool:
    """An organisation's history of changes (who changed what, withdrawn rights included): the secretariat."""
    return is_secretariat(user)


def can_import_organisations(user: Any) -> bool:
    return is_secretariat(user)


def can_save_import_mapping(user: Any) -> bool:
    """Column mappings are kept for imports: whoever imports keeps them."""
    return can_import_organisations(user)


def can_see_imports(user: Any) -> bool:
    """The history of imports and their reports: the secretariat."""
    return is_secretariat(user)


def can_undo_import(user: Any, run: Any) -> bool:
    """Undoing an import: the secretariat, once per import."""
    return is_secretariat(user) and run.undone_at is None
