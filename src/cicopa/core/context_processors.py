"""Template context every page shares."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from cicopa.core import extensions, names, queries


def navigation(request: HttpRequest) -> dict[str, Any]:
    # A callable: templates call it only where the navigation is drawn (not in fragments and e-mails).
    return {"nav_items": lambda: extensions.navigation(request)}


def notifications(request: HttpRequest) -> dict[str, Any]:
    # A callable, as above: the count is asked for only where the header is drawn, for a logged-in person.
    return {"unread_notifications": lambda: queries.unread_count(getattr(request, "user", None))}


def languages(request: HttpRequest) -> dict[str, Any]:
    """The platform's languages for the header's switcher, each in its own name (CLDR) so that a reader finds
    theirs: [(code, name)]."""
    return {"site_languages": [(code, names.own_language_name(code)) for code, _name in settings.LANGUAGES]}
