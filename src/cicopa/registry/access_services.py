"""Who may act for an organisation: editing rights given and withdrawn, and invitations by e-mail that give them
only once the holder of the address accepts. Every write checks permissions, saves and audits in one transaction."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core import signing
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cicopa.core import audit, background, notifications, tasks
from cicopa.core.errors import PermissionDenied, ValidationError
from cicopa.core.roles import is_secretariat
from cicopa.registry import permissions
from cicopa.registry.models import (
    INVITATION_DAYS,
    AccessInvitation,
    AccessRole,
    InvitationStatus,
    Organisation,
    OrganisationAccess,
)


@transaction.atomic
def access_grant(*, actor: Any, user: Any, organisation: Organisation, role: str) -> OrganisationAccess:
    """Let `user` act for `organisation`. Officers (of it, or of a federation it belongs to) give editor
    access; only the secretariat makes officers or changes an officer's access."""
    if role not in AccessRole.values:
        raise ValidationError({"role": _("Unknown role: %(role)s") % {"role": role}})
    if not is_secretariat(actor):
        current = OrganisationAccess.objects.filter(user=user, organisation=organisation).first()
        if (
            role != AccessRole.EDITOR
            or (current is not None and current.role != AccessRole.EDITOR)
            or not permissions.can_manage_access(actor, organisation)
        ):
            raise PermissionDenied(_("You may not give access to %(org)s.") % {"org": organisation})
    access, _created = OrganisationAccess.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    audit.record(
        actor=actor,
        action="registry.access.grant",
        obj=access,
        changes={"role": [None, role], "user": user.pk, "organisation": organisation.pk},
    )
    return access


@transaction.atomic
def access_revoke(*, actor: Any, access: OrganisationAccess) -> None:
    if not is_secretariat(actor) and (
        access.role != AccessRole.EDITOR or not permissions.can_manage_access(actor, access.organisation)
    ):
        raise PermissionDenied(_("You may not remove this access."))
    audit.record(
        actor=actor,
        action="registry.access.revoke",
        obj=access,  # the row goes: its organisation stays in the entry, for the organisation's history
        changes={"role": [access.role, None], "user": access.user_id, "organisation": access.organisation_id},
    )
    access.delete()


INVITATIONS_PER_DAY = 50  # by one officer: enough for a federation, too few for a mailing
_INVITATION_SALT = "cicopa.registry.invitation"


@transaction.atomic
def access_invite(
    *, actor: Any, organisation: Organisation, email: str, role: str = AccessRole.EDITOR
) -> AccessInvitation:
    """Invite the holder of an e-mail address to act for `organisation`. Nothing is given until they accept
    (`invitation_accept`), and the inviter learns nothing of whether the address has an account. The e-mail's
    link starts with CICOPA_SITE_URL, never with what a request claims as its host."""
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    if role not in AccessRole.values:
        raise ValidationError({"role": _("Unknown role: %(role)s") % {"role": role}})
    if not _may_offer(actor, organisation, role):
        raise PermissionDenied(_("You may not give access to %(org)s.") % {"org": organisation})
    if not is_secretariat(actor):
        since = timezone.now() - datetime.timedelta(days=1)
        if AccessInvitation.objects.filter(invited_by=actor, created_at__gte=since).count() >= INVITATIONS_PER_DAY:
            raise ValidationError(
                {
                    "email": _("You have sent %(n)s invitations in the last day; ask the secretariat for more.")
                    % {"n": INVITATIONS_PER_DAY}
                }
            )
    # A newer invitation to the same address replaces one still waiting.
    for old in AccessInvitation.objects.filter(
        organisation=organisation, email__iexact=email, status=InvitationStatus.PENDING
    ):
        _close(actor, old, InvitationStatus.WITHDRAWN, "registry.invitation.withdraw")
    invitation = AccessInvitation.objects.create(organisation=organisation, email=email, role=role, invited_by=actor)
    audit.record(
        actor=actor,
        action="registry.invitation.create",
        obj=invitation,
        changes={"email": [None, email], "role": [None, role], "organisation": organisation.pk},
    )
    _send_invitation(actor, invitation)
    return invitation


def _may_offer(actor: Any, organisation: Organisation, role: str) -> bool:
    """Officers (of the organisation or of a federation it belongs to) offer editor access; only the secretariat
    makes officers."""
    if is_secretariat(actor):
        return True
    return role == AccessRole.EDITOR and permissions.can_manage_access(actor, organisation)


def invitation_token(invitation: AccessInvitation) -> str:
    return signing.dumps(invitation.pk, salt=_INVITATION_SALT)


def invitation_from_token(token: str) -> AccessInvitation | None:
    try:
        pk = signing.loads(token, salt=_INVITATION_SALT, max_age=datetime.timedelta(days=INVITATION_DAYS))
    except signing.BadSignature:
        return None
    return AccessInvitation.objects.select_related("organisation", "invited_by").filter(pk=pk).first()


def _open_invitation(invitation: AccessInvitation) -> AccessInvitation:
    locked = AccessInvitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    if not locked.is_open:
        raise ValidationError(
            {"invitation": _("This invitation is no longer open: it was answered, withdrawn or has expired.")}
        )
    return locked


@transaction.atomic
def invitation_accept(*, actor: Any, invitation: AccessInvitation) -> OrganisationAccess:
    """The invited person, logged in with the account of the invited address, takes up the access offered (if
    whoever invited them may still give it)."""
    inv = _open_invitation(invitation)
    if not actor.is_authenticated or (actor.email or "").strip().lower() != inv.email.lower():
        raise PermissionDenied(
            _("This invitation was sent to %(email)s: log in with the account of that address to accept it.")
            % {"email": inv.email}
        )
    if inv.invited_by is None or not _may_offer(inv.invited_by, inv.organisation, inv.role):
        raise ValidationError({"invitation": _("Whoever sent this invitation may no longer give this access.")})
    current = OrganisationAccess.objects.filter(user=actor, organisation=inv.organisation).first()
    role = AccessRole.OFFICER if current is not None and current.role == AccessRole.OFFICER else inv.role
    access, _created = OrganisationAccess.objects.update_or_create(
        user=actor, organisation=inv.organisation, defaults={"role": role}
    )
    inv.status, inv.answered_at, inv.accepted_by = InvitationStatus.ACCEPTED, timezone.now(), actor
    inv.save(update_fields=["status", "answered_at", "accepted_by"])
    audit.record(
        actor=actor,
        action="registry.access.grant",
        obj=access,
        changes={"role": [None, role], "user": actor.pk, "organisation": inv.organisation_id, "invitation": inv.pk},
    )
    return access


@transaction.atomic
def invitation_accept_with_new_account(
    *, invitation: AccessInvitation, password: str, request: Any = None
) -> OrganisationAccess:
    """Accept an invitation sent to an address that has no account yet: opening the e-mail's link proves the
    address, so the account is opened with it and the password chosen here."""
    inv = _open_invitation(invitation)
    User = get_user_model()
    if User.objects.filter(email__iexact=inv.email).exists():
        raise ValidationError({"password1": _("An account with this address exists: log in to accept.")})
    username = inv.email.lower()[:150]
    if User.objects.filter(username=username).exists():
        raise ValidationError({"password1": _("An account with this name already exists; ask the secretariat.")})
    user = User(username=username, email=inv.email)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password1": exc.messages}) from None
    user.set_password(password)
    user.save()
    audit.record(
        actor=user, action="registry.user.create", obj=user, changes={"email": [None, inv.email], "invitation": inv.pk}
    )
    return invitation_accept(actor=user, invitation=inv)


@transaction.atomic
def invitation_decline(*, invitation: AccessInvitation) -> None:
    """Anyone holding the e-mail's link may decline: it only closes the offer."""
    _close(None, _open_invitation(invitation), InvitationStatus.DECLINED, "registry.invitation.decline")


@transaction.atomic
def invitation_withdraw(*, actor: Any, invitation: AccessInvitation) -> None:
    if not _may_offer(actor, invitation.organisation, invitation.role):
        raise PermissionDenied(_("You may not withdraw this invitation."))
    _close(actor, _open_invitation(invitation), InvitationStatus.WITHDRAWN, "registry.invitation.withdraw")


def _close(actor: Any, inv: AccessInvitation, status: str, action: str) -> None:
    inv.status, inv.answered_at = status, timezone.now()
    inv.save(update_fields=["status", "answered_at"])
    audit.record(actor=actor, action=action, obj=inv, changes={"organisation": inv.organisation_id})


def _send_invitation(actor: Any, invitation: AccessInvitation) -> None:
    """The invitation's e-mail, in the inviter's language, through the outbox: sent by a background task once the
    invitation is saved, exactly once however often that task runs, and never if the invitation is not saved."""
    context = {
        "inviter": audit.actor_label(actor),
        "organisation": invitation.organisation.name,
        "role": invitation.get_role_display(),
        "profile_url": settings.SITE_URL + invitation.organisation.get_absolute_url(),
        "invitation_url": settings.SITE_URL + reverse("registry:invitation", args=[invitation_token(invitation)]),
        "days": INVITATION_DAYS,
    }
    subject = render_to_string("registry/email/access_invite_subject.txt", context).strip()
    email = notifications.outbox_write(
        key=f"registry.invitation:{invitation.pk}",
        user=None,
        to=invitation.email,
        subject=" ".join(subject.split()),
        body=render_to_string("registry/email/access_invite.txt", context),
    )
    background.enqueue(tasks.send_email, email.pk)
