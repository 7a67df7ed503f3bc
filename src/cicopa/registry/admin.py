"""The secretariat's back office for the registry. Every save goes through the registry's services,
so the back office obeys the same rules and leaves the same audit entries as the pages and the API."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cicopa.core.admin import SecretariatAdmin
from cicopa.registry import access_services, services
from cicopa.registry.models import Membership, Office, Organisation, OrganisationAccess, Person


class ServiceAdmin(SecretariatAdmin):
    """Deleting is replaced by statuses (dissolved, withdrawn, term ended) so that history stays whole."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "member"
    extra = 0
    fields = ("parent", "status", "since", "until")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(ServiceAdmin):
    list_display = ("name", "acronym", "kind", "country", "city", "status", "is_demo", "updated_at")
    list_filter = ("kind", "status", "is_demo", "sectors", "membership_type", "legal_form")
    search_fields = ("name", "acronym", "city", "slug")
    autocomplete_fields = ("country",)
    filter_horizontal = ("sectors",)
    readonly_fields = ("is_demo", "created_at", "updated_at")
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("kind", "name", "acronym", "slug", "status", "description")}),
        (
            "Location",
            {
                "fields": (
                    "country",
                    "subdivision",
                    "address",
                    "postcode",
                    "city",
                    "latitude",
                    "longitude",
                    "location_approximate",
                )
            },
        ),
        ("Contact", {"fields": ("phone", "fax", "email", "website")}),
        ("Activity", {"fields": ("sectors", "membership_type", "legal_form", "legal_form_text", "founded")}),
        ("Figures", {"fields": ("members_count", "workers_count", "counts_year")}),
        (None, {"fields": ("is_demo", "created_at", "updated_at")}),
    )

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        data = {f: form.cleaned_data[f] for f in form.changed_data if f in services.AUDITED_FIELDS}
        if change:
            services.organisation_update(actor=request.user, organisation=obj, data=data)
        else:
            created = services.organisation_create(actor=request.user, data=dict(form.cleaned_data))
            obj.pk = created.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Sectors are set by the service (with the rest of the record, in its audit entry).
        if "sectors" in form.changed_data and change:
            services.organisation_update(
                actor=request.user, organisation=form.instance, data={"sectors": list(form.cleaned_data["sectors"])}
            )


@admin.register(Membership)
class MembershipAdmin(ServiceAdmin):
    list_display = ("member", "parent", "status", "since", "until")
    list_filter = ("status",)
    search_fields = ("member__name", "parent__name")
    autocomplete_fields = ("member", "parent")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("member", "parent", "since", "until") if obj else ("until",)

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        if change:
            if "status" in form.changed_data:
                services.membership_set_status(
                    actor=request.user, membership=Membership.objects.get(pk=obj.pk), status=obj.status
                )
        else:
            created = services.membership_create(
                actor=request.user, member=obj.member, parent=obj.parent, status=obj.status, since=obj.since
            )
            obj.pk = created.pk


@admin.register(Office)
class OfficeAdmin(ServiceAdmin):
    list_display = ("person", "role", "organisation", "start", "end")
    list_filter = ("role",)
    search_fields = ("person__full_name", "organisation__name")
    autocomplete_fields = ("person", "organisation")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("person", "organisation", "role", "start") if obj else ()

    def save_model(self, request: HttpRequest, obj: Office, form: Any, change: bool) -> None:
        if change:
            if "end" in form.changed_data and obj.end:
                services.office_end(actor=request.user, office=Office.objects.get(pk=obj.pk), end=obj.end)
        else:
            created = services.office_assign(
                actor=request.user,
                organisation=obj.organisation,
                role=obj.role,
                person=obj.person,
                start=obj.start,
                end=obj.end,
            )
            obj.pk = created.pk


@admin.register(Person)
class PersonAdmin(ServiceAdmin):
    list_display = ("full_name", "title", "email", "is_demo")
    search_fields = ("full_name", "email")
    readonly_fields = ("is_demo",)

    def save_model(self, request: HttpRequest, obj: Person, form: Any, change: bool) -> None:
        services.person_save(actor=request.user, person=obj, changed=form.changed_data)


@admin.register(OrganisationAccess)
class OrganisationAccessAdmin(SecretariatAdmin):
    list_display = ("user", "organisation", "role")
    list_filter = ("role",)
    search_fields = ("user__username", "organisation__name")
    autocomplete_fields = ("organisation",)

    def save_model(self, request: HttpRequest, obj: OrganisationAccess, form: Any, change: bool) -> None:
        access = access_services.access_grant(
            actor=request.user, user=obj.user, organisation=obj.organisation, role=obj.role
        )
        obj.pk = access.pk

    def delete_model(self, request: HttpRequest, obj: OrganisationAccess) -> None:
        access_services.access_revoke(actor=request.user, access=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for access in queryset:
            access_services.access_revoke(actor=request.user, access=access)
