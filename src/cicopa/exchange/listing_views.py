"""Placeholder: the pages are being built."""

from django.http import Http404, HttpRequest, HttpResponse


def listings(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def listing_new(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def listing(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def listing_edit(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def listing_status(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def my_listings(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def matches(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404
