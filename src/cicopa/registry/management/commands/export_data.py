from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from cicopa.core.formats import format_number
from cicopa.registry import directory_queries, representations


class Command(BaseCommand):
    help = _("Write open data: `cicopa export opendata DIR` writes every organisation as JSON-LD and Murmurations.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["opendata"])
        parser.add_argument("directory", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["directory"]
        if out.exists() and not out.is_dir():
            raise CommandError(_("%(path)s exists and is not a directory.") % {"path": out})
        (out / "jsonld").mkdir(parents=True, exist_ok=True)
        (out / "murmurations").mkdir(parents=True, exist_ok=True)
        index = []
        filters = directory_queries.DirectoryFilters(status="all")
        for org in directory_queries.export_rows_with_memberships(filters):
            (out / "jsonld" / f"{org.slug}.json").write_text(
                json.dumps(representations.jsonld(org), ensure_ascii=False, indent=1), encoding="utf-8"
            )
            (out / "murmurations" / f"{org.slug}.json").write_text(
                json.dumps(representations.murmurations(org), ensure_ascii=False, indent=1), encoding="utf-8"
            )
            index.append({"slug": org.slug, "name": org.name, "url": representations.profile_url(org)})
        (out / "index.json").write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")
        self.stdout.write(_("%(n)s organisations written to %(dir)s") % {"n": format_number(len(index)), "dir": out})
