"""Errors that service functions raise; views and the API turn them into messages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.http import HttpRequest


class PermissionDenied(DjangoPermissionDenied):
    """The acting user may not do this to this record."""


def report_errors(request: HttpRequest, exc: ValidationError) -> None:
    """Every message of `exc` as an error message on the next page (for pages that redirect after a post)."""
    for errors in exc.message_dict.values():
        for error in errors:
            messages.error(request, error)


__all__ = ["PermissionDenied", "ValidationError", "report_errors"]
