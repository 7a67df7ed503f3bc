"""Authentication for the JSON API's writes: bearer tokens for programs, the session for the browser.

A request is authenticated by a valid token, or by the session together with its CSRF token; by nothing
else. A request that carries an Authorization header is a program's: it is judged by that header alone,
and a header that does not hold a valid token is a 401, never a fall-back to the browser's session (a
cross-site page can make a browser send a header of its choosing along with the session cookie, but not
the CSRF token). Reads are public and need no credentials; with a token they see what its owner may see
(core.middleware.ApiAuthorizationMiddleware).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from cicopa.core.services import api_token_user

AUTHORIZATION = "HTTP_AUTHORIZATION"


def has_authorization(request: HttpRequest) -> bool:
    """Whether the request carries an Authorization header, even an empty one."""
    return AUTHORIZATION in request.META


class BearerToken(HttpBearer):
    def __call__(self, request: HttpRequest) -> Any:
        if not has_authorization(request):
            return None
        scheme, _space, key = request.META[AUTHORIZATION].strip().partition(" ")
        user = self.authenticate(request, key.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            raise AuthenticationError()
        return user

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


class BrowserSession(SessionAuth):
    """The logged-in user of a browser (the API docs' "Try it out"), CSRF-checked. A request without a login
    gets the 401 that tells how to authenticate, not the CSRF failure."""

    def __call__(self, request: HttpRequest) -> Any:
        if has_authorization(request) or not request.user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise HttpError(
                403,
                _(
                    "CSRF check failed: a request made with the browser's session must carry the page's CSRF "
                    "token in the header X-CSRFToken. Programs use an API token instead."
                ),
            )
        return request.user


WRITE_AUTH = [BearerToken(), BrowserSession()]
