"""Who a user is to the platform. Finer, per-organisation rights live in each capability."""

from __future__ import annotations

from typing import Any


def is_secretariat(user: Any) -> bool:
    """Secretariat staff run everything: they are the staff accounts of the platform."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active and user.is_staff)


def is_authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)
