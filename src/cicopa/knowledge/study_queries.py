"""Reads of the library's studies that pages and the API share, without the PDF's bytes (and, for lists,
without the extracted text), and the study's entry in the library's search."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from cicopa.core import queries as core_queries
from cicopa.core.i18n import current_language
from cicopa.knowledge import library, permissions
from cicopa.knowledge.models import ExperienceStatus, LibraryKind, Study, StudyFile

# A list needs neither the PDF's text (up to 2 million characters a study) nor its bytes.
LIST_DEFER = ("text",)


def with_details(qs: QuerySet[Study]) -> QuerySet[Study]:
    return qs.select_related("organisation", "author").prefetch_related("topics", "countries", "sectors")


def file_of(study: Study) -> StudyFile | None:
    """The study's PDF, described (its bytes are not loaded)."""
    return StudyFile.objects.defer("data").filter(study_id=study.pk).first()


def published_studies() -> QuerySet[Study]:
    return with_details(
        Study.objects.filter(permissions.PUBLIC_STUDY).defer(*LIST_DEFER).order_by("-published_at", "-id")
    )


def review_queue() -> QuerySet[Study]:
    return with_details(
        Study.objects.filter(status=ExperienceStatus.SUBMITTED).defer(*LIST_DEFER).order_by("submitted_at", "id")
    )


def managed(user: Any) -> QuerySet[Study]:
    return with_details(permissions.managed_studies(user).defer(*LIST_DEFER)).order_by("-updated_at", "-id")


def study_for(user: Any, study_id: Any) -> Study | None:
    """The study `user` may see under this id, or None (the page and the API answer 404)."""
    return core_queries.by_id(with_details(permissions.visible_studies(user)), study_id)


# --- the library's search ---------------------------------------------------------------------------------------


def library_item(study: Study) -> library.LibraryItem:
    """The study's entry in the library's search: its title, and to search besides, its authors, abstract and
    the text read from its PDF (none when the PDF could not be read: then it is found by the rest)."""
    assert study.published_at is not None
    return library.LibraryItem(
        kind=LibraryKind.STUDY,
        object_id=study.pk,
        language=study.language,
        titles={study.language: study.title},
        texts=[t for t in (study.authors, study.abstract, study.text) if t],
        topics=sorted(t.code for t in study.topics.all()),
        countries=sorted(c.iso2 for c in study.countries.all()),
        sectors=sorted(s.code for s in study.sectors.all()),
        year=study.year,
        published_at=study.published_at,
    )


def index_study(study: Study) -> None:
    """Put the study's entry in the library's search while it is published; take it out otherwise. Called by
    the services, in their transaction, whenever a study becomes public, changes while public (its text is read)
    or stops being public."""
    if study.status == ExperienceStatus.PUBLISHED:
        library.index_put(library_item(study))
    else:
        library.index_remove(LibraryKind.STUDY, study.pk)


def library_cards(ids: list[int]) -> dict[int, library.Card]:
    """The library's result cards of published studies (knowledge.library.CARD_MAKERS): a study is in one
    language, so its title and abstract are in that one, marked when it is not the reader's; the excerpt is cut
    from the text read from its PDF, or from the abstract when none could be read."""
    reader = current_language()
    cards = {}
    for s in Study.objects.filter(permissions.PUBLIC_STUDY, pk__in=ids).only(
        "pk", "title", "abstract", "language", "text"
    ):
        cards[s.pk] = library.Card(
            title=s.title,
            url=s.get_absolute_url(),
            summary=s.abstract,
            text=s.text or s.abstract,
            original_language=s.language if s.language != reader else None,
        )
    return cards
