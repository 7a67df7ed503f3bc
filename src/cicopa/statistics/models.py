"""Yearly statistical returns of the federation's members (ILO 2018 guidelines on statistics of co-operatives),
the designated reporter of each country, and published world estimates."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cicopa.core import subdivisions
from cicopa.core.models import Country, MembershipType, Sector
from cicopa.registry.models import Organisation

FIRST_YEAR = 1900

# Figures of a line: (field, label). Each may be unknown (null) and flagged as an estimate.
COUNT_MEASURES = (
    ("cooperatives", _("co-operatives")),
    ("members", _("members")),
    ("members_women", _("members, women")),
    ("employees", _("employees")),
    ("employees_women", _("employees, women")),
    ("worker_members", _("worker-members")),
    ("worker_members_women", _("worker-members, women")),
    ("producer_members", _("producer-members")),
    ("producer_members_women", _("producer-members, women")),
)
MEASURES = (*COUNT_MEASURES, ("turnover", _("turnover")))
MEASURE_NAMES = tuple(m for m, _label in MEASURES)
# part <= whole, checked on every line
PARTS = (
    ("members_women", "members"),
    ("employees_women", "employees"),
    ("worker_members_women", "worker_members"),
    ("producer_members_women", "producer_members"),
    ("worker_members", "members"),
    ("producer_members", "members"),
)


class ReturnStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    VALIDATED = "validated", _("Validated")


class StatisticalReturn(models.Model):
    """One organisation's figures for one year: a member organisation for its country, or a co-operative."""

    reporter = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="statistical_returns", verbose_name=_("reporter")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(FIRST_YEAR)])
    status = models.CharField(_("status"), max_length=10, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT)
    comment = models.TextField(_("secretariat's comment"), blank=True, max_length=5_000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["reporter", "year"], name="one_return_per_reporter_year")]
        ordering = ["-year", "reporter__name"]
        verbose_name = _("statistical return")
        verbose_name_plural = _("statistical returns")

    def __str__(self) -> str:
        return f"{self.reporter} {self.year}"

    @property
    def is_editable(self) -> bool:
        return self.status in (ReturnStatus.DRAFT, ReturnStatus.RETURNED)


def _count(label: Any) -> models.PositiveBigIntegerField:
    return models.PositiveBigIntegerField(label, null=True, blank=True)


class ReturnLine(models.Model):
    """Figures for one sector and membership type within a return, of the whole country or of one of its
    subdivisions (a return may give a sector and membership type by region: one line per subdivision, and a line
    without one for what it does not attribute to any)."""

    statistical_return = models.ForeignKey(StatisticalReturn, on_delete=models.CASCADE, related_name="lines")
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, verbose_name=_("sector"))
    membership_type = models.ForeignKey(MembershipType, on_delete=models.PROTECT, verbose_name=_("membership type"))
    # ISO 3166-2 code of a subdivision of the return's country ('FR-ARA'); '' for the whole country or not given.
    subdivision = models.CharField(_("subdivision"), max_length=subdivisions.MAX_LENGTH, blank=True, default="")
    # Copied from the return so that aggregation needs no join: the year and the reporter's country.
    year = models.PositiveSmallIntegerField(editable=False)
    country = models.ForeignKey(Country, null=True, on_delete=models.PROTECT, editable=False, related_name="+")
    cooperatives = _count(_("co-operatives"))
    members = _count(_("members"))
    members_women = _count(_("members, women"))
    employees = _count(_("employees"))
    employees_women = _count(_("employees, women"))
    worker_members = _count(_("worker-members"))
    worker_members_women = _count(_("worker-members, women"))
    producer_members = _count(_("producer-members"))
    producer_members_women = _count(_("producer-members, women"))
    turnover = models.DecimalField(_("turnover"), max_digits=20, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency (ISO 4217)"), max_length=3, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    # Which figures are estimates: bit i stands for MEASURE_NAMES[i] (cheap to aggregate in SQL).
    estimated_mask = models.PositiveIntegerField(default=0)
    explanation = models.CharField(
        _("explanation of large changes"),
        max_length=500,
        blank=True,
        help_text=_("Needed when a figure changes by more than half from the year before."),
    )
    # Whether the line enters published totals (the rule against double counting decides; see aggregation.py).
    counted = models.BooleanField(default=False, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["statistical_return", "sector", "membership_type", "subdivision"],
                name="one_line_per_sector_type_and_subdivision",
            )
        ]
        indexes = [models.Index(fields=["counted", "year", "country"], name="stats_line_counted_year")]
        ordering = ["sector__position", "membership_type__position", "subdivision"]
        verbose_name = _("return line")
        verbose_name_plural = _("return lines")

    def __str__(self) -> str:
        where = f"/{self.subdivision}" if self.subdivision else ""
        return f"{self.statistical_return} {self.sector_id}/{self.membership_type_id}{where}"

    @property
    def estimated(self) -> list[str]:
        return estimated_names(self.estimated_mask)


def estimated_mask(names: list[str]) -> int:
    return sum(1 << MEASURE_NAMES.index(n) for n in set(names) if n in MEASURE_NAMES)


def estimated_names(mask: int) -> list[str]:
    return [n for i, n in enumerate(MEASURE_NAMES) if mask & (1 << i)]


class ReturnVersion(models.Model):
    """A snapshot of a return after each change, so that every version stays visible."""

    statistical_return = models.ForeignKey(StatisticalReturn, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=ReturnStatus.choices)
    comment = models.TextField(blank=True, max_length=5_000)
    snapshot = models.JSONField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["statistical_return", "number"], name="unique_return_version")]
        ordering = ["statistical_return", "-number"]

    def __str__(self) -> str:
        return f"{self.statistical_return} v{self.number}"


class DesignatedReporter(models.Model):
    """The organisation whose figures prevail for a country when several report for the same cells."""

    country = models.OneToOneField(Country, primary_key=True, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("designated reporter")
        verbose_name_plural = _("designated reporters")

    def __str__(self) -> str:
        return f"{self.country_id}: {self.organisation}"


class PublishedEstimate(models.Model):
    """A published figure (such as CICOPA's 1975 world estimate), kept apart from sums of returns."""

    scope = models.CharField(_("scope"), max_length=10, help_text=_("world, a UN M49 code or an ISO country code"))
    year = models.PositiveSmallIntegerField(_("year"))
    measure = models.CharField(_("measure"), max_length=30, choices=[(m, label) for m, label in MEASURES])
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=2)
    source = models.CharField(_("source"), max_length=300)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "year", "measure", "source"], name="unique_published_estimate")
        ]
        ordering = ["scope", "measure", "year"]
        verbose_name = _("published estimate")
        verbose_name_plural = _("published estimates")

    def __str__(self) -> str:
        return f"{self.scope} {self.year} {self.measure}: {self.value}"


class CountryYearTotal(models.Model):
    """The counted figures of one country and year, summed over sectors and membership types.

    Kept by services.recount() whenever counted lines change; the dashboard's world, regional and national
    series read it instead of summing every line.
    """

    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    cooperatives = models.PositiveBigIntegerField(null=True)
    members = models.PositiveBigIntegerField(null=True)
    members_women = models.PositiveBigIntegerField(null=True)
    employees = models.PositiveBigIntegerField(null=True)
    employees_women = models.PositiveBigIntegerField(null=True)
    worker_members = models.PositiveBigIntegerField(null=True)
    worker_members_women = models.PositiveBigIntegerField(null=True)
    producer_members = models.PositiveBigIntegerField(null=True)
    producer_members_women = models.PositiveBigIntegerField(null=True)
    turnover = models.DecimalField(max_digits=24, decimal_places=2, null=True)
    estimated_mask = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["country", "year"], name="one_total_per_country_year")]

    def __str__(self) -> str:
        return f"{self.country_id} {self.year}"
