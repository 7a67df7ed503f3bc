"""Template context every page shares."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from cicopa.core import extensions, queries


def navigation(request: HttpRequest) -> dict[str, Any]:
    # A callable: templates call it only where the navigation is drawn (not in fragments and e-mails).
    return {"nav_items": lambda: extensions.navigation(request)}


def notifications(request: HttpRequest) -> dict[str, Any]:
    # A callable, as above: the count is asked for only where the header is drawn, for a logged-in person.
    return {"unread_notifications": lambda: queries.unread_count(getattr(request, "user", None))}
