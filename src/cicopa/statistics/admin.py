"""Back office for statistics: returns are read here (entry and review have their own pages);
designations and published estimates are kept here, through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cicopa.core.admin import SecretariatAdmin
from cicopa.statistics import services
from cicopa.statistics.models import DesignatedReporter, PublishedEstimate, ReturnLine, StatisticalReturn


class LineInline(admin.TabularInline):
    model = ReturnLine
    extra = 0
    can_delete = False
    fields = (
        "sector",
        "membership_type",
        "subdivision",
        "cooperatives",
        "members",
        "employees",
        "worker_members",
        "producer_members",
        "counted",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(StatisticalReturn)
class StatisticalReturnAdmin(SecretariatAdmin):
    list_display = ("reporter", "year", "status", "updated_at")
    list_filter = ("status", "year")
    search_fields = ("reporter__name",)
    readonly_fields = ("reporter", "year", "status", "comment")
    inlines = [LineInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DesignatedReporter)
class DesignatedReporterAdmin(SecretariatAdmin):
    list_display = ("country", "organisation")
    autocomplete_fields = ("country", "organisation")

    def save_model(self, request: HttpRequest, obj: DesignatedReporter, form: Any, change: bool) -> None:
        services.designate_reporter(actor=request.user, country=obj.country, organisation=obj.organisation)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PublishedEstimate)
class PublishedEstimateAdmin(SecretariatAdmin):
    list_display = ("scope", "year", "measure", "value", "source")
    list_filter = ("scope", "measure")

    def save_model(self, request: HttpRequest, obj: PublishedEstimate, form: Any, change: bool) -> None:
        services.published_estimate_save(actor=request.user, estimate=obj, changed=form.changed_data)

    def delete_model(self, request: HttpRequest, obj: PublishedEstimate) -> None:
        services.published_estimate_delete(actor=request.user, estimate=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for estimate in queryset:
            services.published_estimate_delete(actor=request.user, estimate=estimate)
