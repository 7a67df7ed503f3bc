"""The follow-up of circulated recommendations: each recipient member organisation's response over time, recorded
by its officers (or by the secretariat on its behalf), and the reminder sent once, before the follow-up date, to
those that have not answered. Each function checks who may do it, validates everything at once, saves and records
the step in the audit log, in one transaction; the writing, issuing and circulating of recommendations are in
recommendation_services.py."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cicopa.core import audit, notifications
from cicopa.core.errors import PermissionDenied, ValidationError
from cicopa.knowledge import recommendation_permissions as permissions
from cicopa.knowledge.models import (
    Recipient,
    RecommendationStatus,
    Response,
    ResponseStatus,
)
from cicopa.knowledge.recommendation_services import officers_of, title_for
from cicopa.knowledge.services import checked_document

# What a person records: every status but "received", which the platform records at circulation.
ANSWERS = tuple(s for s in ResponseStatus.values if s != ResponseStatus.RECEIVED)


def reminder_days() -> int:
    """How many days before the follow-up date those who have not answered are reminded."""
    return int(settings.CICOPA_RECOMMENDATION_REMINDER_DAYS)


# --- Responses ----------------------------------------------------------------------------------------------------

_URL = URLValidator(schemes=["http", "https"])


def _clean_evidence_file(filename: Any, data: bytes | None) -> tuple[str, str, bytes] | None:
    if data is None:
        return None
    name, media_type = checked_document(filename, data)
    return name, media_type, data


@transaction.atomic
def response_record(
    *,
    actor: Any,
    recipient: Recipient,
    status: Any,
    comment: Any = "",
    evidence_url: Any = "",
    filename: Any = "",
    data: bytes | None = None,
) -> Response:
    """An officer of the recipient organisation (or the secretariat on its behalf) records the next step of its
    response: acknowledged, under consideration, adopted, partly adopted or not adopted, with a comment and
    evidence (a link, a document). A step may also correct the one before (adopted → partly adopted)."""
    rcp = Recipient.objects.select_for_update().select_related("recommendation", "organisation").get(pk=recipient.pk)
    if not permissions.can_respond_for(actor, rcp):
        raise PermissionDenied(
            _("Only the officers of %(organisation)s record its response.") % {"organisation": rcp.organisation.name}
        )
    errors: dict[str, list[str]] = {}
    if status == ResponseStatus.RECEIVED:
        errors["status"] = [_("“Received” is recorded when the recommendation is circulated; choose another status.")]
    elif status not in ANSWERS:
        errors["status"] = [_("Choose acknowledged, under consideration, adopted, partly adopted or not adopted.")]
    if comment is not None and not isinstance(comment, str):
        errors["comment"] = [_("Give the comment as text.")]
        comment = ""
    if evidence_url is not None and not isinstance(evidence_url, str):
        errors["evidence_url"] = [_("Give the evidence as a link beginning with http:// or https://.")]
        evidence_url = ""
    link = (evidence_url or "").strip()
    if link:
        try:
            _URL(link)
        except DjangoValidationError:
            errors["evidence_url"] = [_("Give the evidence as a link beginning with http:// or https://.")]
    try:
        evidence = _clean_evidence_file(filename, data)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        evidence = None
    now = timezone.now()
    response = Response(
        recipient=rcp,
        status=str(status) if status in ANSWERS else ResponseStatus.ACKNOWLEDGED,
        comment=(comment or "").strip(),
        evidence_url=link,
        at=now,
        by=actor if getattr(actor, "pk", None) else None,
        by_secretariat=rcp.organisation_id not in permissions.responding_organisation_ids(actor),
    )
    if evidence:
        response.evidence_filename, response.evidence_media_type, response.evidence_data = evidence
        response.evidence_size = len(evidence[2])
    try:
        response.full_clean(exclude=["recipient", "by", "evidence_data"])
    except DjangoValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    response.save()
    before = rcp.status
    rcp.status, rcp.status_changed_at = response.status, now
    rcp.save(update_fields=["status", "status_changed_at"])
    audit.record(
        actor=actor,
        action="knowledge.recommendation.respond",
        obj=rcp.recommendation,
        changes={
            "organisation": [None, rcp.organisation_id],
            "status": [before, response.status],
            "comment": [None, response.comment],
            "evidence_url": [None, link],
            "evidence_file": [None, response.evidence_filename],
            "by_secretariat": [None, response.by_secretariat],
        },
    )
    return response


# --- Reminders ----------------------------------------------------------------------------------------------------


def recommendation_remind_due(today: datetime.date | None = None) -> int:
    """Once a day: remind each recipient organisation that has not answered (its status still "received") of a
    recommendation whose follow-up date is at most reminder_days() away, once. Its officers are told, each in
    their language. Returns how many organisations were reminded; a second run the same day finds none."""
    today = today or timezone.localdate()
    due = Recipient.objects.filter(
        recommendation__status=RecommendationStatus.ISSUED,
        recommendation__follow_up_date__gte=today,
        recommendation__follow_up_date__lte=today + datetime.timedelta(days=reminder_days()),
        status=ResponseStatus.RECEIVED,
        reminded_at__isnull=True,
    ).values_list("pk", flat=True)
    reminded = 0
    for pk in list(due):
        reminded += _remind(pk)
    return reminded


@transaction.atomic
def _remind(recipient_id: int) -> int:
    rcp = (
        Recipient.objects.select_for_update()
        .select_related("recommendation", "organisation")
        .filter(pk=recipient_id, status=ResponseStatus.RECEIVED, reminded_at__isnull=True)
        .first()
    )
    if rcp is None:  # answered or reminded meanwhile
        return 0
    rec = rcp.recommendation
    users = officers_of(rcp.organisation_id)
    if not users:
        return 0
    for user in users:
        notifications.notify(
            user=user,
            kind="knowledge.recommendation_reminder",
            actor=None,
            subject=gettext_lazy("Reminder: %(organisation)s has not answered the recommendation “%(title)s”"),
            body_template="knowledge/email/recommendation_reminder.txt",
            context={
                "organisation": rcp.organisation.name,
                "title": title_for(rec, user),
                "reference": rec.reference,
                "follow_up_date": rec.follow_up_date,
            },
            url=rec.get_absolute_url(),
        )
    rcp.reminded_at = timezone.now()
    rcp.save(update_fields=["reminded_at"])
    audit.record(
        actor=None,
        action="knowledge.recommendation.remind",
        obj=rec,
        changes={"organisation": [None, rcp.organisation_id], "people": [None, len(users)]},
    )
    return 1
