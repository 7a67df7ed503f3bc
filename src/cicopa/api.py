"""The JSON API at /api/v1/: one NinjaAPI, one router per capability, the same services as the pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError
from ninja.openapi.schema import OpenAPISchema

from cicopa.core.embed import json_for_script
from cicopa.core.errors import EditConflict
from cicopa.core.extensions import contributions

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {
            "description": "What is wrong: one message, or the messages of each field that is wrong",
            "anyOf": [
                {"type": "string"},
                {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
                {"type": "array", "items": {"type": "object"}},
            ],
        }
    },
}
ERRORS = {
    400: "The body is not JSON, or is larger than the server accepts",
    401: "No token, or a token that is wrong or revoked",
    403: "The token's owner may not do this (or a browser's session came without its CSRF token)",
    404: "Nothing has this identifier",
    412: "The record changed since the version named in If-Match: read it again",
    422: "Bad input: what is wrong, by field",
}


class Docs(Swagger):
    """Swagger UI, from core's ninja/swagger.html, its settings embedded like any JSON in a page."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {"swagger_settings": json_for_script(self.settings), "api": api}
        # Outside the language prefixes a page is in the default language; the links back to the site are in the
        # reader's (the language chosen on the site, else the browser's), and lead to the site in it.
        with translation.override(translation.get_language_from_request(request)):
            return render(request, self.template, context)


class CicopaAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None) -> OpenAPISchema:
        return with_languages(with_errors(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)))


def with_languages(schema: OpenAPISchema) -> OpenAPISchema:
    """The OpenAPI document with the Accept-Language header each operation reads (core.middleware
    .ApiLanguageMiddleware), the platform's languages listed, and the Content-Language of every answer."""
    codes = [code for code, _name in settings.LANGUAGES]
    parameter = {
        "name": "Accept-Language",
        "in": "header",
        "required": False,
        "description": (
            "The language of names (countries, regions, sectors, membership types, legal forms, currencies) and "
            f"of error messages: one of {', '.join(codes)}, as browsers send it (q-values, regional variants such "
            f"as fr-CA). Without it, or naming none of these, the answer is in {settings.LANGUAGE_CODE}."
        ),
        "schema": {"type": "string", "example": codes[1] if len(codes) > 1 else codes[0]},
    }
    for operations in schema["paths"].values():
        for operation in operations.values():
            parameters = operation.setdefault("parameters", [])
            if not any(p["in"] == "header" and p["name"] == "Accept-Language" for p in parameters):
                parameters.append(parameter)
            for response in operation.get("responses", {}).values():
                response.setdefault("headers", {})["Content-Language"] = {
                    "description": "The language of the answer's names and messages",
                    "schema": {"type": "string", "enum": codes},
                }
    return schema


def with_errors(schema: OpenAPISchema) -> OpenAPISchema:
    """The OpenAPI document with the error responses each operation can give, all of the Error shape, so
    that clients generated from it know them: 401 for a write without a valid token, 403 for a write its
    token's owner may not make; 404 on a path with an identifier; 422 for bad
    parameters or body; 400 for a body that is not JSON or is too large."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            codes = [401, 403] if operation.get("security") else []
            if "{" in path:
                codes.append(404)
            parameters = operation.get("parameters", [])
            if (
                operation.get("requestBody")
                or any(p["in"] == "query" for p in parameters)
                or any(p["schema"].get("type") == "integer" for p in parameters)
            ):
                codes.append(422)
            if operation.get("requestBody"):
                codes.append(400)
            if any(p["in"] == "header" and p["name"] == "If-Match" for p in parameters):
                codes.append(412)
            for code in codes:
                operation["responses"].setdefault(
                    code,
                    {
                        "description": ERRORS[code],
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                )
    return schema


api = CicopaAPI(
    title="CICOPA platform API",
    version="1",
    description=(
        "The registry of the federation: organisations, memberships, offices and reference data. "
        "Reads are public; with a bearer token they also show what its owner may see. "
        "Writes need a bearer token (create one on your account page) and the "
        "rights of its owner. Answers are in the language the Accept-Language header asks for, among the "
        "platform's languages (English by default): names of countries, regions, currencies and languages as "
        "the Unicode CLDR writes them in it, and the messages of errors."
    ),
    urls_namespace="api",
    # Without deep links an operation's path is plain text, not a link nested in its expand button; without
    # syntax colouring, examples and answers are dark on light, easy to read.
    docs=Docs(settings={"deepLinking": False, "syntaxHighlight": {"activated": False}}),
)


@api.exception_handler(DjangoValidationError)
def validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(AuthenticationError)
def not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = _("Give a valid API token in the header Authorization: Bearer <token> (create one on your account page).")
    response = api.create_response(request, {"detail": message}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(EditConflict)
def edit_conflict(request: HttpRequest, exc: EditConflict) -> HttpResponse:
    response = api.create_response(request, {"detail": exc.message}, status=412)
    response["ETag"] = f'"{exc.current}"'
    return response


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or _("Permission denied.")}, status=403)


# Each capability contributes its router (AppConfig.api_router); their paths are absolute under /api/v1/.
for _config, make_router in contributions("api_router"):
    api.add_router("/", make_router())
