"""Request checks that apply to every page and endpoint."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from cicopa.core.api_auth import AUTHORIZATION, has_authorization
from cicopa.core.services import api_token_user

_ENCODED_NUL = re.compile(rb"%00|\\u0000", re.IGNORECASE)


class RefuseNulMiddleware:
    """Refuse a request whose address or form or JSON body holds a NUL character, with a 400 that says so.

    No text of the platform may hold one and PostgreSQL cannot store or even compare one, so a NUL in a
    search, a slug or a JSON field would otherwise fail deep inside a query. Multipart bodies (uploads)
    are left to their forms and importers, which check their text themselves.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._holds_nul(request):
            message = _("The request holds a NUL character (U+0000), which no text here may contain.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _holds_nul(request: HttpRequest) -> bool:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "\x00" in query or _ENCODED_NUL.search(query.encode()):
            return True
        content_type = request.content_type or ""
        if content_type in ("application/json", "application/x-www-form-urlencoded"):
            return bool(_ENCODED_NUL.search(request.body)) or b"\x00" in request.body
        return False


class ApiAuthorizationMiddleware:
    """On the API, a request that carries an Authorization header is a program's: its user is the owner of its
    token, or no one, never the user of a session cookie that came along. So a program reads with its token what
    its owner may see (a draft of their organisation), as a browser does with its session; a read with a header
    that holds no valid token is answered as the public's, and a write with one is refused by the API's
    authentication (core.api_auth)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and has_authorization(request):
            scheme, _space, key = request.META[AUTHORIZATION].strip().partition(" ")
            user = api_token_user(key.strip()) if scheme.lower() == "bearer" and key.strip() else None
            request.user = user if user is not None else AnonymousUser()
        return self.get_response(request)


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """Every response gets the platform's Content-Security-Policy, unless its view set one of its own (a page
    that needs a directive relaxed). Nothing inline runs or styles: scripts and styles come from static
    files, so that markup slipped into a page through some unescaped value can do nothing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Django's technical error pages (debug only) are made of inline styles and scripts.
        if settings.DEBUG and response.status_code >= 400:
            return response
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class HeadAsGetMiddleware:
    """A HEAD request is answered as its GET would be, without the body (RFC 9110): the pages' views and the
    API's operations are written for GET, and each would otherwise answer HEAD with a 405. The length of the
    body left out stays in Content-Length, and a streamed body (an export) is not even produced."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "HEAD":
            return self.get_response(request)
        request.method = "GET"
        try:
            response = self.get_response(request)
        finally:
            request.method = "HEAD"
        if response.streaming:
            response.streaming_content = []  # type: ignore[attr-defined]
        else:
            response.headers.setdefault("Content-Length", str(len(response.content)))
            response.content = b""
        return response


class ApiLanguageMiddleware:
    """The API answers in the language its client asks for with Accept-Language (names of countries, regions,
    sectors, ...; messages of errors), in English when it asks for none the platform has; never in the language
    of a browser's cookie or of the site's pages, so that one request gives the same answer from any client.
    After Django's LocaleMiddleware, which chose the pages' language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        language = accepted_language(request.headers.get("Accept-Language", ""))
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers["Content-Language"] = language
        patch_vary_headers(response, ["Accept-Language"])
        return response


def accepted_language(header: str) -> str:
    """The platform's language that an Accept-Language header prefers ("fr-CA,fr;q=0.9" -> "fr"), by its
    q-values; English when it names none of them."""
    for code, _quality in parse_accept_lang_header(header[:500]):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return str(settings.LANGUAGE_CODE)


class ApiBodyLimitMiddleware:
    """An API request whose body is over DATA_UPLOAD_MAX_MEMORY_SIZE is a 400 in the API's JSON error shape
    that states the limit, not Django's bare HTML 400: the body is read here, before anything else does."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            try:
                _body = request.body
            except RequestDataTooBig:
                limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
                message = _("The request body is too large: this server accepts at most %(size)s (%(bytes)s bytes).")
                return JsonResponse({"detail": message % {"size": filesizeformat(limit), "bytes": limit}}, status=400)
        return self.get_response(request)


class RememberLanguageMiddleware:
    """Remember the language a logged-in person uses the site in: their e-mails are written in it until they
    choose one on their account page. The session keeps the language last noted, so the profile is written
    only when it changes (once a session, or on a switch), never on every page."""

    SESSION_KEY = "cicopa_language"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        language = getattr(request, "LANGUAGE_CODE", "")
        if (
            session is not None
            and user is not None
            and user.is_authenticated
            and not request.path.startswith("/api/")
            and response.status_code < 400
            and session.get(self.SESSION_KEY) != language
        ):
            from cicopa.core import services

            services.profile_note_language(user=user, language=language)
            session[self.SESSION_KEY] = language
        return response
