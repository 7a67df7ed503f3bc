"""The JSON API at /api/v1/: one NinjaAPI, one router per capability, the same services as the pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from cicopa.core.api_auth import OptionalAuth
from cicopa.registry.api import router as registry_router
from cicopa.statistics.api import router as statistics_router

api = NinjaAPI(
    title="CICOPA platform API",
    version="1",
    description=(
        "The registry of the federation: organisations, memberships, offices and reference data. "
        "Reads are public. Writes need a bearer token (create one on your account page) and the "
        "rights of its owner."
    ),
    urls_namespace="api",
    auth=OptionalAuth(),
)


@api.exception_handler(DjangoValidationError)
def validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Permission denied."}, status=403)


api.add_router("/", registry_router)
api.add_router("/", statistics_router)
