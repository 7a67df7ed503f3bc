"""Helpers for content stored in the three languages the platform's own content is written in (en, fr, es).

The pages can be read in more languages than these (settings.LANGUAGES): reference names that CLDR holds
(countries, regions, currencies, languages) come from it in any language (`core.names`); the platform's own
reference names (sectors, membership types, legal forms) are stored in the three content languages and shown
in English to readers of another."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cicopa.core.charts import ChartTexts
from cicopa.core.text import fold

T = TypeVar("T")

CONTENT_LANGUAGES = ("en", "fr", "es")


def current_language() -> str:
    """The content language closest to the reader's: theirs when it is one, else English."""
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


def in_reader_language(
    original_language: str, original: T, translations: Iterable[Any], language: str | None = None
) -> tuple[T | Any, str]:
    """(the text, its language) as a reader of `language` sees content written in `original_language`: their
    own language's translation where one exists among `translations` (records with a `language`), else the
    original, which the page then marks as "written in ...". Iterates `translations`, so prefetched ones
    cost no query."""
    language = language or current_language()
    if language != original_language:
        for tr in translations:
            if tr.language == language:
                return tr, language
    return original, original_language


def chart_texts() -> ChartTexts:
    """The words of core.charts in the active language."""
    return ChartTexts(
        estimate=_("estimate"),
        estimate_key=capfirst(_("estimate")),
        unknown=_("unknown"),
        empty=_("No data"),
    )


def by_name(records: Iterable[T]) -> list[T]:
    """Records with a translated name, in the alphabetical order of the active language's readers: accents
    and case aside, so that 'Égypte' comes after 'Danemark', not after 'Zimbabwe'."""
    return sorted(records, key=lambda r: (fold(str(getattr(r, "name", r))), str(r)))


@dataclass(frozen=True)
class RegionChoice:
    """A region as a filter offers it: its code, its name, and its place in the UN M49 tree."""

    m49: str
    name: str
    depth: int  # 0 region, 1 sub-region, 2 intermediate region

    @property
    def label(self) -> str:
        """The name indented by its depth (no-break spaces: a select's options take no other indentation)."""
        return "\u00a0" * 4 * self.depth + self.name


def region_tree(regions: Iterable[Any]) -> list[RegionChoice]:
    """Regions as UN M49 orders them: each region followed by its sub-regions, each sub-region by its
    intermediate regions; regions of one level under one parent sorted by name in the reader's language."""
    children: dict[str | None, list[Any]] = {}
    for region in regions:
        children.setdefault(region.parent_id, []).append(region)
    out: list[RegionChoice] = []

    def walk(parent: str | None, depth: int) -> None:
        for region in by_name(children.get(parent, [])):
            out.append(RegionChoice(region.m49, region.name, depth))
            walk(region.m49, depth + 1)

    walk(None, 0)
    return out
