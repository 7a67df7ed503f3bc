from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cicopa.clearing import engine, obligations_csv
from cicopa.core import money


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

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "solve":
            self.solve(options["path"], options["out"])

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
                "read": money.format_decimal(read, digits=2),
                "clear": money.format_decimal(clearing.seconds, digits=2),
                "write": money.format_decimal(written, digits=2),
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
                shares.append(_("%(share)s%% of the gross debt") % {"share": _percent(figures.share_of_gross)})
            if figures.share_of_clearable is not None:
                shares.append(
                    _("%(share)s%% of the debt above the net positions")
                    % {"share": _percent(figures.share_of_clearable)}
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
    return number_format(n, force_grouping=True)


def _percent(share: float) -> str:
    return money.format_decimal(share * 100, digits=1)


def _amount(minor: int, currency: str) -> str:
    """As money where the code is a currency CLDR knows, else as the whole number of minor units."""
    if currency:
        try:
            return money.format_money(minor, currency)
        except ValueError:
            pass
    return _count(minor)
