from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cicopa.core.models import (
    ApiToken,
    AuditEntry,
    Country,
    LegalForm,
    MembershipType,
    OutboxEmail,
    Region,
    Sector,
)
from cicopa.core.roles import is_secretariat


class SecretariatAdmin(admin.ModelAdmin):
    """The back office belongs to the secretariat (staff accounts), whatever Django model permissions say."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_secretariat(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_secretariat(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_secretariat(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_secretariat(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_secretariat(request.user)


@admin.register(AuditEntry)
class AuditEntryAdmin(SecretariatAdmin):
    list_display = ("created_at", "actor_label", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("object_repr", "actor_label", "object_id")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class ReadOnlyReference(SecretariatAdmin):
    """Reference data comes from the standards through migrations, not by hand."""

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Country)
class CountryAdmin(ReadOnlyReference):
    list_display = ("iso2", "iso3", "name", "region", "subregion", "developed")  # names: CLDR, reader's language
    list_filter = ("region", "developed")
    search_fields = ("iso2", "iso3")


@admin.register(Region)
class RegionAdmin(ReadOnlyReference):
    list_display = ("m49", "name", "level", "parent")


@admin.register(Sector)
class SectorAdmin(ReadOnlyReference):
    list_display = ("code", "name_en", "isic", "ica_codes")


@admin.register(MembershipType)
class MembershipTypeAdmin(ReadOnlyReference):
    list_display = ("code", "name_en", "essglobal")


@admin.register(LegalForm)
class LegalFormAdmin(ReadOnlyReference):
    list_display = ("code", "name_en")


@admin.register(ApiToken)
class ApiTokenAdmin(SecretariatAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at")
    readonly_fields = ("user", "name", "prefix", "key_hash", "created_at", "last_used_at")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(OutboxEmail)
class OutboxEmailAdmin(ReadOnlyReference):
    """What the platform sent, and what it could not send after its retries (with the error): read only, written
    by the tasks alone. Bodies are erased once an e-mail is done with."""

    list_display = ("created_at", "to", "subject", "status", "sent_at", "error")
    list_filter = ("status",)
    search_fields = ("to", "subject", "key")
    date_hierarchy = "created_at"
