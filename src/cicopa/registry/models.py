"""The federation graph: organisations, memberships between them, people and their offices."""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cicopa.core import subdivisions
from cicopa.core.models import Country, LegalForm, MembershipType, PlainTextModel, Sector
from cicopa.core.text import fold, search_text

_NOT_TAG = re.compile(r"[^a-z0-9]")


@functools.lru_cache(maxsize=4096)
def search_tag(prefix: str, value: str) -> str:
    """A filter value as one index term that no word of a name or description can be: 'qqcfr' for
    country FR, 'qqsindustrialproduction' for that sector."""
    return "qq" + prefix + _NOT_TAG.sub("", value.lower())


def search_columns(
    *,
    name: str,
    acronym: str,
    description: str,
    city: str,
    kind: str,
    status: str,
    country_id: str | None,
    membership_type_id: str | None,
    legal_form_id: str | None,
    sector_codes: Iterable[str],
    subdivision: str = "",
) -> tuple[str, str, str]:
    """What an organisation's full-text index columns hold: search_title, search_body, search_tags."""
    tags = [search_tag("k", kind), search_tag("t", status)]
    tags += [
        search_tag(prefix, value)
        for prefix, value in (
            ("c", country_id),
            ("d", subdivision),  # ISO 3166-2: 'qqdfrara' for FR-ARA
            ("m", membership_type_id),
            ("l", legal_form_id),
        )
        if value
    ]
    tags += [search_tag("s", code) for code in sorted(set(sector_codes))]
    return search_text(name, acronym), search_text(description, city), " ".join(tags)


_PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")
_PROFILE_URLS: dict[tuple[str | None, str, str], tuple[str, str]] = {}


def profile_url(slug: str) -> str:
    """An organisation's profile address, as reverse() gives it, without its cost for every one of a page's results
    (reverse() takes 50 to 80 µs): the address around the slug is found once per language, script prefix and URL
    configuration."""
    if not _PLAIN_SLUG.match(slug):  # anything reverse() would quote or refuse goes through it
        return reverse("registry:organisation", kwargs={"slug": slug})
    key = (get_language(), get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF))
    around = _PROFILE_URLS.get(key)
    if around is None:
        head, _slug, tail = reverse("registry:organisation", kwargs={"slug": "-"}).rpartition("-")
        around = _PROFILE_URLS[key] = (head, tail)
    return around[0] + slug + around[1]


class OrganisationKind(models.TextChoices):
    ALLIANCE = "alliance", _("Alliance")
    SECTORAL = "sectoral", _("Sectoral organisation")
    MEMBER_ORGANISATION = "member_organisation", _("Member organisation")
    COOPERATIVE = "cooperative", _("Co-operative")
    OTHER = "other", _("Other associative enterprise")


class OrganisationStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    DISSOLVED = "dissolved", _("Dissolved")


class Organisation(PlainTextModel):
    kind = models.CharField(_("kind"), max_length=24, choices=OrganisationKind.choices)
    name = models.CharField(_("official name"), max_length=255)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=10_000)
    country = models.ForeignKey(
        Country,
        null=True,
        blank=True,
        db_index=False,  # the (country, name) index serves country lookups
        on_delete=models.PROTECT,
        verbose_name=_("country"),
        related_name="organisations",
    )
    # A region, province or state of the country, as an ISO 3166-2 code ('FR-ARA', 'ES-AL'): core/subdivisions.py.
    # The directory filters on it through the full-text index (search_tags), as on the country.
    subdivision = models.CharField(
        _("subdivision"),
        max_length=subdivisions.MAX_LENGTH,
        blank=True,
        help_text=_("The region, province or state of the country the organisation is in."),
    )
    address = models.TextField(_("address"), blank=True, max_length=500)
    city = models.CharField(_("city"), max_length=120, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    # The coordinates stand for the place only roughly: the centre of the postcode area, as open data such as
    # Co-ops UK's gives for most records. Pages and the API say so.
    location_approximate = models.BooleanField(
        _("approximate location"),
        default=False,
        help_text=_("The coordinates show the area (such as the centre of the postcode area), not the address."),
    )
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    fax = models.CharField(_("fax"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    sectors = models.ManyToManyField(Sector, blank=True, verbose_name=_("sectors"), related_name="organisations")
    membership_type = models.ForeignKey(
        MembershipType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,  # filters on it go through the full-text index (search_tags)
        verbose_name=_("membership type"),
    )
    legal_form = models.ForeignKey(
        LegalForm,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,  # likewise
        verbose_name=_("legal form"),
    )
    legal_form_text = models.CharField(
        _("legal form as given"),
        max_length=120,
        blank=True,
        help_text=_("The original wording when it does not match one of the legal forms."),
    )
    founded = models.PositiveSmallIntegerField(
        _("year founded"), null=True, blank=True, validators=[MinValueValidator(1800), MaxValueValidator(2100)]
    )
    # The limit of the column on every engine, so that the message is the same on each (SQLite would allow 2**63).
    members_count = models.PositiveIntegerField(
        _("members"), null=True, blank=True, validators=[MaxValueValidator(2**31 - 1)]
    )
    workers_count = models.PositiveIntegerField(
        _("workers"), null=True, blank=True, validators=[MaxValueValidator(2**31 - 1)]
    )
    counts_year = models.PositiveSmallIntegerField(
        _("year of the counts"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=OrganisationStatus.choices,
        default=OrganisationStatus.ACTIVE,
    )
    is_demo = models.BooleanField(_("demo record"), default=False)
    # Folded (lower-case, accent-free) text indexed by the database's full-text index.
    search_title = models.TextField(default="", editable=False)
    search_body = models.TextField(default="", editable=False)
    # Filter values as index terms (kind, status, country, sectors, ...): see search_tag().
    search_tags = models.TextField(default="", editable=False)
    # The name folded, for alphabetical order as readers expect it: 'École' between 'Dock' and 'Ferme', not
    # after 'Zeta' as the name's own characters would sort.
    # Nullable: SQLite then adds the column without rebuilding the table and its search triggers.
    sort_name = models.CharField(max_length=255, null=True, editable=False)  # noqa: DJ001
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            models.Index(fields=["sort_name"], name="registry_org_sort_name"),
            # the directory lists by name within a country (the whole directory uses the name index)
            models.Index(fields=["country", "sort_name"], name="registry_org_country_sort"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self) -> str:
        return profile_url(self.slug)

    @property
    def subdivision_name(self) -> str:
        """The subdivision's name in the reader's language ('Bavière' for DE-BY in French), or ''."""
        return subdivisions.name(self.subdivision) if self.subdivision else ""

    @property
    def kind_label(self) -> str:
        """The kind's name in the reader's language: get_kind_display() without rebuilding the choices' table at
        each call (which a page of results did twenty times)."""
        return str(OrganisationKind(self.kind).label) if self.kind in OrganisationKind.values else str(self.kind)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.sort_name = fold(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "sort_name"}
        super().save(*args, **kwargs)

    def refresh_search_text(self, sector_codes: Iterable[str]) -> None:
        """Fill the columns the full-text index and the alphabetical order read; `sector_codes` are the
        organisation's sectors."""
        self.sort_name = fold(self.name)
        self.search_title, self.search_body, self.search_tags = search_columns(
            name=self.name,
            acronym=self.acronym,
            description=self.description,
            city=self.city,
            kind=self.kind,
            status=self.status,
            country_id=self.country_id,
            membership_type_id=self.membership_type_id,
            legal_form_id=self.legal_form_id,
            sector_codes=sector_codes,
            subdivision=self.subdivision,
        )

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None


# Identifier schemes with a name people know: org-id.guide's codes for registers, and import formats.
SCHEME_NAMES = {
    "GB-COH": _("Companies House (United Kingdom)"),
    "GB-MPR": _("Mutuals Public Register (United Kingdom)"),
    "GB-CHC": _("Charity Commission for England and Wales"),
    "GB-SC": _("Scottish Charity Register"),
    "registered-number": _("registered number"),
    "essglobal": _("ESSGlobal open data"),
}


class ExternalIdentifier(models.Model):
    """An identifier given to an organisation elsewhere (an import source, a company register)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="identifiers")
    scheme = models.CharField(_("scheme"), max_length=60)
    value = models.CharField(_("value"), max_length=120)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scheme", "value"], name="unique_external_identifier")]
        verbose_name = _("external identifier")
        verbose_name_plural = _("external identifiers")

    def __str__(self) -> str:
        return f"{self.scheme}:{self.value}"

    @property
    def scheme_name(self) -> str:
        return str(SCHEME_NAMES.get(self.scheme, self.scheme))


class MembershipStatus(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPELLED = "expelled", _("Expelled")


CURRENT_MEMBERSHIP = (MembershipStatus.APPLICANT, MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED)
# Who counts as a member: in public lists and open data, and for the rights of the federation's officers
# over it. An applicant is not a member yet.
MEMBER_STATUSES = (MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED)
# What the public sees of memberships, wherever it reads them (profile pages, the API, open data): the members and
# the former members, not applications, which are between the applicant and the federation until decided.
PUBLIC_MEMBERSHIP = tuple(s for s in MembershipStatus.values if s != MembershipStatus.APPLICANT)


class Membership(models.Model):
    """`member` belongs to `parent` (a co-operative to a member organisation, that to CICOPA, ...)."""

    member = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("member")
    )
    parent = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="member_links", verbose_name=_("belongs to")
    )
    status = models.CharField(_("status"), max_length=12, choices=MembershipStatus.choices, db_index=True)
    since = models.DateField(_("since"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "parent"], name="unique_membership"),
            models.CheckConstraint(condition=~models.Q(member=models.F("parent")), name="membership_not_self"),
        ]
        ordering = ["parent__name", "member__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.member} → {self.parent}"

    @property
    def is_current(self) -> bool:
        return self.status in CURRENT_MEMBERSHIP

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_MEMBERSHIP


class MembershipEvent(models.Model):
    """One dated change of a membership's status: the membership's history."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=12, choices=MembershipStatus.choices)
    date = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("membership event")
        verbose_name_plural = _("membership events")

    def __str__(self) -> str:
        return f"{self.date} {self.status}"


class Person(PlainTextModel):
    full_name = models.CharField(_("full name"), max_length=200)
    title = models.CharField(_("title or position"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.full_name


class OfficeRole(models.TextChoices):
    PRESIDENT = "president", _("President")
    VICE_PRESIDENT = "vice_president", _("Vice-president")
    SECRETARY = "secretary", _("Secretary")
    TREASURER = "treasurer", _("Treasurer")
    BOARD_MEMBER = "board_member", _("Board member")
    CONTACT = "contact", _("Contact person")


class Office(PlainTextModel):
    """A person holds an office in an organisation for a term."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="offices", verbose_name=_("person"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="offices", verbose_name=_("organisation")
    )
    role = models.CharField(_("office"), max_length=20, choices=OfficeRole.choices)
    start = models.DateField(_("term starts"), null=True, blank=True)
    end = models.DateField(_("term ends"), null=True, blank=True)

    class Meta:
        ordering = ["organisation", "role", "-start"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True)
                | models.Q(start__isnull=True)
                | models.Q(end__gte=models.F("start")),
                name="office_term_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()}, {self.organisation}"

    def is_current(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return (self.start is None or self.start <= today) and (self.end is None or self.end >= today)


class AccessRole(models.TextChoices):
    OFFICER = "officer", _("Officer (edits the organisation, its co-operatives and their memberships)")
    EDITOR = "editor", _("Editor (edits the organisation's profile)")


class OrganisationAccess(models.Model):
    """A user account's right to act for an organisation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_access")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="access")
    role = models.CharField(_("role"), max_length=10, choices=AccessRole.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="unique_organisation_access")]
        verbose_name = _("organisation access")
        verbose_name_plural = _("organisation access")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.organisation}"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("waiting for an answer")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    WITHDRAWN = "withdrawn", _("withdrawn")


INVITATION_DAYS = 14  # an invitation not answered by then has expired


class AccessInvitation(models.Model):
    """An offer, sent by e-mail, to act for an organisation. Access is given only when the person who holds the
    address accepts it: an officer learns nothing of who has an account, and attaches nobody's account to an
    organisation without its owner's consent."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=10, choices=AccessRole.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["invited_by", "created_at"], name="registry_invitation_by_date")]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} — {self.get_role_display()}, {self.organisation}"

    @property
    def expires_at(self) -> datetime.datetime:
        return self.created_at + datetime.timedelta(days=INVITATION_DAYS)

    @property
    def is_open(self) -> bool:
        return self.status == InvitationStatus.PENDING and timezone.now() < self.expires_at

    @property
    def state_display(self) -> str:
        if self.status == InvitationStatus.PENDING and not self.is_open:
            return str(_("expired"))
        return str(self.get_status_display())


class ImportMapping(models.Model):
    """How the columns of a file of some layout are read (the `columns` import format), kept under a name to
    import the next file of the same layout the same way."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    columns = models.JSONField(_("columns"), default=dict)  # {the file's column: a cicopa column, or ""}
    kind = models.CharField(_("kind of rows without one"), max_length=24, choices=OrganisationKind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")

    def __str__(self) -> str:
        return self.name


class ImportRun(models.Model):
    """One import of a file, written by the importer in the import's transaction: who, when, what file, how it
    was read, what it did (its report), and what is needed to undo it."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("who"), max_length=200)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    filename = models.CharField(_("file"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    format = models.CharField(_("format"), max_length=20)
    scheme = models.CharField(_("identifier scheme"), max_length=60)
    mapping_name = models.CharField(_("column mapping"), max_length=100, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    warnings = models.PositiveIntegerField(_("warnings"), default=0)
    # {"mapping": {...}, "country_fixes": {...}, "kind": ..., "ignored_columns": [...], "warnings": [[row, column,
    # value, message], ...] (the first REPORT_WARNINGS)}
    report = models.JSONField(default=dict)
    # {"created": [ids], "changed": {id: {field: [old, new]}}, "identifiers": [[id, scheme, value]]}
    undo_data = models.JSONField(default=dict)
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    undone_by = models.CharField(_("undone by"), max_length=200, blank=True)
    # An import confirmed on the page runs in a background task (registry/tasks.py), which may run again after its
    # worker died: the id of the progress it reports to marks the one import it made.
    task = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    REPORT_WARNINGS = 1000

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.filename} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("registry:import_run", kwargs={"pk": self.pk})
