from __future__ import annotations

import argparse
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from cicopa.core.extensions import import_commands


class Command(BaseCommand):
    """`cicopa import <what> ...`: hands the rest of the line to the command of the app that imports <what>
    (core.extensions: AppConfig.imports)."""

    help = _("Import a CSV or XLSX file: `cicopa import <what> PATH ...`; `cicopa import <what> --help` for more.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "what", help=_("what the file holds: %(choices)s") % {"choices": ", ".join(import_commands())}
        )
        parser.add_argument("rest", nargs=argparse.REMAINDER, help=_("the file and the options of that import"))

    def handle(self, *args: Any, what: str, rest: list[str], **options: Any) -> None:
        known = import_commands()
        if what not in known:
            raise CommandError(
                _("Nothing imports %(what)s; choose one of: %(choices)s.")
                % {"what": what, "choices": ", ".join(sorted(known))}
            )
        call_command(known[what], *rest, stdout=self.stdout._out, stderr=self.stderr._out)
