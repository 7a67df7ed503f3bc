"""Reference data every capability shares, and the audit log."""

from __future__ import annotations

import math
import uuid
from collections.abc import Collection

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cicopa.core import names
from cicopa.core.i18n import TranslatedName
from cicopa.core.validators import control_character_message, too_long_message


class PlainTextModel(models.Model):
    """A model whose cleaning (services clean what they save) also refuses what no field here may hold: control
    characters in text (see validators.CONTROL_CHARACTER) and numbers that are not finite (NaN, infinity),
    which slip past range checks since they compare false with everything; and text longer than its field's
    stated limit (every text field of the platform has one, see core.checks)."""

    class Meta:
        abstract = True

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        errors: dict[str, list[ValidationError]] = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for field in self._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField) and field.name not in (exclude or ()):
                value = getattr(self, field.attname)
                if isinstance(value, str) and (message := control_character_message(value)):
                    errors.setdefault(field.name, []).append(ValidationError(message))
                # Django leaves a TextField's max_length to forms; here it binds every way in (API, imports).
                if (
                    isinstance(field, models.TextField)
                    and isinstance(value, str)
                    and (message := too_long_message(value, field.max_length))
                ):
                    errors.setdefault(field.name, []).append(ValidationError(message))
            elif isinstance(field, models.FloatField) and field.name not in (exclude or ()):
                value = getattr(self, field.attname)
                if isinstance(value, float) and not math.isfinite(value):
                    errors.setdefault(field.name, []).append(ValidationError(_("must be a finite number")))
        if errors:
            raise ValidationError(errors)


class Region(models.Model):
    """A UN M49 geographic region, sub-region or intermediate region; named by CLDR in the reader's language."""

    class Level(models.TextChoices):
        REGION = "region", _("region")
        SUBREGION = "subregion", _("sub-region")
        INTERMEDIATE = "intermediate", _("intermediate region")

    m49 = models.CharField(_("M49 code"), max_length=3, primary_key=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["m49"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return names.territory_name(self.m49)


def in_region(m49: str, via: str = "country__") -> models.Q:
    """Records whose country lies in the UN M49 region, sub-region or intermediate region `m49`."""
    return (
        models.Q(**{f"{via}region": m49})
        | models.Q(**{f"{via}subregion": m49})
        | models.Q(**{f"{via}intermediate_region": m49})
    )


class Country(models.Model):
    """An ISO 3166-1 country or territory with its UN M49 classification; named by CLDR in the reader's
    language (`core.names`)."""

    iso2 = models.CharField(_("ISO code"), max_length=2, primary_key=True)
    iso3 = models.CharField(_("ISO alpha-3 code"), max_length=3, unique=True)
    numeric = models.CharField(_("ISO numeric code"), max_length=3, unique=True)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    subregion = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("sub-region")
    )
    intermediate_region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("intermediate region"),
    )
    developed = models.BooleanField(_("developed region"), default=False)

    class Meta:
        ordering = ["iso2"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return names.territory_name(self.iso2)


class Sector(TranslatedName):
    """A field of activity of producers' co-operatives, mapped to ISIC Rev.4 and ICA activity codes."""

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    position = models.PositiveSmallIntegerField(default=0)
    isic = models.CharField(_("ISIC Rev.4"), max_length=80, help_text=_("ISIC Rev.4 sections or divisions"))
    ica_codes = models.CharField(_("ICA activity codes"), max_length=200, blank=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")


class MembershipType(TranslatedName):
    """Who the members of a co-operative are (ESSGlobal / ILO base membership type)."""

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    position = models.PositiveSmallIntegerField(default=0)
    essglobal = models.CharField(_("ESSGlobal codes"), max_length=40, blank=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("membership type")
        verbose_name_plural = _("membership types")


class LegalForm(TranslatedName):
    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("legal form")
        verbose_name_plural = _("legal forms")


class AuditEntry(models.Model):
    """One write: who did what to which record, and which fields changed (old -> new)."""

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("who")
    )
    actor_label = models.CharField(_("who"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=60)
    object_repr = models.CharField(_("object"), max_length=300)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only a hash of the key is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class EmailMode(models.TextChoices):
    INSTANT = "instant", _("an e-mail for each notification")
    DIGEST = "digest", _("one e-mail a day with the unread notifications")
    NONE = "none", _("no e-mail: on this site only")


class Profile(models.Model):
    """What a person chose for themselves: the language the platform writes to them in, and how they hear of
    their notifications. Made on first need; a user without one has the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="cicopa_profile"
    )
    # Blank: not chosen, then the language they last used the site in (last_language) is theirs.
    language = models.CharField(_("language"), max_length=8, blank=True, choices=settings.LANGUAGES)
    last_language = models.CharField(max_length=8, blank=True, editable=False)
    email_mode = models.CharField(
        _("e-mail about notifications"), max_length=10, choices=EmailMode.choices, default=EmailMode.INSTANT
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.user_id)

    @property
    def effective_language(self) -> str:
        return self.language or self.last_language or settings.LANGUAGE_CODE


class OutboxEmail(models.Model):
    """One e-mail to send, under a unique key (`notification:12`, `digest:3:2026-05-04`, ...): the task that
    sends it locks the row, sends, and marks it sent in the same transaction, so a task run twice (a retry, a
    worker taken for dead) finds it sent and sends nothing. The body is erased once the e-mail is sent or has
    failed: the outbox is a queue, not an archive, and a password-reset link must not wait in the database."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("could not be sent")

    key = models.CharField(max_length=120, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    body = models.TextField(max_length=200_000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")

    def __str__(self) -> str:
        return self.key


class Notification(models.Model):
    """Something a person should know of, in their own language (rendered when it was made), with a link."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=60)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"), max_length=10_000, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # The daily e-mail that listed it, so that no notification is in two digests.
    digest_email = models.ForeignKey(OutboxEmail, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="core_notif_user_created"),
            models.Index(fields=["user", "read_at"], name="core_notif_user_read"),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class TaskProgress(models.Model):
    """How far a long background task has got, for the person who started it: a page follows it
    (core/progress.py). One row for all the attempts of the task."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    message = models.CharField(max_length=300, blank=True)
    result_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("background task")
        verbose_name_plural = _("background tasks")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("task_progress", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, self.done * 100 // self.total)


class WorkerHeartbeat(models.Model):
    """A running `cicopa worker` says every few seconds that it is alive; a task RUNNING under a worker that
    has stopped saying so is put back in the queue (core/background.py)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"


class PageGeneration(models.Model):
    """One row: the generation of the public data, which every page cached for anonymous readers is keyed by
    (core/pagecache.py). Every committed write gives it a new random value, so that no page cached before is
    served again, by any process or machine: they all read it here, in the database they read the data from."""

    value = models.BigIntegerField()

    def __str__(self) -> str:
        return str(self.value)


class ReferenceGeneration(models.Model):
    """One row: the generation of the reference data (countries, regions, sectors, membership types, legal forms),
    which the lists that each process draws from it once and keeps are keyed by (core/reference_cache.py). Given
    a new random value whenever reference data is written (by migrations, in practice), so that every process, on
    every machine, draws them again: they all read it here."""

    value = models.BigIntegerField()

    def __str__(self) -> str:
        return str(self.value)
