"""Every write of the knowledge library's experiences: written, changed, submitted, published or returned,
with their translations and attachments. Each function checks who may do it, validates everything at once,
saves, records the step in the audit log and tells whom it concerns, in one transaction. Pages, the API and
the back office all come through here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cicopa.core import audit, formats, notifications, versions
from cicopa.core.errors import EditConflict, PermissionDenied, ValidationError
from cicopa.core.i18n import CONTENT_LANGUAGES
from cicopa.core.models import Country, Sector
from cicopa.knowledge import files, library, permissions
from cicopa.knowledge.models import (
    FIRST_YEAR,
    LAST_YEAR,
    TEXT_FIELDS,
    Attachment,
    Experience,
    ExperienceStatus,
    ExperienceTranslation,
    LibraryKind,
    Study,
    Topic,
)
from cicopa.registry.models import Organisation

EXPERIENCE_FIELDS = (
    "language",
    *TEXT_FIELDS,
    "figures",
    "contact",
    "country",
    "sectors",
    "topics",
    "year",
)
MAX_ATTACHMENTS = 10
_ONE_LINE = {"title", "contact"}


def experience_snapshot(experience: Experience) -> dict[str, Any]:
    data = audit.snapshot(
        experience, [f for f in EXPERIENCE_FIELDS if f not in {"country", "sectors", "topics"}] + ["status"]
    )
    data["country"] = experience.country_id
    if experience.pk:
        data["sectors"] = sorted(experience.sectors.values_list("code", flat=True))
        data["topics"] = sorted(experience.topics.values_list("code", flat=True))
        data["translations"] = {
            t.language: [getattr(t, f) for f in TEXT_FIELDS] for t in experience.translations.order_by("language")
        }
    return data


def experience_version(experience: Experience) -> str:
    """Its version: the API's ETag, and what experience_update's `based_on` names."""
    return versions.version(experience_snapshot(experience))


def _text(value: Any, one_line: bool) -> str:
    text = "" if value is None else str(value)
    return " ".join(text.split()) if one_line else text.strip()


def _codes(model: type[Any], values: Any, field: str, errors: dict[str, list[str]]) -> list[Any]:
    if values in (None, ""):
        return []
    if isinstance(values, str) or not isinstance(values, Iterable):
        errors.setdefault(field, []).append(_("Give a list of codes."))
        return []
    codes = [str(v) for v in values]
    found = {str(x.pk): x for x in model.objects.filter(pk__in=[c[:60] for c in codes])}
    unknown = [c for c in codes if c not in found]
    if unknown:
        errors.setdefault(field, []).append(_("Unknown code “%(value)s”.") % {"value": unknown[0][:60]})
    return [found[c] for c in dict.fromkeys(codes) if c in found]


def _clean(
    experience: Experience, data: Mapping[str, Any]
) -> tuple[list[Sector] | None, list[Topic] | None, dict[str, dict[str, str]] | None]:
    """Apply `data` to `experience`, checking every field at once; the sectors, topics and translations to set
    (None: unchanged). Raises ValidationError with every problem."""
    unknown = set(data) - set(EXPERIENCE_FIELDS) - {"translations"}
    if unknown:
        raise ValidationError({f: _("This field cannot be changed here.") for f in sorted(unknown)})
    errors: dict[str, list[str]] = {}
    if "language" in data:
        if data["language"] not in CONTENT_LANGUAGES:
            errors.setdefault("language", []).append(_("Choose English, French or Spanish."))
        else:
            experience.language = str(data["language"])
    for field in (*TEXT_FIELDS, "figures", "contact"):
        if field in data:
            setattr(experience, field, _text(data[field], field in _ONE_LINE))
    if not experience.title:
        errors.setdefault("title", []).append(_("Give the experience a title."))
    if "country" in data:
        code = str(data["country"] or "").upper()[:2]
        country = Country.objects.filter(iso2=code).first() if code else None
        if country is None:
            errors.setdefault("country", []).append(
                _("Unknown country “%(value)s”.") % {"value": str(data["country"] or "")[:20]}
                if data["country"]
                else _("Choose a country.")
            )
        else:
            experience.country = country
    if "year" in data:
        year = data["year"]
        if isinstance(year, str) and year.strip().isdigit() and len(year.strip()) <= 4:
            year = int(year)
        if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
            errors.setdefault("year", []).append(
                _("Give a year from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        else:
            experience.year = year
    sectors = _codes(Sector, data["sectors"], "sectors", errors) if "sectors" in data else None
    topics = _codes(Topic, data["topics"], "topics", errors) if "topics" in data else None
    translations = _clean_translations(experience, data.get("translations"), errors) if "translations" in data else None
    try:
        experience.full_clean(exclude=["organisation", "author", "country"] if not experience.country_id else [])
    except DjangoValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return sectors, topics, translations


def _clean_translations(experience: Experience, value: Any, errors: dict[str, list[str]]) -> dict[str, dict[str, str]]:
    """{language: {field: text}} of the translations to keep; a language left empty drops its translation."""
    if value in (None, ""):
        return {}
    if not isinstance(value, Mapping):
        errors.setdefault("translations", []).append(_("Give the translations by language."))
        return {}
    out: dict[str, dict[str, str]] = {}
    for language, texts in value.items():
        key = f"translations.{language}"[:40]
        if language not in CONTENT_LANGUAGES:
            errors.setdefault(key, []).append(_("Choose English, French or Spanish."))
            continue
        if not isinstance(texts, Mapping) or set(texts) - set(TEXT_FIELDS):
            errors.setdefault(key, []).append(_("Give the title and texts of the translation."))
            continue
        cleaned = {f: _text(texts.get(f), f in _ONE_LINE) for f in TEXT_FIELDS}
        if not any(cleaned.values()):
            continue
        if language == experience.language:
            errors.setdefault(key, []).append(
                _("The experience is written in this language: leave its translation empty, or choose another.")
            )
            continue
        if not cleaned["title"]:
            errors.setdefault(key, []).append(_("Give the translation a title."))
            continue
        tr = ExperienceTranslation(experience=experience, language=language, **cleaned)
        try:
            tr.full_clean(exclude=["experience"], validate_constraints=False)
        except DjangoValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(f"{key}.{field}", []).extend(messages)
            continue
        out[language] = cleaned
    return out


def _save_relations(
    experience: Experience,
    sectors: list[Sector] | None,
    topics: list[Topic] | None,
    translations: dict[str, dict[str, str]] | None,
) -> None:
    if sectors is not None:
        experience.sectors.set(sectors)
    if topics is not None:
        experience.topics.set(topics)
    if translations is not None:
        experience.translations.exclude(language__in=list(translations)).delete()
        for language, texts in translations.items():
            ExperienceTranslation.objects.update_or_create(experience=experience, language=language, defaults=texts)


@transaction.atomic
def experience_create(*, actor: Any, organisation: Organisation, data: Mapping[str, Any]) -> Experience:
    """A draft experience of `organisation`, written by `actor`. Its country is the organisation's unless given."""
    if not permissions.can_write_for(actor, organisation):
        raise PermissionDenied(_("You may not write experiences for this organisation."))
    experience = Experience(
        organisation=organisation,
        author=actor if getattr(actor, "pk", None) else None,
        year=timezone.localdate().year,
    )
    if organisation.country_id:
        experience.country_id = organisation.country_id
    data = dict(data)
    if not data.get("country") and organisation.country_id:
        data.pop("country", None)
    elif "country" not in data:
        data["country"] = None
    sectors, topics, translations = _clean(experience, data)
    experience.save()
    _save_relations(experience, sectors, topics, translations)
    audit.record(
        actor=actor,
        action="knowledge.experience.create",
        obj=experience,
        changes=audit.diff({}, experience_snapshot(experience)),
    )
    return experience


def _locked(experience: Experience) -> Experience:
    return Experience.objects.select_for_update().select_related("organisation").get(pk=experience.pk)


@transaction.atomic
def experience_update(
    *, actor: Any, experience: Experience, data: Mapping[str, Any], based_on: str | None = None
) -> Experience:
    exp = _locked(experience)
    if not permissions.can_manage_experience(actor, exp):
        raise PermissionDenied(_("You may not edit this experience."))
    if not exp.is_editable:
        raise refuse_step(
            exp, _("Only a draft or a returned experience can be changed; the status of this one is “%(status)s”.")
        )
    before = experience_snapshot(exp)
    if based_on is not None and based_on != versions.version(before):
        raise EditConflict(_("Someone changed this experience since you opened it."), current=versions.version(before))
    sectors, topics, translations = _clean(exp, data)
    exp.save()
    _save_relations(exp, sectors, topics, translations)
    audit.record(
        actor=actor,
        action="knowledge.experience.update",
        obj=exp,
        changes=audit.diff(before, experience_snapshot(exp)),
    )
    return exp


def refuse_step(item: Experience | Study, message: str) -> ValidationError:
    """An illegal step of an experience or a study, said whole (no sentence pieced together: the status is a label
    of its own)."""
    return ValidationError({"status": [message % {"status": item.get_status_display()}]})


@transaction.atomic
def experience_submit(*, actor: Any, experience: Experience) -> Experience:
    """Send a draft (or a returned one) to the secretariat for review; it must say what the problem was and
    what was done."""
    exp = _locked(experience)
    if not permissions.can_manage_experience(actor, exp):
        raise PermissionDenied(_("You may not submit this experience."))
    if not exp.is_editable:
        raise refuse_step(
            exp, _("Only a draft or a returned experience can be submitted; the status of this one is “%(status)s”.")
        )
    missing: dict[str, list[str]] = {}
    if not exp.problem:
        missing["problem"] = [_("Say what the problem was before submitting.")]
    if not exp.actions:
        missing["actions"] = [_("Say what was done before submitting.")]
    if missing:
        raise ValidationError(missing)
    before = exp.status
    exp.status = ExperienceStatus.SUBMITTED
    exp.submitted_at = timezone.now()
    exp.save(update_fields=["status", "submitted_at", "updated_at"])
    audit.record(actor=actor, action="knowledge.experience.submit", obj=exp, changes={"status": [before, exp.status]})
    return exp


def tell_authors(item: Experience | Study, actor: Any, kind: str, subject: Any, template: str) -> None:
    """An experience's or a study's author, or else its organisation's people, each in their own language; not the
    person who took the step (the secretariat publishing what it wrote itself)."""
    from cicopa.registry.models import OrganisationAccess

    if item.author_id:
        users = [item.author]
    elif item.organisation_id:
        users = [
            a.user
            for a in OrganisationAccess.objects.filter(organisation_id=item.organisation_id).select_related("user")
        ]
    else:
        users = []
    for user in users:
        if user is None or user.pk == getattr(actor, "pk", None):
            continue
        notifications.notify(
            user=user,
            kind=kind,
            actor=actor,
            subject=subject,
            body_template=template,
            context={"title": item.title, "comment": item.review_comment},
            url=item.get_absolute_url(),
        )


@transaction.atomic
def experience_publish(*, actor: Any, experience: Experience) -> Experience:
    """The secretariat publishes a submitted experience: from now on, everyone reads it."""
    exp = _locked(experience)
    if not permissions.can_review_experiences(actor):
        raise PermissionDenied(_("Only the secretariat publishes experiences."))
    if exp.status != ExperienceStatus.SUBMITTED:
        raise refuse_step(
            exp, _("Only a submitted experience can be published; the status of this one is “%(status)s”.")
        )
    exp.status = ExperienceStatus.PUBLISHED
    exp.published_at = timezone.now()
    exp.review_comment = ""
    exp.save(update_fields=["status", "published_at", "review_comment", "updated_at"])
    library.index_put(experience_item(exp))
    audit.record(
        actor=actor,
        action="knowledge.experience.publish",
        obj=exp,
        changes={"status": [ExperienceStatus.SUBMITTED, exp.status]},
    )
    tell_authors(
        exp,
        actor,
        "knowledge.published",
        gettext_lazy("Your experience “%(title)s” is published"),
        "knowledge/email/published.txt",
    )
    return exp


@transaction.atomic
def experience_return(*, actor: Any, experience: Experience, comment: str) -> Experience:
    """The secretariat returns a submitted experience with a comment; its authors change it and submit it again."""
    exp = _locked(experience)
    if not permissions.can_review_experiences(actor):
        raise PermissionDenied(_("Only the secretariat returns experiences."))
    if exp.status != ExperienceStatus.SUBMITTED:
        raise refuse_step(
            exp, _("Only a submitted experience can be returned; the status of this one is “%(status)s”.")
        )
    comment = _text(comment if isinstance(comment, str) else "", False)
    if not comment:
        raise ValidationError({"comment": [_("Say what should change before it can be published.")]})
    exp.status = ExperienceStatus.RETURNED
    exp.review_comment = comment
    try:
        exp.full_clean(exclude=["organisation", "author", "country"])
    except DjangoValidationError as exc:
        raise ValidationError({"comment": exc.message_dict.get("review_comment", [])}) from exc
    exp.save(update_fields=["status", "review_comment", "updated_at"])
    audit.record(
        actor=actor,
        action="knowledge.experience.return",
        obj=exp,
        changes={"status": [ExperienceStatus.SUBMITTED, exp.status], "comment": [None, comment]},
    )
    tell_authors(
        exp,
        actor,
        "knowledge.returned",
        gettext_lazy("Your experience “%(title)s” was returned for changes"),
        "knowledge/email/returned.txt",
    )
    return exp


@transaction.atomic
def file_name(filename: Any) -> str:
    """An uploaded file's name as kept: no folders, spaces tidied, at most its last 200 characters."""
    return " ".join(str(filename or "").replace("/", " ").replace("\\", " ").split())[-200:]


def checked_document(filename: Any, data: bytes, *, pdf_only: bool = False) -> tuple[str, str]:
    """(name, media type) of an uploaded document (an attachment, a response's evidence, a study's PDF) once it is
    checked: its size, and its type read from its first bytes and agreeing with its name; a ValidationError on
    "file" otherwise."""
    name = file_name(filename)
    limit = settings.CICOPA_MAX_UPLOAD_BYTES
    if len(data) > limit:
        raise ValidationError(
            {"file": [_("The file is larger than %(mb)s MB.") % {"mb": formats.format_number(limit // (1024 * 1024))}]}
        )
    if not data:
        raise ValidationError({"file": [_("The file is empty.")]})
    if pdf_only and files.extension(name) != "pdf":
        raise ValidationError({"file": [_("A study is a PDF: choose a file whose name ends in .pdf.")]})
    media_type = files.media_type(name, data)
    if pdf_only and media_type != "application/pdf":
        raise ValidationError({"file": [_("This file is not a PDF, whatever its name says: choose the study's PDF.")]})
    if media_type is None:
        raise ValidationError(
            {
                "file": [
                    _(
                        "Attach a PDF, an image (PNG, JPEG, GIF, WebP) or an office document (Word, Excel, "
                        "PowerPoint, OpenDocument) whose content is what its name says."
                    )
                ]
            }
        )
    return name, media_type


def experience_attach(*, actor: Any, experience: Experience, filename: str, data: bytes) -> Attachment:
    """Attach a PDF, an image or an office document, checked by its content and its size."""
    exp = _locked(experience)
    if not permissions.can_edit_experience(actor, exp):
        raise PermissionDenied(_("You may not change the attachments of this experience."))
    name, media_type = checked_document(filename, data)
    if exp.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError(
            {
                "file": [
                    _("An experience has at most %(n)s attachments.") % {"n": formats.format_number(MAX_ATTACHMENTS)}
                ]
            }
        )
    attachment = Attachment(
        experience=exp,
        filename=name,
        media_type=media_type,
        size=len(data),
        content=data,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    try:
        attachment.full_clean(exclude=["experience", "content", "uploaded_by"])
    except DjangoValidationError as exc:
        raise ValidationError({"file": [m for ms in exc.message_dict.values() for m in ms]}) from exc
    attachment.save()
    audit.record(
        actor=actor,
        action="knowledge.experience.attach",
        obj=exp,
        changes={"attachment": [None, name], "size": [None, len(data)]},
    )
    return attachment


@transaction.atomic
def experience_detach(*, actor: Any, experience: Experience, attachment_id: int) -> None:
    exp = _locked(experience)
    if not permissions.can_edit_experience(actor, exp):
        raise PermissionDenied(_("You may not change the attachments of this experience."))
    attachment = exp.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise ValidationError({"attachment": [_("This experience has no such attachment.")]})
    attachment.delete()
    audit.record(
        actor=actor, action="knowledge.experience.detach", obj=exp, changes={"attachment": [attachment.filename, None]}
    )


def experience_item(exp: Experience) -> library.LibraryItem:
    """What the library's search keeps of a published experience: its texts in every language it has."""
    translations = list(exp.translations.all())
    assert exp.published_at is not None
    return library.LibraryItem(
        kind=LibraryKind.EXPERIENCE,
        object_id=exp.pk,
        language=exp.language,
        titles={exp.language: exp.title, **{t.language: t.title for t in translations}},
        texts=[
            *(getattr(exp, f) for f in TEXT_FIELDS[1:]),
            exp.figures,
            exp.organisation.name,
            *(getattr(t, f) for t in translations for f in TEXT_FIELDS[1:]),
        ],
        published_at=exp.published_at,
        topics=[t.code for t in exp.topics.all()],
        countries=[exp.country_id],
        sectors=[s.code for s in exp.sectors.all()],
        year=exp.year,
    )


def year_choices() -> list[int]:
    return list(range(timezone.localdate().year, FIRST_YEAR - 1, -1))
