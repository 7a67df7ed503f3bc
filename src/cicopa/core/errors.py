"""Errors that service functions raise; views and the API turn them into messages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.http import HttpRequest


class PermissionDenied(DjangoPermissionDenied):
    """The acting user may not do this to this record."""


class EditConflict(Exception):
    """Someone else changed the record after the editor read it: saving would silently undo their changes.
    `current` is the record's version now."""

    def __init__(self, message: str, *, current: str) -> None:
        super().__init__(message)
        self.message = message
        self.current = current


def report_errors(request: HttpRequest, exc: ValidationError) -> None:
    """Every message of `exc` as an error message on the next page (for pages that redirect after a post)."""
    for errors in exc.message_dict.values():
        for error in errors:
            messages.error(request, error)


def form_errors(form: Any, exc: ValidationError) -> None:
    """A service's ValidationError shown on the form: on its field where the form has one, else above it."""
    for field, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


__all__ = ["EditConflict", "PermissionDenied", "ValidationError", "form_errors", "report_errors"]
