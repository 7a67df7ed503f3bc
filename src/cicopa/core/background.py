"""Background work: Django's task framework (the django-tasks backport, `django.tasks` from Django 6.0) with
the guarantees the platform needs on top of its backends.

- `retried_task`: a task that fails is tried again, later and later, up to a number of attempts; the last
  failure is logged (and handed to the task's `on_failure`, and to the page that follows it, if any).
- `enqueue`: a task enqueued during a transaction is seen by a worker only if the transaction commits.
- A task is never lost with its worker: `cicopa worker` (management/commands/worker.py) says every few seconds
  that it is alive (`WorkerHeartbeat`), and every worker puts a task back in the queue when the worker that
  took it has stopped saying so for CICOPA_TASK_LEASE_SECONDS (`recover_orphaned_tasks`). django-tasks-db
  alone leaves such a task RUNNING for ever. A task may therefore run twice (a worker paused longer than the
  lease, then resumed; a worker killed after the task's work but before it was marked done): tasks are written
  to be idempotent (see core/notifications.py for e-mail).
"""

from __future__ import annotations

import datetime
import functools
import logging
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import Task
from django_tasks_db import DatabaseBackend
from typing_extensions import ParamSpec

from cicopa.core.models import WorkerHeartbeat

logger = logging.getLogger("cicopa.tasks")

P = ParamSpec("P")
T = TypeVar("T")

# A task whose workers died under it this many times is given up: it is what kills them.
MAX_CLAIMS = 5


class WorkerLost(Exception):
    """The worker running the task stopped (killed, machine lost) and the task was given up."""


def retried_task(
    *,
    attempts: int = 5,
    backoff: int = 30,
    priority: int = 0,
    queue_name: str = "default",
    on_failure: Callable[..., None] | None = None,
) -> Callable[[Callable[P, T]], Task[P, T]]:
    """`@task`, tried again when it raises: attempt n+1 runs `backoff * 2**(n-1)` seconds after attempt n
    fails (30 s, 1 min, 2 min, 4 min by default), up to `attempts` in all. Each attempt is a task of its own
    in the queue (its failure and traceback are kept there); the attempt number travels with it as the keyword
    `attempt`. After the last one, `on_failure(*args, error=exception, **kwargs)` records the failure where it
    matters (a module-level function), and a `progress_id` keyword marks the followed task failed.

    The arguments must be JSON values (ids, not model instances): the task may run in another process, later,
    and must read the database as it is then."""

    def decorate(func: Callable[P, T]) -> Task[P, T]:
        @functools.wraps(func)
        def run(*args: Any, attempt: int = 1, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except (KeyboardInterrupt, SystemExit):
                # The worker is being stopped by force in the middle of the task: someone else does it.
                # (Not where tasks run at once, in the tests: it would run again inside itself, for ever.)
                if made.get_backend().supports_defer:
                    logger.warning("Task %s interrupted; enqueued again", func.__qualname__)
                    _enqueue_again(made, args, kwargs, attempt=attempt, delay=0)
                raise
            except Exception as exc:
                _forgo_backend_retry()
                if attempt >= attempts:
                    logger.exception("Task %s failed for good after %d attempts", func.__qualname__, attempt)
                    if on_failure is not None:
                        on_failure(*args, error=exc, **kwargs)
                    if kwargs.get("progress_id"):
                        from cicopa.core import progress

                        progress.failed(kwargs["progress_id"])
                    raise
                delay = backoff * 2 ** (attempt - 1)
                logger.warning(
                    "Task %s failed (attempt %d of %d), trying again in %d s: %s",
                    func.__qualname__,
                    attempt,
                    attempts,
                    delay,
                    exc,
                )
                if kwargs.get("progress_id"):
                    from cicopa.core import progress

                    progress.retrying(kwargs["progress_id"])
                _enqueue_again(made, args, kwargs, attempt=attempt + 1, delay=delay)
                raise

        made = task(priority=priority, queue_name=queue_name)(run)
        return cast("Task[P, T]", made)

    return decorate


def _forgo_backend_retry() -> None:
    if "django_tasks_rq" in settings.INSTALLED_APPS:
        from cicopa.core.background_rq import forgo_backend_retry

        forgo_backend_retry()


def _enqueue_again(
    made: Task[Any, Any], args: tuple[Any, ...], kwargs: dict[str, Any], *, attempt: int, delay: int
) -> None:
    again = made
    if delay and made.get_backend().supports_defer:
        again = made.using(run_after=timezone.now() + datetime.timedelta(seconds=delay))
    # The immediate backend (tests) cannot wait: the next attempt runs at once, inside this one.
    again.enqueue(*args, attempt=attempt, **kwargs)


def enqueue(made: Task[P, T], *args: P.args, **kwargs: P.kwargs) -> None:
    """Enqueue `made` so that it runs only if the current transaction commits, and sees what it wrote.

    The database backend writes the task in the same transaction (it commits or vanishes with the rest); the
    immediate backend of the tests runs it at once; any other (Redis) is told after the commit."""
    backend = made.get_backend()
    if isinstance(backend, DatabaseBackend | ImmediateBackend):
        made.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(functools.partial(made.enqueue, *args, **kwargs))


def uses_database_queue() -> bool:
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends

    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)


# --- the database worker's lease ---------------------------------------------------------------------------


def lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.CICOPA_TASK_LEASE_SECONDS)


def beat(worker_id: str) -> None:
    """Say that the worker `worker_id` is alive."""
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(beat_at=now)
    if not updated:
        WorkerHeartbeat.objects.create(worker_id=worker_id, hostname=socket.gethostname(), pid=os.getpid(), beat_at=now)


def recover_orphaned_tasks(*, now: datetime.datetime | None = None) -> int:
    """Put back in the queue every task RUNNING for longer than the lease under a worker that has not said it
    is alive within the lease; give up (FAILED) one that has already been taken MAX_CLAIMS times. Returns how
    many tasks were recovered or given up. Every worker calls it at start and with each heartbeat: two at
    once do no harm (the rows are locked, and putting back a task already put back changes nothing)."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    cutoff = now - lease()
    alive = set(WorkerHeartbeat.objects.filter(beat_at__gte=cutoff).values_list("worker_id", flat=True))
    changed = 0
    with transaction.atomic():
        orphans = DBTaskResult.objects.running().filter(started_at__lt=cutoff).select_for_update(skip_locked=True)
        for row in orphans:
            if row.worker_ids and row.worker_ids[-1] in alive:
                continue  # a long task of a live worker
            if len(row.worker_ids) >= MAX_CLAIMS:
                logger.error("Task %s (%s) killed its worker %d times: given up", row.id, row.task_path, MAX_CLAIMS)
                row.set_failed(WorkerLost(f"{len(row.worker_ids)} workers stopped while running it"))
            else:
                dead = (row.worker_ids or ["?"])[-1]
                logger.warning("Task %s (%s) lost its worker %s: back in the queue", row.id, row.task_path, dead)
                row.status = "READY"
                row.save(update_fields=["status"])
            changed += 1
    WorkerHeartbeat.objects.filter(beat_at__lt=now - datetime.timedelta(days=1)).delete()
    return changed


class Heartbeat(threading.Thread):
    """Beside the worker's loop (a task may run for minutes): beat, recover other workers' orphans, and start
    the day's scheduled tasks (the apps' `daily_tasks()`, such as the notification digests at
    CICOPA_DIGEST_HOUR) once a day from their hour."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.every = max(0.2, settings.CICOPA_TASK_LEASE_SECONDS / 4)
        self.stopped = threading.Event()
        self.started_on: dict[str, datetime.date] = {}

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.every):
                try:
                    self.tick()
                except Exception:
                    # The database may be away for a while; the next beat tries again.
                    logger.exception("Worker %s: heartbeat failed", self.worker_id)
                finally:
                    close_old_connections()
        finally:
            connection.close()

    def tick(self) -> None:
        beat(self.worker_id)
        recover_orphaned_tasks()
        self.start_daily_tasks()

    @property
    def digests_started_on(self) -> datetime.date | None:
        return self.started_on.get("core.send_digests")

    def start_daily_tasks(self) -> None:
        from cicopa.core.extensions import daily_tasks

        now = timezone.localtime()
        for daily in daily_tasks():
            if daily.hour is None or now.hour < daily.hour or self.started_on.get(daily.name) == now.date():
                continue
            # Every worker does it once a day (and again when restarted): daily tasks are idempotent.
            daily.task.enqueue()
            self.started_on[daily.name] = now.date()

    def stop(self) -> None:
        self.stopped.set()


def spawn_worker(*, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """`cicopa worker` in a process of its own (for `cicopa demo`, beside the development server)."""
    # In a session of its own, so that Ctrl+C in the terminal reaches the server only: the server then stops the
    # worker with one SIGTERM, which lets it finish its task (a second signal would cut it short).
    command = [sys.executable, "-m", "cicopa.cli", "worker"]
    return subprocess.Popen(command, env={**os.environ, **(env or {})}, start_new_session=True)  # noqa: S603


def stop_worker(process: subprocess.Popen[bytes], *, grace: float = 10) -> None:
    """Ask the worker to stop (it finishes its task first), and end it if it has not within `grace` seconds:
    its task is then run again by the next worker (see recover_orphaned_tasks)."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
