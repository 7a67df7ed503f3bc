"""Every write of the library's studies: described, given their PDF, submitted, published or returned, and the
text read from the PDF in the background. The experiences' workflow and rules (knowledge/services.py), with two
differences: the secretariat adds studies of its own (without organisation) and may publish a draft at once;
and a study needs its PDF before it is submitted or published."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cicopa.core import audit, background, versions
from cicopa.core.errors import EditConflict, PermissionDenied, ValidationError
from cicopa.core.i18n import CONTENT_LANGUAGES
from cicopa.core.models import Country, Sector
from cicopa.knowledge import permissions, study_text
from cicopa.knowledge.models import (
    FIRST_YEAR,
    LAST_YEAR,
    ExperienceStatus,
    Extraction,
    Study,
    StudyFile,
    Topic,
)
from cicopa.knowledge.services import _codes, _text, checked_document, file_name, refuse_step, tell_authors
from cicopa.registry.models import Organisation

STUDY_FIELDS = ("language", "title", "authors", "year", "abstract", "topics", "countries", "sectors")
_RELATIONS = ("topics", "countries", "sectors")


def study_snapshot(study: Study) -> dict[str, Any]:
    data = audit.snapshot(study, [f for f in STUDY_FIELDS if f not in _RELATIONS] + ["status"])
    data["organisation"] = study.organisation_id
    if study.pk:
        data["topics"] = sorted(study.topics.values_list("code", flat=True))
        data["countries"] = sorted(study.countries.values_list("iso2", flat=True))
        data["sectors"] = sorted(study.sectors.values_list("code", flat=True))
        found = StudyFile.objects.filter(study=study).values_list("filename", "size").first()
        data["file"] = list(found) if found else None
    return data


def study_version(study: Study) -> str:
    """Its version: the API's ETag, and what study_update's `based_on` names."""
    return versions.version(study_snapshot(study))


def _clean(study: Study, data: Mapping[str, Any]) -> dict[str, list[Any] | None]:
    """Apply `data` to `study`, checking every field at once; the topics, countries and sectors to set (None:
    unchanged). Raises ValidationError with every problem."""
    unknown = set(data) - set(STUDY_FIELDS)
    if unknown:
        raise ValidationError({f: _("This field cannot be changed here.") for f in sorted(unknown)})
    errors: dict[str, list[str]] = {}
    if "language" in data:
        if data["language"] not in CONTENT_LANGUAGES:
            errors.setdefault("language", []).append(_("Choose English, French or Spanish."))
        else:
            study.language = str(data["language"])
    if "title" in data:
        study.title = _text(data["title"], True)
    if "abstract" in data:
        study.abstract = _text(data["abstract"], False)
    if "authors" in data:
        value = data["authors"]
        if isinstance(value, list | tuple):
            value = "\n".join(str(v) for v in value)
        study.authors = "\n".join(" ".join(line.split()) for line in _text(value, False).splitlines() if line.strip())
    if not study.title:
        errors.setdefault("title", []).append(_("Give the study a title."))
    if "year" in data:
        year = data["year"]
        if isinstance(year, str) and year.strip().isdigit() and len(year.strip()) <= 4:
            year = int(year)
        if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
            errors.setdefault("year", []).append(
                _("Give a year from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        else:
            study.year = year
    relations: dict[str, list[Any] | None] = {name: None for name in _RELATIONS}
    if "topics" in data:
        relations["topics"] = _codes(Topic, data["topics"], "topics", errors)
    if "sectors" in data:
        relations["sectors"] = _codes(Sector, data["sectors"], "sectors", errors)
    if "countries" in data:
        values = data["countries"]
        if isinstance(values, list | tuple):
            values = [str(v).upper() for v in values]
        relations["countries"] = _codes(Country, values, "countries", errors)
    try:
        study.full_clean(exclude=["organisation", "author", "text", "extraction_error"])
    except DjangoValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return relations


def _save_relations(study: Study, relations: Mapping[str, list[Any] | None]) -> None:
    for name, values in relations.items():
        if values is not None:
            getattr(study, name).set(values)


@transaction.atomic
def study_create(*, actor: Any, organisation: Organisation | None, data: Mapping[str, Any]) -> Study:
    """A draft study of `organisation` (None: the secretariat's own), added by `actor`; its PDF comes with
    study_upload_file. Its countries are the organisation's country unless given."""
    if organisation is None:
        if not permissions.can_review_studies(actor):
            raise PermissionDenied(_("Only the secretariat adds studies without an organisation."))
    elif not permissions.can_write_for(actor, organisation):
        raise PermissionDenied(_("You may not add studies for this organisation."))
    study = Study(
        organisation=organisation,
        author=actor if getattr(actor, "pk", None) else None,
        year=timezone.localdate().year,
    )
    data = dict(data)
    if not data.get("countries") and organisation is not None and organisation.country_id:
        data["countries"] = [organisation.country_id]
    relations = _clean(study, data)
    study.save()
    _save_relations(study, relations)
    audit.record(actor=actor, action="knowledge.study.create", obj=study, changes=audit.diff({}, study_snapshot(study)))
    return study


def _locked(study: Study) -> Study:
    return Study.objects.select_for_update(of=("self",)).select_related("organisation", "author").get(pk=study.pk)


@transaction.atomic
def study_update(*, actor: Any, study: Study, data: Mapping[str, Any], based_on: str | None = None) -> Study:
    s = _locked(study)
    if not permissions.can_manage_study(actor, s):
        raise PermissionDenied(_("You may not edit this study."))
    if not s.is_editable:
        raise refuse_step(
            s, _("Only a draft or a returned study can be changed; the status of this one is “%(status)s”.")
        )
    before = study_snapshot(s)
    if based_on is not None and based_on != versions.version(before):
        raise EditConflict(_("Someone changed this study since you opened it."), current=versions.version(before))
    relations = _clean(s, data)
    s.save()
    _save_relations(s, relations)
    audit.record(actor=actor, action="knowledge.study.update", obj=s, changes=audit.diff(before, study_snapshot(s)))
    return s


@transaction.atomic
def study_upload_file(*, actor: Any, study: Study, filename: str, data: bytes) -> StudyFile:
    """Give the study its PDF (replacing the one it had). The PDF is checked by its first bytes and its name;
    its text is read in the background (study_extract), so a long or damaged PDF never holds up the upload."""
    s = _locked(study)
    if not permissions.can_edit_study(actor, s):
        raise PermissionDenied(_("You may not change the PDF of this study."))
    name, _media_type = checked_document(file_name(filename) or "study.pdf", data, pdf_only=True)
    before = StudyFile.objects.filter(study=s).values_list("filename", "size").first()
    StudyFile.objects.update_or_create(
        study=s,
        defaults={
            "filename": name,
            "media_type": "application/pdf",
            "size": len(data),
            "data": data,
            "uploaded_by": actor if getattr(actor, "pk", None) else None,
        },
    )
    s.text, s.pages, s.extraction, s.extraction_error = "", None, Extraction.PENDING, ""
    s.save(update_fields=["text", "pages", "extraction", "extraction_error", "updated_at"])
    audit.record(
        actor=actor,
        action="knowledge.study.upload",
        obj=s,
        changes={"file": [list(before) if before else None, [name, len(data)]]},
    )
    from cicopa.knowledge import study_tasks

    background.enqueue(study_tasks.read_study_pdf, study_id=s.pk)
    return StudyFile.objects.defer("data").get(study=s)


@transaction.atomic
def study_extract(*, study_id: int) -> Study | None:
    """Read the text of the study's current PDF and keep it (or flag the study: the PDF cannot be read; it is
    then found by its title and abstract). Run by the background task; run twice, it writes the same again.
    None when the study or its PDF is gone."""
    s = Study.objects.select_for_update().filter(pk=study_id).first()
    found = StudyFile.objects.filter(study_id=study_id).values_list("data", flat=True).first()
    if s is None or found is None:
        return None
    result = study_text.extract(bytes(found))
    s.text = result.text
    s.pages = result.pages
    s.extraction = Extraction.UNREADABLE if result.error else Extraction.DONE
    s.extraction_error = result.error[:300]
    s.save(update_fields=["text", "pages", "extraction", "extraction_error"])
    audit.record(
        actor=None,
        action="knowledge.study.extract",
        obj=s,
        changes={"extraction": [None, s.extraction], "pages": [None, s.pages], "characters": [None, len(s.text)]},
    )
    if s.status == ExperienceStatus.PUBLISHED:
        _index(s)
    return s


def _index(study: Study) -> None:
    """The study's entry in the library's search: put while it is published, removed otherwise."""
    from cicopa.knowledge import study_queries

    study_queries.index_study(study)


def _require_file(s: Study, doing: str) -> None:
    if not StudyFile.objects.filter(study=s).exists():
        raise ValidationError({"file": [doing]})


@transaction.atomic
def study_submit(*, actor: Any, study: Study) -> Study:
    """Send a draft (or a returned one) to the secretariat for review; it must have its PDF."""
    s = _locked(study)
    if not permissions.can_manage_study(actor, s):
        raise PermissionDenied(_("You may not submit this study."))
    if not s.is_editable:
        raise refuse_step(
            s, _("Only a draft or a returned study can be submitted; the status of this one is “%(status)s”.")
        )
    _require_file(s, _("Upload the PDF of the study before submitting it."))
    before = s.status
    s.status = ExperienceStatus.SUBMITTED
    s.submitted_at = timezone.now()
    s.save(update_fields=["status", "submitted_at", "updated_at"])
    audit.record(actor=actor, action="knowledge.study.submit", obj=s, changes={"status": [before, s.status]})
    return s


@transaction.atomic
def study_publish(*, actor: Any, study: Study) -> Study:
    """The secretariat publishes a submitted study (or, at once, a draft of its own review): from now on
    everyone reads it and the library's search finds it, by its words and the words of its PDF."""
    s = _locked(study)
    if not permissions.can_review_studies(actor):
        raise PermissionDenied(_("Only the secretariat publishes studies."))
    if s.status not in (ExperienceStatus.SUBMITTED, ExperienceStatus.DRAFT):
        raise refuse_step(
            s, _("Only a draft or a submitted study can be published; the status of this one is “%(status)s”.")
        )
    _require_file(s, _("Upload the PDF of the study before publishing it."))
    before = s.status
    s.status = ExperienceStatus.PUBLISHED
    s.published_at = timezone.now()
    s.review_comment = ""
    s.save(update_fields=["status", "published_at", "review_comment", "updated_at"])
    audit.record(actor=actor, action="knowledge.study.publish", obj=s, changes={"status": [before, s.status]})
    _index(s)
    tell_authors(
        s,
        actor,
        "knowledge.published",
        gettext_lazy("Your study “%(title)s” is published"),
        "knowledge/email/study_published.txt",
    )
    return s


@transaction.atomic
def study_return(*, actor: Any, study: Study, comment: str) -> Study:
    """The secretariat returns a submitted study with a comment; its authors change it and submit it again."""
    s = _locked(study)
    if not permissions.can_review_studies(actor):
        raise PermissionDenied(_("Only the secretariat returns studies."))
    if s.status != ExperienceStatus.SUBMITTED:
        raise refuse_step(s, _("Only a submitted study can be returned; the status of this one is “%(status)s”."))
    comment = _text(comment if isinstance(comment, str) else "", False)
    if not comment:
        raise ValidationError({"comment": [_("Say what should change before it can be published.")]})
    s.status = ExperienceStatus.RETURNED
    s.review_comment = comment
    try:
        s.full_clean(exclude=["organisation", "author", "text", "extraction_error"])
    except DjangoValidationError as exc:
        raise ValidationError({"comment": exc.message_dict.get("review_comment", [])}) from exc
    s.save(update_fields=["status", "review_comment", "updated_at"])
    audit.record(
        actor=actor,
        action="knowledge.study.return",
        obj=s,
        changes={"status": [ExperienceStatus.SUBMITTED, s.status], "comment": [None, comment]},
    )
    _index(s)
    tell_authors(
        s,
        actor,
        "knowledge.returned",
        gettext_lazy("Your study “%(title)s” was returned for changes"),
        "knowledge/email/study_returned.txt",
    )
    return s
