from __future__ import annotations

import os
import signal
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from cicopa.core import background, extensions
from cicopa.registry import demo
from cicopa.registry.models import Organisation


class Command(BaseCommand):
    help = _("Migrate, load the demo federation if the registry is empty, and serve it on http://127.0.0.1:8000.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help=_("address to serve on"))
        parser.add_argument("--port", type=int, default=8000, help=_("port to serve on"))
        parser.add_argument(
            "--scale",
            type=int,
            default=None,
            metavar="N",
            help=_("generate N more demo co-operatives (for benchmarks)"),
        )
        parser.add_argument("--no-serve", action="store_true", help=_("prepare the data and stop"))
        parser.add_argument(
            "--no-worker", action="store_true", help=_("do not start a background worker beside the server")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not 1 <= options["port"] <= 65535:
            raise CommandError(_("--port must be between 1 and 65535."))
        if options["scale"] is not None and options["scale"] < 1:
            raise CommandError(_("--scale must be a positive number of co-operatives."))
        call_command("migrate", interactive=False, verbosity=0)
        if not Organisation.objects.exists():
            self.stdout.write(_("Loading the demo federation…"))
            # Each capability that has demo data loads it, in the order of INSTALLED_APPS (registry first).
            for _config, loader in extensions.contributions("load_demo"):
                with transaction.atomic():
                    loader(progress=lambda s: self.stdout.write(f"  {s}"))
        if options["scale"]:
            federations = list(Organisation.objects.filter(kind="member_organisation"))
            if not federations:
                raise CommandError(_("The registry has no member organisations to attach co-operatives to."))
            total = options["scale"]
            demo.generate_cooperatives(
                total,
                federations=federations,
                progress=lambda n: self.stdout.write(f"\r  {n:,}/{total:,}", ending=""),
            )
            self.stdout.write("")
        self.stdout.write(_("Demo logins (username / password):"))
        for username, password, what in demo.DEMO_USERS:
            self.stdout.write(f"  {username} / {password} — {what}")
        if options["no_serve"]:
            return
        url = f"http://{options['host']}:{options['port']}/"
        if not os.environ.get("CICOPA_SITE_URL"):
            settings.SITE_URL = url.rstrip("/")  # links in e-mails point at this server
        self.stdout.write(self.style.SUCCESS(_("The platform is at %(url)s (stop with Ctrl+C)") % {"url": url}))
        # E-mails and other background tasks need a worker: one runs beside the server, and stops with it.
        worker = None if options["no_worker"] else background.spawn_worker(env={"CICOPA_SITE_URL": settings.SITE_URL})
        # Stopped with SIGTERM (a service manager, a container) as with Ctrl+C: through the `finally` that stops
        # the worker, which would otherwise outlive the server.
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
        try:
            call_command("runserver", f"{options['host']}:{options['port']}", use_reloader=False)
        finally:
            if worker is not None:
                background.stop_worker(worker)
