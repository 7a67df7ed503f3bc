"""Errors that service functions raise; views and the API turn them into messages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError


class PermissionDenied(DjangoPermissionDenied):
    """The acting user may not do this to this record."""


__all__ = ["PermissionDenied", "ValidationError"]
