"""The secretariat's back office for the clearing house: participations and cycles to read. Cycles are opened,
run and confirmed on the clearing pages (through the services, audited); nothing is changed or deleted here."""

from __future__ import annotations

from django.contrib import admin

from cicopa.clearing.models import Cycle, Participation
from cicopa.exchange.admin import ReadOnlyAdmin


@admin.register(Participation)
class ParticipationAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "terms_version", "accepted_at", "accepted_by", "revoked_at")
    list_filter = ("terms_version",)
    search_fields = ("organisation__name",)
    list_select_related = ("organisation", "accepted_by")


@admin.register(Cycle)
class CycleAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "status", "participants", "invoices", "gross_minor", "cleared_minor", "opened_at")
    list_filter = ("status", "currency")
    exclude = ("run_task",)
