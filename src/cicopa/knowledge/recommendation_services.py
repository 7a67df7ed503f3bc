"""Every write of recommendations: written and changed by the secretariat in English, French and Spanish, issued
(public from then on) and circulated to member organisations (all, or those of chosen regions, countries or
sectors); their responses and reminders are in recommendation_responses.py. Each function checks who may do it,
validates everything at once, saves, records the step in the audit log and tells whom it concerns in their own
language, in one transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cicopa.core import audit, notifications, versions
from cicopa.core import queries as core_queries
from cicopa.core.errors import EditConflict, PermissionDenied, ValidationError
from cicopa.core.i18n import CONTENT_LANGUAGES
from cicopa.core.models import Country, Region, Sector, in_region
from cicopa.core.names import language_name
from cicopa.knowledge import library
from cicopa.knowledge import recommendation_permissions as permissions
from cicopa.knowledge.models import (
    Circulation,
    Experience,
    ExperienceStatus,
    LibraryKind,
    Recipient,
    Recommendation,
    RecommendationStatus,
    RecommendationText,
    Response,
    ResponseStatus,
    Study,
    Topic,
)
from cicopa.registry.models import AccessRole, Organisation, OrganisationAccess, OrganisationKind, OrganisationStatus

RECOMMENDATION_FIELDS = ("texts", "topics", "experiences", "studies", "follow_up_date")
AUDIENCE_SCOPES = ("all", "regions", "countries", "sectors")


# --- Writing ------------------------------------------------------------------------------------------------------


def recommendation_snapshot(rec: Recommendation) -> dict[str, Any]:
    data: dict[str, Any] = {
        "reference": rec.reference,
        "status": rec.status,
        "follow_up_date": rec.follow_up_date.isoformat() if rec.follow_up_date else None,
    }
    if rec.pk:
        data["texts"] = {t.language: [t.title, t.text] for t in rec.texts.order_by("language")}
        data["topics"] = sorted(rec.topics.values_list("code", flat=True))
        data["experiences"] = sorted(rec.experiences.values_list("pk", flat=True))
        data["studies"] = sorted(rec.studies.values_list("pk", flat=True))
    return data


def recommendation_version(rec: Recommendation) -> str:
    """Its version: the API's ETag, and what recommendation_update's `based_on` names."""
    return versions.version(recommendation_snapshot(rec))


def _clean_texts(value: Any, errors: dict[str, list[str]]) -> dict[str, tuple[str, str]]:
    """{language: (title, text)}; a language with neither is left out (removed)."""
    if value in (None, ""):
        return {}
    if not isinstance(value, Mapping):
        errors.setdefault("texts", []).append(_("Give the title and text in each language."))
        return {}
    out: dict[str, tuple[str, str]] = {}
    for language, parts in value.items():
        key = f"texts.{language}"[:40]
        if language not in CONTENT_LANGUAGES:
            errors.setdefault(key, []).append(_("Choose English, French or Spanish."))
            continue
        if not isinstance(parts, Mapping) or set(parts) - {"title", "text"}:
            errors.setdefault(key, []).append(_("Give the title and text in each language."))
            continue
        title = " ".join(str(parts.get("title") or "").split())
        text = str(parts.get("text") or "").strip()
        if not title and not text:
            continue
        if not title:
            errors.setdefault(key, []).append(
                _("Give the title in %(language)s.") % {"language": language_name(language)}
            )
            continue
        probe = RecommendationText(language=language, title=title, text=text)
        try:
            probe.full_clean(exclude=["recommendation"])
        except DjangoValidationError as exc:
            for messages in exc.message_dict.values():
                errors.setdefault(key, []).extend(messages)
            continue
        out[language] = (title, text)
    return out


def _clean_topics(value: Any, errors: dict[str, list[str]]) -> list[Topic]:
    if value in (None, ""):
        return []
    if isinstance(value, str) or not isinstance(value, Iterable):
        errors.setdefault("topics", []).append(_("Give a list of codes."))
        return []
    codes = [str(v)[:60] for v in value]
    found = {t.code: t for t in Topic.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        errors.setdefault("topics", []).append(_("Unknown code “%(value)s”.") % {"value": unknown[0]})
    return [found[c] for c in dict.fromkeys(codes) if c in found]


def _clean_linked(field: str, published: QuerySet[Any], value: Any, errors: dict[str, list[str]]) -> list[Any]:
    """The published items of `published` that `value` (a list of their numbers) names, in its order; the list of
    linked experiences or studies."""
    wrong = {
        "experiences": _("Give a list of experience numbers."),
        "studies": _("Give a list of study numbers."),
    }[field]
    if value in (None, ""):
        return []
    if isinstance(value, str) or not isinstance(value, Iterable):
        errors.setdefault(field, []).append(wrong)
        return []
    ids: list[int] = []
    for v in value:
        if isinstance(v, bool) or not str(v).strip().isdigit() or len(str(v).strip()) > 18:
            errors.setdefault(field, []).append(wrong)
            return []
        ids.append(int(str(v).strip()))
    found = {item.pk: item for item in published.filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        message = {
            "experiences": _("No published experience has the number %(value)s."),
            "studies": _("No published study has the number %(value)s."),
        }[field]
        errors.setdefault(field, []).append(message % {"value": missing[0]})
    return [found[i] for i in dict.fromkeys(ids) if i in found]


def _clean_date(value: Any, errors: dict[str, list[str]]) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value)
    try:
        if len(text) == 10:
            return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    errors.setdefault("follow_up_date", []).append(_("Give the follow-up date as YYYY-MM-DD."))
    return None


def _apply(rec: Recommendation, data: Mapping[str, Any]) -> None:
    """Check and save `data` onto `rec` (saved already or not); every problem at once."""
    unknown = set(data) - set(RECOMMENDATION_FIELDS)
    if unknown:
        raise ValidationError({f[:40]: _("This field cannot be changed here.") for f in sorted(unknown)})
    errors: dict[str, list[str]] = {}
    texts = _clean_texts(data["texts"], errors) if "texts" in data else None
    topics = _clean_topics(data["topics"], errors) if "topics" in data else None
    published_experiences = Experience.objects.filter(status=ExperienceStatus.PUBLISHED)
    experiences = (
        _clean_linked("experiences", published_experiences, data["experiences"], errors)
        if "experiences" in data
        else None
    )
    published_studies = Study.objects.filter(status=ExperienceStatus.PUBLISHED)
    studies = _clean_linked("studies", published_studies, data["studies"], errors) if "studies" in data else None
    if "follow_up_date" in data:
        rec.follow_up_date = _clean_date(data["follow_up_date"], errors)
    if texts is not None and not texts:
        errors.setdefault("texts", []).append(_("Give the recommendation a title in at least one language."))
    if texts is not None and rec.is_issued:
        missing = [c for c in CONTENT_LANGUAGES if c not in texts]
        if missing:
            errors.setdefault("texts", []).append(_missing_message(missing))
    if errors:
        raise ValidationError(errors)
    rec.save()
    if texts is not None:
        rec.texts.exclude(language__in=list(texts)).delete()
        for language, (title, text) in texts.items():
            RecommendationText.objects.update_or_create(
                recommendation=rec, language=language, defaults={"title": title, "text": text}
            )
    if topics is not None:
        rec.topics.set(topics)
    if experiences is not None:
        rec.experiences.set(experiences)
    if studies is not None:
        rec.studies.set(studies)


def _missing_message(missing: list[str]) -> str:
    names = ", ".join(language_name(c) for c in missing)
    return _("The text in %(languages)s is missing: a recommendation is issued in its three languages.") % {
        "languages": names
    }


def _next_reference() -> str:
    year = timezone.localdate().year
    prefix = f"R-{year}-"
    last = Recommendation.objects.filter(reference__startswith=prefix).aggregate(m=Max("reference"))["m"]
    number = int(last.removeprefix(prefix)) + 1 if last and last.removeprefix(prefix).isdigit() else 1
    return f"{prefix}{number:02d}"


@transaction.atomic
def recommendation_create(*, actor: Any, data: Mapping[str, Any]) -> Recommendation:
    """The secretariat writes a recommendation: a draft, with a reference (R-2026-01) of its own."""
    if not permissions.can_manage_recommendations(actor):
        raise PermissionDenied(_("Only the secretariat writes recommendations."))
    rec = Recommendation(created_by=actor if getattr(actor, "pk", None) else None)
    if "texts" not in data:
        raise ValidationError({"texts": [_("Give the recommendation a title in at least one language.")]})
    for attempt in range(5):
        rec.reference = _next_reference()
        try:
            with transaction.atomic():
                _apply(rec, data)
            break
        except IntegrityError:
            rec.pk = None
            if attempt == 4:
                raise
    audit.record(actor=actor, action="knowledge.recommendation.create", obj=rec, changes=recommendation_snapshot(rec))
    return rec


def _locked(rec: Recommendation) -> Recommendation:
    return Recommendation.objects.select_for_update().get(pk=rec.pk)


@transaction.atomic
def recommendation_update(
    *, actor: Any, recommendation: Recommendation, data: Mapping[str, Any], based_on: str | None = None
) -> Recommendation:
    """The secretariat changes a recommendation; an issued one keeps its three languages and stays public."""
    rec = _locked(recommendation)
    if not permissions.can_manage_recommendations(actor):
        raise PermissionDenied(_("Only the secretariat changes recommendations."))
    before = recommendation_snapshot(rec)
    if based_on is not None and based_on != versions.version(before):
        raise EditConflict(
            _("Someone changed this recommendation since you read it: read it again, then make your change."),
            current=versions.version(before),
        )
    _apply(rec, data)
    after = recommendation_snapshot(rec)
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    if changes:
        audit.record(actor=actor, action="knowledge.recommendation.update", obj=rec, changes=changes)
    if rec.is_issued:
        _index(rec)
    return rec


def recommendation_item(rec: Recommendation) -> library.LibraryItem:
    """What the library's one index keeps of an issued recommendation: its titles and texts in its three
    languages, its topics, the countries of the member organisations it was sent to."""
    texts = list(rec.texts.all())
    assert rec.issued_at is not None
    return library.LibraryItem(
        kind=LibraryKind.RECOMMENDATION,
        object_id=rec.pk,
        language="en",
        titles={t.language: t.title for t in texts},
        texts=[rec.reference, *(t.text for t in texts if t.text)],
        topics=sorted(t.code for t in rec.topics.all()),
        countries=sorted({c for c in rec.recipients.values_list("organisation__country_id", flat=True) if c}),
        year=rec.issued_at.year,
        published_at=rec.issued_at,
    )


def _index(rec: Recommendation) -> None:
    """Put an issued recommendation into the library's one index (in the caller's transaction)."""
    library.index_put(recommendation_item(rec))


@transaction.atomic
def recommendation_issue(*, actor: Any, recommendation: Recommendation) -> Recommendation:
    """The secretariat issues a draft written in the three languages: from now on it is public."""
    rec = _locked(recommendation)
    if not permissions.can_manage_recommendations(actor):
        raise PermissionDenied(_("Only the secretariat issues recommendations."))
    if rec.is_issued:
        raise ValidationError({"status": [_("This recommendation is issued already.")]})
    missing = [c for c in CONTENT_LANGUAGES if not rec.texts.filter(language=c).exists()]
    if missing:
        raise ValidationError({"texts": [_missing_message(missing)]})
    rec.status = RecommendationStatus.ISSUED
    rec.issued_at = timezone.now()
    rec.save(update_fields=["status", "issued_at", "updated_at"])
    audit.record(
        actor=actor,
        action="knowledge.recommendation.issue",
        obj=rec,
        changes={"status": [RecommendationStatus.DRAFT, rec.status]},
    )
    _index(rec)
    return rec


# --- Circulation --------------------------------------------------------------------------------------------------


def member_organisations() -> QuerySet[Organisation]:
    """Who recommendations are circulated to: the active member organisations (the national federations)."""
    return Organisation.objects.filter(kind=OrganisationKind.MEMBER_ORGANISATION, status=OrganisationStatus.ACTIVE)


def clean_audience(scope: Any, codes: Any) -> tuple[str, list[str]]:
    """The audience as chosen, checked: a scope of AUDIENCE_SCOPES and its codes (UN M49 regions, ISO countries,
    sector codes; none for "all")."""
    if scope not in AUDIENCE_SCOPES:
        raise ValidationError({"scope": [_("Choose all member organisations, or by region, country or sector.")]})
    if scope == "all":
        return "all", []
    if codes in (None, ""):
        codes = []
    elif isinstance(codes, str):
        codes = [codes]
    if not isinstance(codes, list | tuple) or any(not isinstance(c, str) for c in codes):
        raise ValidationError({"codes": [_("Give a list of codes.")]})
    wanted = list(dict.fromkeys(c.strip()[:60] for c in codes if c.strip()))
    if not wanted:
        raise ValidationError({"codes": [_("Choose at least one region, country or sector.")]})
    if scope == "regions":
        known = set(Region.objects.filter(m49__in=wanted).values_list("m49", flat=True))
    elif scope == "countries":
        wanted = [c.upper() for c in wanted]
        known = set(Country.objects.filter(iso2__in=wanted).values_list("iso2", flat=True))
    else:
        known = set(Sector.objects.filter(code__in=wanted).values_list("code", flat=True))
    unknown = [c for c in wanted if c not in known]
    if unknown:
        raise ValidationError({"codes": [_("Unknown code “%(value)s”.") % {"value": unknown[0]}]})
    return scope, wanted


def audience_organisations(scope: str, codes: list[str]) -> QuerySet[Organisation]:
    """The member organisations an audience (checked by clean_audience) reaches."""
    qs = member_organisations()
    if scope == "regions":
        where = Q()
        for code in codes:
            where |= in_region(code)
        qs = qs.filter(where)
    elif scope == "countries":
        qs = qs.filter(country_id__in=codes)
    elif scope == "sectors":
        qs = qs.filter(sectors__code__in=codes)
    return qs.distinct()


def audience_count(recommendation: Recommendation, scope: Any, codes: Any) -> tuple[int, int]:
    """(how many member organisations the audience reaches, how many of them would be new recipients)."""
    scope, codes = clean_audience(scope, codes)
    reached = audience_organisations(scope, codes)
    new = reached.exclude(pk__in=recommendation.recipients.values("organisation_id"))
    return reached.count(), new.count()


def officers_of(organisation_id: int) -> list[Any]:
    """Who is told of a recommendation for an organisation: its officers; without any, its other people."""
    access = list(OrganisationAccess.objects.filter(organisation_id=organisation_id).select_related("user"))
    officers = [a.user for a in access if a.role == AccessRole.OFFICER]
    return officers or [a.user for a in access]


def title_for(rec: Recommendation, user: Any) -> str:
    """The recommendation's title in the language `user` reads the platform in (its reference if none)."""
    shown = rec.text(core_queries.profile_of(user).effective_language)
    return shown.title if shown else rec.reference


@transaction.atomic
def recommendation_circulate(
    *, actor: Any, recommendation: Recommendation, scope: Any, codes: Any = None
) -> Circulation:
    """The secretariat circulates an issued recommendation to member organisations: each new recipient's
    response starts as "received", and its officers are told, each in their language. An organisation that
    received it already is not added again."""
    rec = _locked(recommendation)
    if not permissions.can_manage_recommendations(actor):
        raise PermissionDenied(_("Only the secretariat circulates recommendations."))
    if not rec.is_issued:
        raise ValidationError({"status": [_("Issue the recommendation before circulating it.")]})
    scope, codes = clean_audience(scope, codes)
    now = timezone.now()
    new = list(
        audience_organisations(scope, codes)
        .exclude(pk__in=rec.recipients.values("organisation_id"))
        .order_by("sort_name", "pk")
    )
    circulation = Circulation.objects.create(
        recommendation=rec,
        circulated_at=now,
        by=actor if getattr(actor, "pk", None) else None,
        audience={"scope": scope, "codes": codes},
        added=len(new),
    )
    for org in new:
        recipient = Recipient.objects.create(
            recommendation=rec,
            organisation=org,
            circulation=circulation,
            circulated_at=now,
            status=ResponseStatus.RECEIVED,
            status_changed_at=now,
        )
        Response.objects.create(recipient=recipient, status=ResponseStatus.RECEIVED, at=now, by=None)
        for user in officers_of(org.pk):
            notifications.notify(
                user=user,
                kind="knowledge.recommendation",
                actor=actor,
                subject=gettext_lazy("A recommendation of CICOPA for %(organisation)s: %(title)s"),
                body_template="knowledge/email/recommendation_circulated.txt",
                context={
                    "organisation": org.name,
                    "title": title_for(rec, user),
                    "reference": rec.reference,
                    "follow_up_date": rec.follow_up_date,
                },
                url=rec.get_absolute_url(),
            )
    audit.record(
        actor=actor,
        action="knowledge.recommendation.circulate",
        obj=rec,
        changes={"audience": [None, {"scope": scope, "codes": codes}], "recipients": [None, [o.pk for o in new]]},
    )
    if new:
        _index(rec)  # the countries it reaches are a filter of the library
    return circulation
