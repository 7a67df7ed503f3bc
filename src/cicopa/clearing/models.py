"""The clearing house's records: who takes part (Participation), the cycles the secretariat opens, runs and
confirms (Cycle), and each cycle's proposal: the eligible invoices with what is set off on each (CycleInvoice) and
every participant's statement figures (CycleParticipant). The engine (engine.py) computes; these keep what it
proposed and what was confirmed, so that a statement can be read again years later exactly as it was."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cicopa.exchange.models import Invoice
from cicopa.registry.models import Organisation

# The clearing terms an organisation accepts (templates/clearing/_terms.html holds their text); a new version
# of the terms gets a new code, and acceptances record the one accepted.
TERMS_VERSION = "2026-12"


class Participation(models.Model):
    """An organisation's acceptance of the clearing terms, from `accepted_at` by `accepted_by`, until revoked.
    Revoking takes effect for the cycles run afterwards; a revoked participation stays on record, and accepting
    again makes a new one."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="clearing_participations", verbose_name=_("organisation")
    )
    terms_version = models.CharField(_("terms"), max_length=20, default=TERMS_VERSION)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted"), default=timezone.now)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-accepted_at", "-id"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(revoked_at__isnull=True),
                name="clearing_one_current_participation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.accepted_at:%Y-%m-%d})"

    @property
    def is_current(self) -> bool:
        return self.revoked_at is None


class CycleStatus(models.TextChoices):
    OPEN = "open", _("Open")  # opened, not run yet
    RUNNING = "running", _("Running")  # a run is queued or under way
    PROPOSED = "proposed", _("Proposed")  # a proposal awaits the secretariat's confirmation
    CONFIRMED = "confirmed", _("Confirmed")  # the set-offs are applied to the invoices
    CANCELLED = "cancelled", _("Cancelled")


UNFINISHED = (CycleStatus.OPEN, CycleStatus.RUNNING, CycleStatus.PROPOSED)


class Cycle(models.Model):
    """A clearing cycle in one currency: the invoices between participants issued up to `cutoff`. Its figures
    are the last proposal's (engine.CurrencySummary: gross debt, net internal debt, cleared)."""

    currency = models.CharField(_("currency"), max_length=3)
    cutoff = models.DateField(_("cut-off date"))
    status = models.CharField(_("status"), max_length=10, choices=CycleStatus.choices, default=CycleStatus.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    runs = models.PositiveIntegerField(_("runs"), default=0)
    run_task = models.ForeignKey(
        "core.TaskProgress", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )  # the last run, as its page follows it
    proposed_at = models.DateTimeField(_("proposed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    invoices = models.PositiveIntegerField(_("invoices"), default=0)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    gross_minor = models.BigIntegerField(_("gross debt"), default=0)
    net_minor = models.BigIntegerField(_("net internal debt"), default=0)
    cleared_minor = models.BigIntegerField(_("cleared"), default=0)
    solve_seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("clearing cycle")
        verbose_name_plural = _("clearing cycles")
        constraints = [
            # Two unfinished cycles of one currency would propose the same invoices twice.
            models.UniqueConstraint(
                fields=["currency"],
                condition=models.Q(status__in=[s.value for s in UNFINISHED]),
                name="clearing_one_unfinished_cycle",
            )
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.cutoff:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("clearing:cycle", args=[self.pk])

    @property
    def remaining_minor(self) -> int:
        return self.gross_minor - self.cleared_minor

    @property
    def clearable_minor(self) -> int:
        """The debt above the net positions: the most any set-off could remove."""
        return self.gross_minor - self.net_minor

    @property
    def share_of_gross(self) -> float | None:
        return self.cleared_minor / self.gross_minor if self.gross_minor else None

    @property
    def share_of_clearable(self) -> float | None:
        return self.cleared_minor / self.clearable_minor if self.clearable_minor else None


class CycleInvoice(models.Model):
    """An invoice that a cycle's proposal sets off: what was still to pay on it then (`open_minor`, with its
    status `status_seen`), and what the proposal sets off (`setoff_minor`). Confirmation refuses the proposal if
    one of them no longer stands as it was seen. The eligible invoices that nothing is set off on are not kept:
    a change to one of them cannot make the proposal wrong (taking an arc that carries nothing out of a network,
    or making it smaller, leaves the circulation feasible and as large as any), and a cycle may hold a million.

    One index only, (cycle, invoice): a proposal writes up to a million rows at once, and a participant's lines
    are found through its invoices (the invoice table's own indexes), then this one."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="lines", db_index=False)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="+", db_index=False)
    # The invoice's buyer and seller, as they were, for statements (not indexed: see above).
    debtor = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", db_index=False)
    creditor = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", db_index=False)
    open_minor = models.BigIntegerField()
    status_seen = models.CharField(max_length=16)
    setoff_minor = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["cycle", "invoice"], name="clearing_cycle_invoice")]

    def __str__(self) -> str:
        return f"{self.cycle} / {self.invoice_id}"

    @property
    def remaining_minor(self) -> int:
        return self.open_minor - self.setoff_minor


class CycleParticipant(models.Model):
    """A participant's statement in a cycle's proposal: what it was owed and owed others on the eligible
    invoices, before and after. What it clears on one side it clears on the other (its net position does not
    change): that is the cash it no longer needs to pay, its liquidity saved."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="statements", db_index=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    owed_before = models.BigIntegerField()
    owing_before = models.BigIntegerField()
    owed_after = models.BigIntegerField()
    owing_after = models.BigIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["cycle", "organisation"], name="clearing_cycle_participant")]

    def __str__(self) -> str:
        return f"{self.cycle} / {self.organisation_id}"

    def get_absolute_url(self) -> str:
        return reverse("clearing:statement", args=[self.cycle_id, self.organisation_id])

    @property
    def cleared(self) -> int:
        return self.owing_before - self.owing_after

    @property
    def net(self) -> int:
        return self.owed_before - self.owing_before
