from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from cicopa.core.formats import format_number
from cicopa.core.tabular import ImportFileError
from cicopa.statistics import spreadsheets


class Command(BaseCommand):
    help = _(
        "Import validated statistical returns from a CSV or XLSX file (`cicopa import statistics PATH`): one row "
        "per reporter (organisation slug), year, sector and membership type (and, in an optional column, ISO 3166-2 "
        "subdivision), with the figures as columns."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--as-user", default=None, help=_("secretariat account recorded as the author"))

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(_("No file at %(path)s.") % {"path": path})
        User = get_user_model()
        staff = User.objects.filter(is_staff=True, is_active=True)
        actor = (
            staff.filter(username=options["as_user"]).first() if options["as_user"] else staff.order_by("id").first()
        )
        if actor is None:
            raise CommandError(_("No active secretariat account; create one with `cicopa createsuperuser`."))
        show = sys.stderr.isatty() and options["verbosity"] > 0

        def progress(n: int) -> None:
            if show:
                sys.stderr.write(f"\r{n:>9,} rows")

        try:
            with path.open("rb") as stream:
                report = spreadsheets.import_returns(actor=actor, stream=stream, filename=path.name, progress=progress)
        except ImportFileError as exc:
            raise CommandError(exc.message) from None
        if show:
            sys.stderr.write("\n")
        if not report.ok:
            for error in report.errors:
                self.stderr.write(error)
            raise CommandError(
                _("%(n)s problems found; nothing was imported.") % {"n": format_number(len(report.errors))}
            )
        self.stdout.write(
            _("%(rows)s rows: %(returns)s returns imported and validated.")
            % {"rows": format_number(report.rows), "returns": format_number(report.returns)}
        )
