"""The secretariat's back office for the library: experiences are read here and written through their pages
and services (publish or return from the review queue); topics are read-only, added by migrations in the three
languages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cicopa.core.admin import ReadOnlyReference
from cicopa.knowledge.models import Experience, Topic


@admin.register(Topic)
class TopicAdmin(ReadOnlyReference):
    """Read-only like core's reference lists: topics come with the migrations, in the three languages."""

    list_display = ("code", "name_en", "name_fr", "name_es", "position")


@admin.register(Experience)
class ExperienceAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "language", "status", "year", "published_at")
    list_filter = ("status", "language", "topics")
    search_fields = ("title", "organisation__name")
    list_select_related = ("organisation",)
    exclude = ("sectors",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_staff)


# --- Recommendations -----------------------------------------------------------------------------------------------
from cicopa.knowledge.models import Recipient, Recommendation  # noqa: E402


class _ReadOnly(admin.ModelAdmin):
    """Read here; written through their pages and services (issue, circulate, record a response)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_staff)


@admin.register(Recommendation)
class RecommendationAdmin(_ReadOnly):
    list_display = ("reference", "status", "issued_at", "follow_up_date")
    list_filter = ("status", "topics")
    search_fields = ("reference", "texts__title")
    exclude = ("experiences", "studies")


@admin.register(Recipient)
class RecipientAdmin(_ReadOnly):
    list_display = ("recommendation", "organisation", "status", "status_changed_at", "reminded_at")
    list_filter = ("status", "recommendation")
    search_fields = ("organisation__name", "recommendation__reference")
    list_select_related = ("recommendation", "organisation")


# Studies: read here, written through their pages and services (knowledge/study_services.py); the PDF's bytes and
# text are not shown (the study's page offers the PDF).
from cicopa.knowledge.models import Study  # noqa: E402


@admin.register(Study)
class StudyAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "language", "status", "extraction", "year", "published_at")
    list_filter = ("status", "extraction", "language", "topics")
    search_fields = ("title", "authors", "organisation__name")
    list_select_related = ("organisation",)
    exclude = ("sectors", "countries", "text")

    has_add_permission = ExperienceAdmin.has_add_permission
    has_change_permission = ExperienceAdmin.has_change_permission
    has_delete_permission = ExperienceAdmin.has_delete_permission
    has_view_permission = ExperienceAdmin.has_view_permission

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).defer("text")


# Questions and answers: read here, written through their pages, the API and their services.
from cicopa.knowledge.models import Answer, Question  # noqa: E402


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = ("organisation", "author", "body", "created_at")
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_staff)


@admin.register(Question)
class QuestionAdmin(ExperienceAdmin):
    list_display = ("title", "organisation", "language", "status", "created_at", "answered_at")
    list_filter = ("status", "language", "topics")
    exclude = ("sectors", "accepted_answer")  # type: ignore[assignment]
    inlines = (AnswerInline,)
