"""Writes on core records."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cicopa.core import audit
from cicopa.core.errors import PermissionDenied, ValidationError
from cicopa.core.models import ApiToken, EmailMode, Notification, Profile
from cicopa.core.roles import is_authenticated, is_secretariat


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, actor: Any, user: Any, name: str) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns the token and its key, which is shown once and never stored."""
    if not is_authenticated(actor) or (actor.pk != user.pk and not is_secretariat(actor)):
        raise PermissionDenied(_("You may only create API tokens for your own account."))
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, such as the program that will use it.")})
    key = "cic_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name[:100], prefix=key[4:12], key_hash=_hash(key))
        audit.record(actor=actor, action="core.api_token.create", obj=token, changes={"name": [None, token.name]})
    return token, key


def api_token_revoke(*, actor: Any, token: ApiToken) -> None:
    if not is_authenticated(actor) or (actor.pk != token.user_id and not is_secretariat(actor)):
        raise PermissionDenied(_("You may only revoke your own API tokens."))
    with transaction.atomic():
        audit.record(actor=actor, action="core.api_token.revoke", obj=token)
        token.delete()


def api_token_user(key: str) -> Any | None:
    """The active user a key belongs to, or None. Records when the token was last used."""
    if not key.startswith("cic_"):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(key)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- notifications and profile --------------------------------------------------------------------------------


def notification_mark_read(*, actor: Any, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications read. Pages look it up among the actor's own (others get a 404);
    this refuses anyone else's all the same."""
    if not is_authenticated(actor) or notification.user_id != actor.pk:
        raise PermissionDenied(_("You may only mark your own notifications as read."))
    with transaction.atomic():
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
            audit.record(
                actor=actor,
                action="core.notification.read",
                obj=notification,
                changes={"read_at": [None, str(notification.read_at)]},
            )
    return notification


def notifications_mark_all_read(*, actor: Any) -> int:
    """Mark every unread notification of the actor read; returns how many."""
    if not is_authenticated(actor):
        raise PermissionDenied(_("Log in to read your notifications."))
    with transaction.atomic():
        count = Notification.objects.filter(user_id=actor.pk, read_at=None).update(read_at=timezone.now())
        if count:
            audit.record(actor=actor, action="core.notification.read_all", obj=actor, changes={"read": [0, count]})
    return count


PROFILE_FIELDS = ("language", "email_mode")


def profile_update(*, actor: Any, user: Any, language: str, email_mode: str) -> Profile:
    """Change a person's language and e-mail choices: their own, or anyone's for the secretariat. A blank
    language means "the language I last used the site in"."""
    if not is_authenticated(actor) or (actor.pk != user.pk and not is_secretariat(actor)):
        raise PermissionDenied(_("You may only change your own settings."))
    errors = {}
    if language not in {"", *(code for code, _name in settings.LANGUAGES)}:
        errors["language"] = _("Choose one of the languages offered.")
    if email_mode not in EmailMode.values:
        errors["email_mode"] = _("Choose one of the ways offered to hear of your notifications.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        profile, _created = Profile.objects.select_for_update().get_or_create(user_id=user.pk)
        before = audit.snapshot(profile, PROFILE_FIELDS)
        profile.language, profile.email_mode = language, email_mode
        profile.save()
        changes = audit.diff(before, audit.snapshot(profile, PROFILE_FIELDS))
        if changes:
            audit.record(actor=actor, action="core.profile.update", obj=profile, changes=changes)
    return profile


def profile_note_language(*, user: Any, language: str) -> None:
    """Remember the language a person uses the site in (the language of their e-mails until they choose one).
    Not audited, like a token's last use: it is a trace of use, not a choice anybody answers for."""
    if not is_authenticated(user) or language not in {code for code, _name in settings.LANGUAGES}:
        return
    updated = Profile.objects.filter(user_id=user.pk).update(last_language=language)
    if not updated:
        Profile.objects.get_or_create(user_id=user.pk, defaults={"last_language": language})
