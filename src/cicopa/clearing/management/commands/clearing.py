from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cicopa.clearing import engine, obligations_csv
from cicopa.core import formats, money


class Command(BaseCommand):
    help = _("Clear obligations between co-operatives: `cicopa clearing solve OBLIGATIONS.csv [--out RESULT.csv]`.")
    # `solve` works on files alone: no database, so no checks of models or migrations either.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        solve = actions.add_parser(
            "solve",
            help=_(
                "set off as much as possible of the obligations in a CSV file and write each one's cleared and "
                "remaining amounts beside it"
            ),
        )
        solve.add_argument(
            "path",
            type=Path,
            metavar="OBLIGATIONS.csv",
            help=_(
                "CSV file with the columns debtor, creditor, amount (whole minor units), and optionally id, currency"
            ),
        )
        solve.add_argument(
            "--out",
            type=Path,
            default=None,
            metavar="RESULT.csv",
            help=_("where to write the result (default: beside the file, -cleared added to its name)"),
        )

        run = actions.add_parser(
            "run",
            help=_(
                "run a clearing cycle on the database: open it, clear the eligible invoices between participants "
                "and confirm the set-offs (with --dry-run, only show what would be cleared)"
            ),
        )
        run.add_argument("--currency", required=True, help=_("ISO 4217 code of the invoices to clear, such as EUR"))
        run.add_argument(
            "--cutoff", required=True, metavar="YYYY-MM-DD", help=_("clear invoices issued on or before this date")
        )
        run.add_argument("--dry-run", action="store_true", help=_("compute and show the proposal, write nothing"))
        run.add_argument("--as-user", default=None, help=_("secretariat account recorded as the author"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "solve":
            self.solve(options["path"], options["out"])
        elif options["action"] == "run":
            self.run(options)

    def run(self, options: dict[str, Any]) -> None:
        """Open, propose and confirm a cycle in one transaction (with --dry-run, rolled back), with a progress bar
        on a terminal. The database must be migrated (these checks are skipped for `solve`)."""
        from cicopa.clearing import services
        from cicopa.core.commands import secretariat_account

        actor = secretariat_account(options["as_user"])
        show = sys.stderr.isatty() and options["verbosity"] > 0

        def progress(what: str, step: int) -> None:
            if show:
                bar = "#" * (step * 10) + "-" * ((3 - step) * 10)
                sys.stderr.write(f"\r[{bar}] {step}/3 {what[:60]:<60}")
                sys.stderr.flush()

        try:
            with transaction.atomic():
                cycle = services.cycle_open(actor=actor, currency=options["currency"], cutoff=options["cutoff"])
                cycle = services.cycle_propose(actor=actor, cycle=cycle, report=progress, dry_run=options["dry_run"])
                if not options["dry_run"]:
                    cycle = services.cycle_confirm(actor=actor, cycle=cycle)
                else:
                    transaction.set_rollback(True)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        finally:
            if show:
                sys.stderr.write("\n")
        self.stdout.write(
            _("%(invoices)s invoices between %(participants)s participants, in %(currency)s, issued up to %(cutoff)s.")
            % {
                "invoices": _count(cycle.invoices),
                "participants": _count(cycle.participants),
                "currency": cycle.currency,
                "cutoff": formats.format_date(cycle.cutoff),
            }
        )
        for label, amount in (
            (_("gross debt"), cycle.gross_minor),
            (_("net internal debt"), cycle.net_minor),
            (_("cleared"), cycle.cleared_minor),
            (_("remaining"), cycle.remaining_minor),
        ):
            self.stdout.write(f"  {label:<20}  {_amount(amount, cycle.currency):>20}")
        if options["dry_run"]:
            self.stdout.write(_("Dry run: nothing was written."))
        else:
            self.stdout.write(
                _("Cycle %(id)s confirmed: the invoices are set off and every participant is told.") % {"id": cycle.pk}
            )

    def solve(self, path: Path, out: Path | None) -> None:
        if not path.is_file():
            raise CommandError(_("No file at %(path)s.") % {"path": path})
        out = out or path.with_name(f"{path.stem}-cleared{path.suffix}")
        if out.resolve() == path.resolve():
            raise CommandError(_("The result would replace the file it is read from; give another --out."))
        start = time.perf_counter()
        try:
            source = obligations_csv.read(path)
        except obligations_csv.FileProblem as exc:
            raise CommandError(exc.message) from None
        except obligations_csv.RowProblems as exc:
            for message in exc.shown:
                self.stderr.write(message)
            if exc.count > len(exc.shown):
                self.stderr.write(_("and %(n)s more") % {"n": _count(exc.count - len(exc.shown))})
            raise CommandError(_("%(n)s problems found; nothing was written.") % {"n": _count(exc.count)}) from None
        read = time.perf_counter() - start
        try:
            clearing = engine.clear(source.obligations)
        except engine.GuaranteeViolated as exc:
            raise CommandError(
                _("The clearing failed its own checks; nothing was written: %(reason)s") % {"reason": exc}
            ) from None
        start = time.perf_counter()
        try:
            obligations_csv.write(source, clearing, out)
        except OSError as exc:
            raise CommandError(
                _("%(path)s could not be written: %(error)s") % {"path": out, "error": exc.strerror or exc}
            ) from None
        written = time.perf_counter() - start
        self._summary(clearing)
        self.stdout.write(
            _("Written to %(path)s (read in %(read)s s, cleared in %(clear)s s, written in %(write)s s).")
            % {
                "path": out,
                "read": formats.format_number(read, digits=2),
                "clear": formats.format_number(clearing.seconds, digits=2),
                "write": formats.format_number(written, digits=2),
            }
        )

    def _summary(self, clearing: engine.Clearing) -> None:
        summary = clearing.summary
        self.stdout.write(
            ngettext(
                "%(obligations)s obligations between %(participants)s participants, in %(currencies)s currency.",
                "%(obligations)s obligations between %(participants)s participants, in %(currencies)s currencies.",
                len(summary.currencies),
            )
            % {
                "obligations": _count(summary.obligations),
                "participants": _count(summary.participants),
                "currencies": _count(len(summary.currencies)),
            }
        )
        labels = {
            "gross": _("gross debt"),
            "net": _("net internal debt"),
            "cleared": _("cleared"),
            "remaining": _("remaining"),
        }
        width = max(len(label) for label in labels.values())
        for figures in summary.currencies:
            code = figures.currency
            indent = "  " if code else ""
            if code:
                self.stdout.write(code)
            shares = []
            if figures.share_of_gross is not None:
                shares.append(_("%(share)s of the gross debt") % {"share": _percent(figures.share_of_gross)})
            if figures.share_of_clearable is not None:
                shares.append(
                    _("%(share)s of the debt above the net positions") % {"share": _percent(figures.share_of_clearable)}
                )
            for key, amount, note in (
                ("gross", figures.gross_debt, ""),
                ("net", figures.net_internal_debt, ""),
                ("cleared", figures.cleared, "; ".join(shares)),
                ("remaining", figures.remaining, ""),
            ):
                line = f"{indent}{labels[key]:<{width}}  {_amount(amount, code):>20}"
                self.stdout.write(f"{line}  {note}" if note else line)


def _count(n: int) -> str:
    return formats.format_number(n)


def _percent(share: float) -> str:
    return formats.format_percent(share, digits=1)


def _amount(minor: int, currency: str) -> str:
    """As money where the code is a currency CLDR knows, else as the whole number of minor units."""
    if currency:
        try:
            return money.format_money(minor, currency)
        except ValueError:
            pass
    return _count(minor)
