from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from cicopa.core.errors import PermissionDenied
from cicopa.core.formats import format_number
from cicopa.core.roles import is_secretariat
from cicopa.exchange import invoice_import
from cicopa.registry.models import Organisation


class Command(BaseCommand):
    help = _(
        "Import invoices of trade done off the platform from a CSV or XLSX file, one invoice per row: "
        "`cicopa import invoices PATH --seller SLUG [--dry-run]`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--seller",
            default=None,
            metavar="SLUG",
            help=_("address name of the organisation that issued the invoices (else the file's seller column)"),
        )
        parser.add_argument("--dry-run", action="store_true", help=_("check the file and write nothing"))
        parser.add_argument(
            "--as-user",
            default=None,
            help=_("account recorded as the author: one who acts for the seller, or the secretariat (default)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(_("No file at %(path)s.") % {"path": path})
        seller = None
        if options["seller"]:
            seller = Organisation.objects.filter(slug=options["seller"]).first()
            if seller is None:
                raise CommandError(_("No organisation has the address name %(slug)s.") % {"slug": options["seller"]})
        actor = self._actor(options["as_user"])
        show = sys.stderr.isatty() and options["verbosity"] > 0

        def progress(n: int) -> None:
            if show:
                sys.stderr.write(f"\r{n:>9,} rows checked")

        try:
            with path.open("rb") as stream:
                report = invoice_import.import_invoices(
                    actor=actor,
                    stream=stream,
                    filename=path.name,
                    seller=seller,
                    dry_run=options["dry_run"],
                    progress=progress,
                )
        except invoice_import.ImportFileError as exc:
            raise CommandError(exc.message) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        if show:
            sys.stderr.write("\n")
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("%(n)s problems found; nothing was imported.") % {"n": format_number(len(report.errors))}
            )
        if report.ignored_columns:
            self.stderr.write(
                _("Columns left out, not part of the format: %(columns)s")
                % {"columns": ", ".join(report.ignored_columns)}
            )
        counts = {"rows": format_number(report.rows), "buyers": format_number(report.buyers)}
        counts["totals"] = ", ".join(report.totals_text())
        if report.dry_run:
            self.stdout.write(_("%(rows)s invoices to %(buyers)s buyers would be imported (%(totals)s).") % counts)
            return
        self.stdout.write(_("%(rows)s invoices to %(buyers)s buyers were imported (%(totals)s).") % counts)
        for numbers in report.numbers:
            self.stdout.write(f"  {numbers.seller}: {numbers.text}")

    def _actor(self, username: str | None) -> Any:
        User = get_user_model()
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(_("No active account is named %(name)s.") % {"name": username})
            return user
        user = User.objects.filter(is_staff=True, is_active=True).order_by("id").first()
        if user is None or not is_secretariat(user):
            raise CommandError(_("No active secretariat account; name one with --as-user."))
        return user
