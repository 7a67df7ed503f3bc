"""Versions of a record, against lost updates: an editor's form or an API client names the version it read, and
the service refuses to save over a record changed since (core.errors.EditConflict).

A version is a fingerprint of the record's audited state (the snapshot its audit entries are made of), so it
changes exactly when something an editor sees changes. A form carries the whole state it started from, signed,
so that a conflict can show what changed meanwhile and not only that something did."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from django.core import signing

_SALT = "cicopa.core.versions"


def version(state: Mapping[str, Any]) -> str:
    text = json.dumps(state, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def editing_token(state: Mapping[str, Any]) -> str:
    """The state an editor starts from, for a hidden field of the form."""
    return signing.dumps(dict(state), salt=_SALT, compress=True)


def editing_state(token: str | None) -> dict[str, Any] | None:
    """The state a form's token carries, or None for a missing or altered token."""
    if not token:
        return None
    try:
        state = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    return state if isinstance(state, dict) else None
