"""The knowledge library: experiences (case studies) written by co-operatives and member organisations, under
a managed list of topics. Studies, questions and answers and recommendations come later beside these, sharing
the topics, the content languages and the review workflow's shape.

An experience is written in one content language (core.i18n.CONTENT_LANGUAGES) and may carry translations into
the others; readers see their own language where a translation exists, else the original, marked."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cicopa.core.i18n import CONTENT_LANGUAGES, TranslatedName, in_reader_language
from cicopa.core.models import Country, PlainTextModel, Sector
from cicopa.registry.models import Organisation

LANGUAGE_CHOICES = [(code, name) for code, name in settings.LANGUAGES if code in CONTENT_LANGUAGES]
FIRST_YEAR = 1844  # the Rochdale Pioneers: no co-operative experience is older
LAST_YEAR = 2100


class Topic(TranslatedName):
    """A subject of the library (governance, finance and capital, ...): loaded by a data migration, managed by
    the secretariat in the back office."""

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")


class LibraryKind(models.TextChoices):
    """What the library holds, each kind in one search (knowledge/library.py)."""

    EXPERIENCE = "experience", _("Experience")
    STUDY = "study", _("Study")
    QUESTION = "question", _("Answered question")
    RECOMMENDATION = "recommendation", _("Recommendation")


class LibraryEntry(models.Model):
    """One published item of the library in its full-text index (see knowledge/library.py and core/fulltext.py):
    written by the owning kind's services when the item becomes public or changes, taken out when it stops being
    public. The index holds nothing that is not public, so a search can never show what its reader may not see."""

    kind = models.CharField(max_length=16, choices=LibraryKind.choices)
    object_id = models.PositiveBigIntegerField()
    language = models.CharField(max_length=8)  # the language it was written in
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    published_at = models.DateTimeField(db_index=True)
    topics = models.CharField(max_length=1_000, blank=True)  # topic codes, space-separated
    countries = models.CharField(max_length=1_000, blank=True)  # ISO 3166-1 codes, space-separated
    # The tags before the body: SQLite reads a row's columns in order, and a study's body runs over many pages, which
    # the facets' read of every hit's tags would otherwise walk through (30 ms for 10,000 hits).
    search_title = models.TextField(max_length=4_000, blank=True, editable=False)
    search_tags = models.TextField(max_length=4_000, blank=True, editable=False)
    search_body = models.TextField(max_length=4_000_000, blank=True, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="knowledge_entry_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class ExperienceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    RETURNED = "returned", _("Returned for changes")
    PUBLISHED = "published", _("Published")


# The parts of an experience that are written in a language (and so translated).
TEXT_FIELDS = ("title", "summary", "problem", "actions", "results", "lessons")


class Experience(PlainTextModel):
    """A case study: what problem an organisation met, what it did, what came of it and what others can learn."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="experiences", verbose_name=_("organisation")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="experiences",
        verbose_name=_("written by"),
    )
    language = models.CharField(_("written in"), max_length=8, choices=LANGUAGE_CHOICES)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=1_000, blank=True)
    problem = models.TextField(_("the problem"), max_length=10_000, blank=True)
    actions = models.TextField(_("what was done"), max_length=10_000, blank=True)
    results = models.TextField(_("results"), max_length=10_000, blank=True)
    lessons = models.TextField(_("lessons learnt"), max_length=10_000, blank=True)
    # Figures of the results, as "label: value" lines (jobs kept, turnover, members, ...), written by hand.
    figures = models.TextField(_("figures"), max_length=2_000, blank=True)
    contact = models.CharField(_("contact"), max_length=300, blank=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country"))
    sectors = models.ManyToManyField(Sector, blank=True, related_name="+", verbose_name=_("sectors"))
    topics = models.ManyToManyField(Topic, blank=True, related_name="experiences", verbose_name=_("topics"))
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ExperienceStatus.choices, default=ExperienceStatus.DRAFT, db_index=True
    )
    review_comment = models.TextField(_("comment of the review"), max_length=2_000, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("experience")
        verbose_name_plural = _("experiences")
        indexes = [
            models.Index(fields=["status", "published_at"], name="knowledge_exp_status"),
            models.Index(fields=["organisation", "status"], name="knowledge_exp_org"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:experience", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in (ExperienceStatus.DRAFT, ExperienceStatus.RETURNED)

    def text_in(self, language: str | None = None) -> tuple[dict[str, str], str, dict[str, str]]:
        """Its texts (TEXT_FIELDS) as a reader of `language` sees them, the language they are in, and the
        language of each text: a part a translation leaves empty is read in the original. Uses prefetched
        translations when there are any."""
        shown, shown_in = in_reader_language(self.language, self, self.translations.all(), language)
        texts, languages = {}, {}
        for f in TEXT_FIELDS:
            own = getattr(shown, f)
            texts[f], languages[f] = (own, shown_in) if own or shown is self else (getattr(self, f), self.language)
        return texts, shown_in, languages

    def figure_lines(self) -> list[tuple[str, str]]:
        out = []
        for line in self.figures.splitlines():
            label, sep, value = line.partition(":")
            if line.strip():
                out.append((label.strip(), value.strip()) if sep else ("", line.strip()))
        return out


class ExperienceTranslation(PlainTextModel):
    experience = models.ForeignKey(Experience, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=1_000, blank=True)
    problem = models.TextField(_("the problem"), max_length=10_000, blank=True)
    actions = models.TextField(_("what was done"), max_length=10_000, blank=True)
    results = models.TextField(_("results"), max_length=10_000, blank=True)
    lessons = models.TextField(_("lessons learnt"), max_length=10_000, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["experience", "language"], name="knowledge_translation_once")]


class Attachment(PlainTextModel):
    """A document attached to an experience (PDF, image, office document). Kept in the database so that it is
    served only to those who may read the experience, and travels with its backups."""

    experience = models.ForeignKey(Experience, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("file name"), max_length=200)
    media_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    content = models.BinaryField(editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename

    def get_absolute_url(self) -> str:
        return reverse("knowledge:attachment", args=[self.experience_id, self.pk])


# --- Recommendations and their adoption -------------------------------------------------------------------------
# The secretariat writes a recommendation in English, French and Spanish, issues it (it becomes public) and
# circulates it to member organisations, all of them or those of chosen regions, countries or sectors; each
# recipient records its response over time (received → acknowledged → under consideration → adopted, partly
# adopted or not adopted), every change a dated row of its history.


class RecommendationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")


class Recommendation(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RecommendationStatus.choices,
        default=RecommendationStatus.DRAFT,
        db_index=True,
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="recommendations", verbose_name=_("topics"))
    experiences = models.ManyToManyField(
        Experience, blank=True, related_name="recommendations", verbose_name=_("linked experiences")
    )
    studies: models.ManyToManyField[Study, Any] = models.ManyToManyField(
        "Study", blank=True, related_name="recommendations", verbose_name=_("linked studies")
    )
    follow_up_date = models.DateField(_("follow-up date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("knowledge:recommendation", args=[self.pk])

    @property
    def is_issued(self) -> bool:
        return self.status == RecommendationStatus.ISSUED

    def text(self, language: str | None = None) -> RecommendationText | None:
        """Its text in `language` (the reader's), else English, else any; uses prefetched texts."""
        from django.utils.translation import get_language

        texts = {t.language: t for t in self.texts.all()}
        for code in (language or (get_language() or "en")[:2], "en", *sorted(texts)):
            if code in texts:
                return texts[code]
        return None

    @property
    def title(self) -> str:
        shown = self.text()
        return shown.title if shown else self.reference


class RecommendationText(PlainTextModel):
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), max_length=20_000, blank=True)

    def __str__(self) -> str:
        return self.title

    class Meta:
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "language"], name="knowledge_recommendation_text_once")
        ]


class Circulation(models.Model):
    """One sending of a recommendation, with the audience as chosen (kept for the record)."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="circulations")
    circulated_at = models.DateTimeField(_("circulated"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # {"scope": "all" | "regions" | "countries" | "sectors", "codes": [...]}
    audience = models.JSONField(_("audience"), default=dict)
    added = models.PositiveIntegerField(_("organisations added"), default=0)

    class Meta:
        ordering = ["circulated_at", "id"]

    def __str__(self) -> str:
        return f"{self.recommendation} {self.circulated_at:%Y-%m-%d}"


class ResponseStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    UNDER_CONSIDERATION = "under_consideration", _("Under consideration")
    ADOPTED = "adopted", _("Adopted")
    PARTLY_ADOPTED = "partly_adopted", _("Partly adopted")
    NOT_ADOPTED = "not_adopted", _("Not adopted")


class Recipient(models.Model):
    """A member organisation a recommendation was circulated to, with its latest response's status."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="recipients")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="recommendations_received", verbose_name=_("organisation")
    )
    circulation = models.ForeignKey(Circulation, null=True, on_delete=models.SET_NULL, related_name="recipients")
    circulated_at = models.DateTimeField(_("circulated"))
    status = models.CharField(
        _("status"), max_length=24, choices=ResponseStatus.choices, default=ResponseStatus.RECEIVED, db_index=True
    )
    status_changed_at = models.DateTimeField(_("status changed"))
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)

    class Meta:
        ordering = ["organisation__sort_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "organisation"], name="knowledge_recipient_once")
        ]
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")

    def __str__(self) -> str:
        return f"{self.recommendation} → {self.organisation}"


class Response(PlainTextModel):
    """One dated step of a recipient's response; the latest is its current status."""

    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="responses")
    status = models.CharField(_("status"), max_length=24, choices=ResponseStatus.choices)
    comment = models.TextField(_("comment"), max_length=5_000, blank=True)
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)
    evidence_filename = models.CharField(_("evidence document"), max_length=200, blank=True)
    evidence_media_type = models.CharField(max_length=100, blank=True)
    evidence_size = models.PositiveIntegerField(default=0)
    evidence_data = models.BinaryField(null=True, editable=False)
    at = models.DateTimeField(_("date"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    by_secretariat = models.BooleanField(_("recorded by the secretariat"), default=False)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")

    def __str__(self) -> str:
        return f"{self.recipient}: {self.status}"

    def get_evidence_url(self) -> str:
        return reverse("knowledge:recommendation_evidence", args=[self.recipient.recommendation_id, self.pk])


# --- Studies ---------------------------------------------------------------------------------------------------
# A study is a document (a PDF) with its metadata; the text is extracted from the PDF in the background
# (knowledge/study_text.py, knowledge/tasks.py) and kept on the study for the library's search and excerpts. The
# PDF's bytes are in StudyFile, a table of their own, so that no list ever loads them. Its review workflow is the
# experiences' (ExperienceStatus).

MAX_STUDY_TEXT = 2_000_000  # characters of extracted text kept (a 1,000-page report is about 3 million)


class Extraction(models.TextChoices):
    PENDING = "pending", _("Being read")
    DONE = "done", _("Read")
    UNREADABLE = "unreadable", _("Could not be read")


class Study(PlainTextModel):
    """A study, report or paper in the library: published by a member organisation, or by the secretariat
    (then without organisation)."""

    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="studies",
        verbose_name=_("organisation"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="studies",
        verbose_name=_("added by"),
    )
    language = models.CharField(_("written in"), max_length=8, choices=LANGUAGE_CHOICES)
    title = models.CharField(_("title"), max_length=300)
    # The people who wrote it, one a line (a comma-separated list is read the same way).
    authors = models.TextField(_("authors"), max_length=2_000, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    abstract = models.TextField(_("abstract"), max_length=5_000, blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="studies", verbose_name=_("topics"))
    countries = models.ManyToManyField(Country, blank=True, related_name="+", verbose_name=_("countries"))
    sectors = models.ManyToManyField(Sector, blank=True, related_name="+", verbose_name=_("sectors"))
    status = models.CharField(
        _("status"), max_length=10, choices=ExperienceStatus.choices, default=ExperienceStatus.DRAFT, db_index=True
    )
    review_comment = models.TextField(_("comment of the review"), max_length=2_000, blank=True)
    # What was read from the PDF.
    text = models.TextField(_("text"), max_length=MAX_STUDY_TEXT, blank=True, editable=False)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True, editable=False)
    extraction = models.CharField(
        _("reading of the PDF"), max_length=10, choices=Extraction.choices, default=Extraction.PENDING
    )
    extraction_error = models.CharField(_("why it could not be read"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("study")
        verbose_name_plural = _("studies")
        indexes = [
            models.Index(fields=["status", "published_at"], name="knowledge_study_status"),
            models.Index(fields=["organisation", "status"], name="knowledge_study_org"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:study", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in (ExperienceStatus.DRAFT, ExperienceStatus.RETURNED)

    def author_names(self) -> list[str]:
        """The authors, one a line or separated by commas or semicolons."""
        import re

        return [name.strip() for name in re.split(r"[\n;,]", self.authors) if name.strip()]


class StudyFile(PlainTextModel):
    """The PDF of a study (one; a new upload replaces it)."""

    study = models.OneToOneField(Study, on_delete=models.CASCADE, related_name="file", primary_key=True)
    filename = models.CharField(_("file name"), max_length=200)
    media_type = models.CharField(_("type"), max_length=100, default="application/pdf")
    size = models.PositiveIntegerField(_("size"))
    data = models.BinaryField(editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("PDF of a study")
        verbose_name_plural = _("PDFs of studies")

    def __str__(self) -> str:
        return self.filename

    def get_absolute_url(self) -> str:
        return reverse("knowledge:study_file", args=[self.study_id])


# Questions and answers: a co-operative asks the network, peers answer, the asker marks the most useful answer.


class QuestionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class Question(PlainTextModel):
    """A question an organisation asks the network. Every signed-in person reads it and its answers as soon as it
    is asked; the public reads it once its asker has marked an answer as the most useful (PUBLIC_QUESTION in
    question_permissions), and it is then part of the library's search."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="questions", verbose_name=_("asked by")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questions",
        verbose_name=_("written by"),
    )
    language = models.CharField(_("written in"), max_length=8, choices=LANGUAGE_CHOICES)
    title = models.CharField(_("question"), max_length=200)
    body = models.TextField(_("details"), max_length=10_000)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country"))
    sectors = models.ManyToManyField(Sector, blank=True, related_name="+", verbose_name=_("sectors"))
    topics = models.ManyToManyField(Topic, blank=True, related_name="questions", verbose_name=_("topics"))
    status = models.CharField(
        _("status"), max_length=10, choices=QuestionStatus.choices, default=QuestionStatus.OPEN, db_index=True
    )
    accepted_answer = models.ForeignKey(
        "Answer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("most useful answer"),
    )
    # When an answer was first marked the most useful: the question's date in the public library.
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    experience = models.ForeignKey(
        Experience,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("made into the experience"),
    )
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [models.Index(fields=["status", "created_at"], name="knowledge_question_status")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:question", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.accepted_answer_id is not None


class Answer(PlainTextModel):
    """An answer to a question, given for an organisation (none when the secretariat answers as itself)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="answers",
        verbose_name=_("answered for"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answers",
        verbose_name=_("written by"),
    )
    body = models.TextField(_("answer"), max_length=10_000)
    created_at = models.DateTimeField(_("answered"), auto_now_add=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return self.body[:80]

    def get_absolute_url(self) -> str:
        return f"{self.question.get_absolute_url()}#answer-{self.pk}"
