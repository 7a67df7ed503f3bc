"""The secretariat's back office for the exchange: it reads every listing, enquiry, order and invoice, and may
pause or close a listing that breaks the rules (through the service, audited). Trading is the parties' own:
nothing else is changed here, and nothing is deleted."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cicopa.core.admin import SecretariatAdmin
from cicopa.core.errors import ValidationError
from cicopa.exchange import services
from cicopa.exchange.models import Enquiry, Invoice, InvoiceLine, Listing, ListingStatus, Order, OrderProposal


class ReadOnlyAdmin(SecretariatAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _moderate(status: str, label: Any) -> Any:
    @admin.action(description=label)
    def action(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Listing]) -> None:
        done = 0
        for listing in queryset:
            try:
                services.listing_set_status(actor=request.user, listing=listing, status=status)
                done += 1
            except ValidationError as exc:
                messages.error(request, f"{listing}: {' '.join(exc.messages)}")
        if done:
            messages.success(request, _("%(n)s listings changed.") % {"n": done})

    action.__name__ = f"make_{status}"
    return action


@admin.register(Listing)
class ListingAdmin(ReadOnlyAdmin):
    list_display = ("title", "organisation", "direction", "kind", "category", "country", "status", "published_at")
    list_filter = ("status", "direction", "kind", "language", "scope")
    search_fields = ("title", "organisation__name")
    actions = [
        _moderate(ListingStatus.PAUSED, _("Pause the chosen listings")),
        _moderate(ListingStatus.CLOSED, _("Close the chosen listings")),
    ]
    exclude = ("search_title", "search_body", "search_tags")


@admin.register(Enquiry)
class EnquiryAdmin(ReadOnlyAdmin):
    list_display = ("listing", "organisation", "created_at", "last_message_at")
    search_fields = ("listing__title", "organisation__name")


class ProposalInline(admin.TabularInline):
    model = OrderProposal
    extra = 0
    can_delete = False
    fields = ("organisation", "quantity", "unit", "unit_price_minor", "currency", "delivery_date", "status")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ("pk", "description", "seller", "buyer", "status", "updated_at")
    list_filter = ("status",)
    search_fields = ("description", "seller__name", "buyer__name")
    inlines = [ProposalInline]


class LineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False
    fields = ("description", "quantity", "unit", "unit_price_minor", "amount_minor")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ("number", "seller", "buyer", "issue_date", "currency", "total_minor", "status")
    list_filter = ("status", "currency", "source")
    search_fields = ("seller__name", "buyer__name", "external_number")
    inlines = [LineInline]
