"""Authentication for the JSON API's writes: bearer tokens for programs, the session for the browser.

Reads are public: they take no credentials and ignore any.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from cicopa.core.services import api_token_user


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


class BrowserSession(SessionAuth):
    """The logged-in user of a browser (the API docs' "Try it out"), CSRF-checked. Only a request that carries
    the session cookie and no Authorization header is one: a program's call with a missing or wrong token
    gets a 401 saying so, not the CSRF failure that a session check without a cookie would give."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if "Authorization" in request.headers or settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super()._get_key(request)


WRITE_AUTH = [BearerToken(), BrowserSession()]
