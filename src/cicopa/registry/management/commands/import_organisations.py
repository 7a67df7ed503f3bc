from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from cicopa.core.commands import secretariat_account
from cicopa.core.formats import format_number
from cicopa.registry import importing
from cicopa.registry.models import ImportMapping, OrganisationKind


class Command(BaseCommand):
    help = _(
        "Import organisations from a CSV or XLSX file: "
        "`cicopa import organisations PATH [--format cicopa|essglobal|columns]`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--format", choices=importing.FORMATS, default="cicopa")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="SOURCE=FIELD",
            help=_(
                "columns format: read the file's column SOURCE as FIELD, a column of the cicopa format "
                "(nothing after = leaves it out); repeatable"
            ),
        )
        parser.add_argument(
            "--kind",
            choices=OrganisationKind.values,
            default=None,
            help=_("columns format: the kind of rows without one (default: the saved mapping's, else cooperative)"),
        )
        parser.add_argument("--mapping", default=None, metavar="NAME", help=_("columns format: a saved mapping"))
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
        actor = secretariat_account(options["as_user"])
        mapping, kind = self._mapping(options)
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
                    mapping=mapping,
                    kind=kind,
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
            raise CommandError(
                _("%(n)s problems found; nothing was imported.") % {"n": format_number(len(report.errors))}
            )
        if report.mapping:
            read = ", ".join(f"{source} → {field}" for source, field in report.mapping.items() if field)
            self.stderr.write(_("Columns read: %(columns)s") % {"columns": read})
        if report.ignored_columns:
            self.stderr.write(
                _("Columns left out, not part of the format: %(columns)s")
                % {"columns": ", ".join(report.ignored_columns)}
            )
        counts = {k: format_number(getattr(report, k)) for k in ("rows", "created", "updated", "unchanged")}
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

    def _mapping(self, options: dict[str, Any]) -> tuple[dict[str, str] | None, str]:
        """The columns format's mapping: a saved one, then each --map over it; and the kind of rows without one."""
        if options["format"] != "columns":
            if options["map"] or options["mapping"]:
                raise CommandError(_("--map and --mapping are for --format columns."))
            return None, OrganisationKind.COOPERATIVE
        mapping: dict[str, str] = {}
        kind = options["kind"] or OrganisationKind.COOPERATIVE
        if options["mapping"]:
            saved = ImportMapping.objects.filter(name=options["mapping"]).first()
            if saved is None:
                names = ", ".join(ImportMapping.objects.values_list("name", flat=True)) or "—"
                raise CommandError(
                    _("No column mapping is named %(name)s; saved mappings: %(names)s")
                    % {"name": options["mapping"], "names": names}
                )
            mapping.update(saved.columns)
            kind = options["kind"] or saved.kind
        for pair in options["map"]:
            source, equals, field = pair.rpartition("=")
            if not equals or not source.strip():
                raise CommandError(_("--map takes SOURCE=FIELD, such as --map Nom=name, not %(pair)s") % {"pair": pair})
            mapping[source.strip()] = field.strip()
        return mapping, kind
