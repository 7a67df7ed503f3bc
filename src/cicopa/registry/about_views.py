"""The pages that tell about the federation and the platform: the about page and the privacy notice. Their
text is written once (from CICOPA's 1998 description); who holds office, where, and how many members there
are, come from the registry."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cicopa.registry import queries


@require_GET
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "registry/about.html", {"facts": queries.federation_facts()})


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "registry/privacy.html", {"facts": queries.federation_facts()})
