"""Authentication for the JSON API: bearer tokens for programs, the session for the browser."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from cicopa.core.services import api_token_user


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


class OptionalAuth(APIKeyHeader):
    """Reads are public; a token identifies the caller when one is given, and a wrong token is refused."""

    param_name = "Authorization"

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            user = api_token_user(header[7:].strip())
            if user is None:
                raise AuthenticationError()
            request.user = user
        return True

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return True


WRITE_AUTH = [BearerToken(), django_auth]
