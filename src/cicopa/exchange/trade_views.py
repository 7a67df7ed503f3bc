"""Placeholder: the pages are being built."""

from django.http import Http404, HttpRequest, HttpResponse


def enquire(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def order_new(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def enquiries(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def enquiry(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def orders(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def order(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def order_propose(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def proposal_answer(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def order_deliver(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def order_invoice(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def invoices(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def invoice_new(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def invoice_import(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def invoice(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def invoice_pdf(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def invoice_step(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def trade_overview(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def trade_export(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404
