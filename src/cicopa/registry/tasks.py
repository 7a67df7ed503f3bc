"""The registry's background tasks (core/background.py says how tasks are made and run)."""

from __future__ import annotations

import io
import uuid
from typing import Any

from django.utils.text import Truncator
from django.utils.translation import gettext as _

from cicopa.core import formats, progress, uploads
from cicopa.core.background import retried_task
from cicopa.core.errors import PermissionDenied
from cicopa.core.models import TaskProgress
from cicopa.registry import importing
from cicopa.registry.models import ImportRun

SHOWN_PROBLEMS = 5  # in the message of an import the checks stop (as many as its 300 characters hold)


def _forget_upload(*, token: str, error: BaseException, **kwargs: Any) -> None:
    """The import was given up: its file, which only it could use (the page asks for it again), goes."""
    uploads.take(token)


@retried_task(attempts=2, backoff=30, on_failure=_forget_upload)
def import_upload(*, token: str, name: str, fmt: str, options: dict[str, Any], rows: int, progress_id: str) -> None:
    """Import a file checked and confirmed on the import page (kept in core.uploads under `token`), as the
    person following `progress_id` did, with what they chose for it (`options`: those of import_steps); `rows`
    is the count the check found, the bar showing them checked, then written.

    Run again after its worker died, it imports once: the import is one transaction, recorded with this task's
    id (ImportRun.task), so a run cut short left nothing and the file is still there (it is taken only after the
    import committed), and a run after the import committed finds the record and says what it did."""
    followed = TaskProgress.objects.select_related("owner").filter(pk=uuid.UUID(progress_id)).first()
    if followed is None:  # its owner's account was removed meanwhile
        uploads.take(token)
        return
    with progress.Reporter(progress_id) as report:
        run = ImportRun.objects.filter(task=followed.pk).first()
        if run is None:
            data = uploads.peek(token)
            if data is None:
                report.fail(message=_("Nothing to import: upload the file again."))
                return
            report.running(total=2 * rows)
            try:
                outcome = _import(report, data, actor=followed.owner, name=name, fmt=fmt, options=options, rows=rows)
                problems = [str(error) for error in outcome.errors[:SHOWN_PROBLEMS]]
            except importing.ImportFileError as exc:
                problems = [exc.message]
            except PermissionDenied as exc:
                problems = [str(exc)]
            if problems:
                uploads.take(token)  # the session no longer holds it: nothing can use it any more
                message = f"{_('Nothing was imported: the file no longer passes the checks.')} {'; '.join(problems)}"
                report.fail(message=Truncator(message).chars(300))
                return
            run = ImportRun.objects.get(task=followed.pk)
        uploads.take(token)
        counts = {k: formats.format_number(getattr(run, k)) for k in ("created", "updated", "unchanged")}
        report.done(
            message=_("Done: %(created)s organisations created, %(updated)s updated, %(unchanged)s already up to date.")
            % counts,
            url=run.get_absolute_url(),
        )


def _import(
    report: progress.Reporter, data: bytes, *, actor: Any, name: str, fmt: str, options: dict[str, Any], rows: int
) -> importing.ImportReport:
    """The import itself, its rows checked shown as they go."""
    outcome = importing.ImportReport()
    steps = importing.import_steps(
        actor=actor, stream=io.BytesIO(data), filename=name, fmt=fmt, task=report.progress_id, **options
    )
    for step in steps:
        if isinstance(step, importing.ImportReport):
            outcome = step
        elif step.phase == "checked":
            # The rows are written in the import's transaction, where a step reported would be seen only once it
            # is all done: the bar stays at "all checked" until the result.
            n = formats.format_number(step.rows)
            report.step(done=step.rows, message=_("%(n)s rows checked") % {"n": n}, force=step.rows >= rows)
    return outcome
