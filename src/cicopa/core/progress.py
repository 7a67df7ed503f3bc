"""Following a long background task from a page: the task reports how far it has got in a `TaskProgress` row,
which its owner's page polls (core/_task_progress.html, refreshed by htmx every two seconds until it ends).

From a view:

    followed = progress.start(
        owner=request.user,
        title=_("Import of %(name)s") % {"name": upload.name},
        task=import_upload,                       # a core.background.retried_task taking `progress_id`
        kwargs={"upload": upload.name},
    )
    return redirect(followed.get_absolute_url())  # /accounts/tasks/<id>/: or include the fragment in a page

In the task:

    @retried_task(attempts=3)
    def import_upload(*, upload, progress_id):
        with progress.Reporter(progress_id) as report:   # in the owner's language from here
            report.running(total=len(rows), message=_("Checking the rows"))
            for i, row in enumerate(rows, 1):
                ...
                report.step(done=i)                # written at most twice a second, whatever the loop's pace
            report.done(message=_("%(n)s organisations imported") % ..., url=reverse("registry:directory"))
            # or, when there is nothing to do and trying again would not help:
            # report.fail(message=_("Nothing was imported: ..."))

A task that fails for good is marked failed by `retried_task`; while it waits for another attempt, its page says
it will be tried again. The owner alone sees it (anyone else gets a 404). The page sees what the task writes once
it is committed: a step reported inside one of the task's transactions shows only when that transaction ends.

A page of its own that includes the fragment (`poll_url`: its own address) can answer htmx's polling itself, for
instance with the whole page again once the task has ended (the registry's import, registry/import_views.py).
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone, translation

from cicopa.core import audit, background, queries
from cicopa.core.models import TaskProgress

# The page asks every two seconds: writing more often than this would only load the database.
MIN_INTERVAL = 0.5


@transaction.atomic
def start(
    *, owner: Any, title: str, task: Any, args: list[Any] | None = None, kwargs: dict[str, Any] | None = None
) -> TaskProgress:
    """Create the row a page follows and enqueue `task` with `progress_id=<its id>` (a string)."""
    followed = TaskProgress.objects.create(owner=owner if getattr(owner, "pk", None) else None, title=title[:200])
    audit.record(
        actor=owner, action="core.task_progress.start", obj=followed, changes={"title": [None, followed.title]}
    )
    background.enqueue(task, *(args or []), progress_id=str(followed.pk), **(kwargs or {}))
    return followed


def _update(progress_id: str, **fields: Any) -> None:
    TaskProgress.objects.filter(pk=uuid.UUID(str(progress_id))).update(updated_at=timezone.now(), **fields)


class Reporter:
    """What a task tells its page. Writes only this task's own row, and the steps at most every MIN_INTERVAL:
    a tick is not a change anyone answers for, so only the start and the end are audited. Used as a context
    manager, it writes in the owner's language (messages are stored as they are written)."""

    def __init__(self, progress_id: str) -> None:
        self.progress_id = progress_id
        self._last = 0.0
        self._language: Any = None

    def __enter__(self) -> Reporter:
        followed = TaskProgress.objects.select_related("owner").filter(pk=uuid.UUID(str(self.progress_id))).first()
        language = queries.profile_of(followed.owner).effective_language if followed and followed.owner else None
        self._language = translation.override(language)
        self._language.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._language.__exit__(*exc)

    def running(self, *, total: int | None = None, message: str = "") -> None:
        _update(self.progress_id, status=TaskProgress.Status.RUNNING, done=0, total=total, message=message[:300])

    def step(self, *, done: int, message: str | None = None, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < MIN_INTERVAL:
            return
        self._last = now
        fields: dict[str, Any] = {"done": done}
        if message is not None:
            fields["message"] = message[:300]
        _update(self.progress_id, **fields)

    def done(self, *, message: str = "", url: str = "") -> None:
        _finish(self.progress_id, status=TaskProgress.Status.DONE, message=message, url=url)

    def fail(self, *, message: str) -> None:
        """The task ended without doing its work, for a reason its owner can act on: `message` says which (a task
        that raises is tried again instead, and shown failed without a message once given up)."""
        _finish(self.progress_id, status=TaskProgress.Status.FAILED, message=message)


def _finish(progress_id: str, *, status: str, message: str, url: str = "") -> None:
    with transaction.atomic():
        followed = TaskProgress.objects.select_for_update().filter(pk=uuid.UUID(str(progress_id))).first()
        if followed is None:
            return
        followed.status = status
        followed.message = message[:300]
        followed.result_url = url[:500]
        followed.finished_at = timezone.now()
        if status == TaskProgress.Status.DONE and followed.total:
            followed.done = followed.total
        followed.save()
        verb = "finish" if status == TaskProgress.Status.DONE else "fail"
        audit.record(actor=None, action=f"core.task_progress.{verb}", obj=followed, changes={"status": [None, status]})


def retrying(progress_id: str) -> None:
    """Called by retried_task when an attempt failed and another is queued: the page says it is waiting
    (its texts for each state are translated when shown)."""
    _update(progress_id, status=TaskProgress.Status.WAITING, message="")


def failed(progress_id: str) -> None:
    """Called by retried_task after the last attempt."""
    _finish(progress_id, status=TaskProgress.Status.FAILED, message="")
