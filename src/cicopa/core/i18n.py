"""Helpers for content stored in the three languages of the platform (en, fr, es)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language

CONTENT_LANGUAGES = ("en", "fr", "es")


def current_language() -> str:
    lang = (get_language() or "en")[:2]
    return lang if lang in CONTENT_LANGUAGES else "en"


class TranslatedName(models.Model):
    """A reference record whose name exists in English, French and Spanish."""

    name_en = models.CharField(max_length=200)
    name_fr = models.CharField(max_length=200)
    name_es = models.CharField(max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return str(getattr(self, f"name_{current_language()}") or self.name_en)


def name_field() -> str:
    """The column holding names in the active language, for ordering in queries."""
    return f"name_{current_language()}"
