from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.utils.translation import gettext as _
from gunicorn.app.wsgiapp import run


class Command(BaseCommand):
    help = _("Serve the platform in production with gunicorn (static files are served by the app).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)

    def handle(self, *args: Any, **options: Any) -> None:
        if not 1 <= options["port"] <= 65535:
            raise CommandError(_("--port must be between 1 and 65535."))
        if options["workers"] < 1:
            raise CommandError(_("--workers must be at least 1."))
        call_command("collectstatic", interactive=False, verbosity=0)

        sys.argv = [
            "gunicorn",
            "--bind",
            f"{options['host']}:{options['port']}",
            "--workers",
            str(options["workers"]),
            "--access-logfile",
            "-",
            # The check of a large file on the secretariat's import page runs in its request (the import itself
            # runs in the background), as do large exports.
            "--timeout",
            "600",
            "cicopa.wsgi:application",
        ]
        # Database connections are kept between requests (CONN_MAX_AGE): none may be open in this process when
        # gunicorn forks its workers from it, or they would share it (SQLite's own rule: never carry a
        # connection across a fork). Each worker opens its own at its first request.
        connections.close_all()
        run()
