"""Writes on core records."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cicopa.core import audit
from cicopa.core.errors import PermissionDenied, ValidationError
from cicopa.core.models import ApiToken
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
