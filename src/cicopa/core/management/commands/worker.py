from __future__ import annotations

import secrets
import socket
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from cicopa.core import background
from cicopa.core.models import WorkerHeartbeat


class Command(BaseCommand):
    help = _("Run the background tasks (e-mails, digests, long jobs) until stopped; run one or more beside the server.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help=_("run the tasks that are ready, then stop"))
        parser.add_argument("--interval", type=float, default=1.0, help=_("seconds between looks at an empty queue"))
        parser.add_argument("--max-tasks", type=int, default=None, help=_("stop after this many tasks"))

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 <= options["interval"] <= 3600:
            raise CommandError(_("--interval must be between 0 and 3600 seconds."))
        if options["max_tasks"] is not None and options["max_tasks"] < 1:
            raise CommandError(_("--max-tasks must be at least 1."))
        if not background.uses_database_queue():
            self._rq(options)
            return
        # Unique across machines and restarts: it names this worker in every task it takes (DBTaskResult.worker_ids)
        # and in its heartbeat.
        worker_id = f"{socket.gethostname()[:40]}-{secrets.token_hex(8)}"
        background.beat(worker_id)
        background.recover_orphaned_tasks()
        heartbeat = background.Heartbeat(worker_id)
        heartbeat.start()
        try:
            call_command(
                "db_worker",
                queue_name="default",
                interval=options["interval"],
                batch=options["batch"],
                max_tasks=options["max_tasks"],
                worker_id=worker_id,
                reload=False,
                startup_delay=False,
                verbosity=options["verbosity"],
            )
        finally:
            heartbeat.stop()
            heartbeat.join(timeout=5)
            # A clean stop finishes its task first (db_worker waits for it on SIGTERM or Ctrl+C): nothing of this
            # worker's is left running, and it no longer counts as alive.
            WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()

    def _rq(self, options: Any) -> None:
        # RQ's worker, with django-tasks-rq's job class (which runs our tasks) and its scheduler (tasks enqueued
        # to run later: the retries). RQ notices a dead worker's job itself and runs it again
        # (core/background_rq.py).
        if options["max_tasks"] is not None or options["interval"] != 1.0:
            self.stderr.write(_("--max-tasks and --interval apply to the database queue only; ignored."))
        call_command(
            "rqworker",
            *settings.RQ_QUEUES,
            job_class="django_tasks_rq.Job",
            with_scheduler=True,
            burst=options["batch"],
            verbosity=options["verbosity"],
        )
