"""Who may do what in the knowledge library. An organisation's editors and officers (an officer of a federation
also for its member co-operatives, as in the exchange) write its experiences; the author of an experience edits
it while it is a draft or returned; only the secretariat publishes or returns. What is not published is seen by
those who may edit it and by the secretariat, and by no one else: the public gets a 404."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from cicopa.core.roles import is_authenticated, is_secretariat
from cicopa.knowledge.models import Experience, ExperienceStatus
from cicopa.registry.models import Organisation
from cicopa.registry.permissions import acting_organisation_ids

PUBLIC_EXPERIENCE = Q(status=ExperienceStatus.PUBLISHED)


def writing_organisation_ids(user: Any) -> set[int]:
    """Organisations `user` writes for: those they have access to, and the current members of those they are
    an officer of (registry.permissions.acting_organisation_ids)."""
    return acting_organisation_ids(user)


def writing_organisations(user: Any) -> QuerySet[Organisation]:
    if is_secretariat(user):
        return Organisation.objects.order_by("name")
    return Organisation.objects.filter(pk__in=writing_organisation_ids(user)).order_by("name")


def can_write_for(user: Any, organisation: Organisation | None) -> bool:
    if organisation is None:
        return False
    return is_secretariat(user) or organisation.pk in writing_organisation_ids(user)


def _is_author(user: Any, experience: Experience) -> bool:
    return is_authenticated(user) and experience.author_id == user.pk


def can_manage_experience(user: Any, experience: Experience) -> bool:
    """Its author, its organisation's people and the secretariat (whatever its status)."""
    return is_secretariat(user) or _is_author(user, experience) or can_write_for(user, experience.organisation)


def can_edit_experience(user: Any, experience: Experience) -> bool:
    """Changing the text, translations and attachments: while it is a draft or returned."""
    return experience.is_editable and can_manage_experience(user, experience)


def can_submit_experience(user: Any, experience: Experience) -> bool:
    return can_edit_experience(user, experience)


def can_review_experiences(user: Any) -> bool:
    """Publishing and returning: the secretariat's."""
    return is_secretariat(user)


def can_see_experience(user: Any, experience: Experience) -> bool:
    return experience.status == ExperienceStatus.PUBLISHED or can_manage_experience(user, experience)


def visible_experiences(user: Any) -> QuerySet[Experience]:
    """Published ones for everyone; the rest to their authors, their organisations' people and the secretariat."""
    if is_secretariat(user):
        return Experience.objects.all()
    if not is_authenticated(user):
        return Experience.objects.filter(PUBLIC_EXPERIENCE)
    mine = writing_organisation_ids(user)
    return Experience.objects.filter(PUBLIC_EXPERIENCE | Q(organisation_id__in=mine) | Q(author=user))


def managed_experiences(user: Any) -> QuerySet[Experience]:
    """What `user`'s "my organisations' experiences" page lists."""
    if not is_authenticated(user):
        return Experience.objects.none()
    return Experience.objects.filter(Q(organisation_id__in=writing_organisation_ids(user)) | Q(author=user))


# --- Studies: the experiences' rules; a study of the secretariat (no organisation) is written by its author and
# the secretariat only.

from cicopa.knowledge.models import Study  # noqa: E402

PUBLIC_STUDY = Q(status=ExperienceStatus.PUBLISHED)


def can_add_study(user: Any) -> bool:
    """Someone who writes for an organisation, or the secretariat (who may add one of its own)."""
    return is_secretariat(user) or bool(writing_organisation_ids(user))


def can_manage_study(user: Any, study: Study) -> bool:
    """Its author, its organisation's people and the secretariat (whatever its status)."""
    if is_secretariat(user):
        return True
    if is_authenticated(user) and study.author_id == user.pk:
        return True
    return study.organisation_id is not None and study.organisation_id in writing_organisation_ids(user)


def can_edit_study(user: Any, study: Study) -> bool:
    """Changing its description and its PDF: while it is a draft or returned."""
    return study.is_editable and can_manage_study(user, study)


def can_review_studies(user: Any) -> bool:
    """Publishing and returning: the secretariat's."""
    return is_secretariat(user)


def can_see_study(user: Any, study: Study) -> bool:
    return study.status == ExperienceStatus.PUBLISHED or can_manage_study(user, study)


def visible_studies(user: Any) -> QuerySet[Study]:
    """Published ones for everyone; the rest to their authors, their organisations' people and the secretariat."""
    if is_secretariat(user):
        return Study.objects.all()
    if not is_authenticated(user):
        return Study.objects.filter(PUBLIC_STUDY)
    mine = writing_organisation_ids(user)
    return Study.objects.filter(PUBLIC_STUDY | Q(organisation_id__in=mine) | Q(author=user))


def managed_studies(user: Any) -> QuerySet[Study]:
    """What `user`'s own list shows: their organisations' studies and those they added (for the secretariat,
    also the secretariat's own)."""
    if not is_authenticated(user):
        return Study.objects.none()
    mine = Q(organisation_id__in=writing_organisation_ids(user)) | Q(author=user)
    if is_secretariat(user):
        mine |= Q(organisation__isnull=True)
    return Study.objects.filter(mine)
