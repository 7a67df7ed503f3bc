from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from cicopa.registry import importing


class Command(BaseCommand):
    help = _(
        "Import organisations from a CSV or XLSX file: `cicopa import organisations PATH [--format cicopa|essglobal]`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--format", choices=importing.FORMATS, default="cicopa")
        parser.add_argument(
            "--scheme",
            default=None,
            help=_("name of the identifier scheme (default: the format); re-imports match on it"),
        )
        parser.add_argument("--dry-run", action="store_true", help=_("check the file and write nothing"))
        parser.add_argument("--as-user", default=None, help=_("secretariat account recorded as the author"))

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(_("No file at %(path)s.") % {"path": path})
        actor = self._actor(options["as_user"])
        show = sys.stderr.isatty() and options["verbosity"] > 0

        def progress(n: int) -> None:
            if show:
                bar = "#" * min(40, n // 1000 % 41)
                sys.stderr.write(f"\r{n:>9,} rows {bar:<40}")

        try:
            with path.open("rb") as stream:
                report = importing.import_organisations(
                    actor=actor,
                    stream=stream,
                    filename=path.name,
                    fmt=options["format"],
                    scheme=options["scheme"],
                    dry_run=options["dry_run"],
                    progress=progress,
                )
        except importing.ImportFileError as exc:
            raise CommandError(exc.message) from None
        if show:
            sys.stderr.write("\n")
        for warning in report.warnings:
            self.stderr.write(_("warning: %(warning)s") % {"warning": warning})
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(_("%(n)s problems found; nothing was imported.") % {"n": len(report.errors)})
        if report.ignored_columns:
            self.stderr.write(
                _("Columns left out, not part of the format: %(columns)s")
                % {"columns": ", ".join(report.ignored_columns)}
            )
        counts = {"rows": report.rows, "created": report.created, "updated": report.updated}
        counts["unchanged"] = report.unchanged
        if report.dry_run:
            message = _(
                "%(rows)s rows: %(created)s organisations would be created, %(updated)s would be updated, "
                "%(unchanged)s are already up to date."
            )
        else:
            message = _(
                "%(rows)s rows: %(created)s organisations were created, %(updated)s were updated, "
                "%(unchanged)s were already up to date."
            )
        self.stdout.write(message % counts)

    def _actor(self, username: str | None) -> Any:
        User = get_user_model()
        qs = User.objects.filter(is_staff=True, is_active=True)
        user = qs.filter(username=username).first() if username else qs.order_by("id").first()
        if user is None and username:
            raise CommandError(_("No active secretariat account is named %(name)s.") % {"name": username})
        if user is None:
            raise CommandError(_("No active secretariat account; create one with `cicopa createsuperuser`."))
        return user
