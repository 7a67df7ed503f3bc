"""The Redis (RQ) task backend, chosen with CICOPA_TASKS_URL: django-tasks-rq's, with RQ's own retry for a task
whose worker died under it.

RQ puts such a job (its worker stopped renewing it) in its failed registry unless the job has retries left;
django-tasks-rq gives none. Each job is given some here; and so that a task which *raises* is not tried again
both by RQ and by `retried_task` (which enqueues its next attempt itself), `retried_task` takes them away from
the running job before the exception reaches RQ (`forgo_backend_retry`)."""

from __future__ import annotations

from typing import Any

import django_rq
import rq
from django_tasks_rq import RQBackend as BaseRQBackend
from rq.job import Job

# How many times RQ runs again a job whose worker died (as core.background.MAX_CLAIMS for the database).
ABANDONED_RETRIES = 4


class RQBackend(BaseRQBackend):
    def enqueue(self, task: Any, args: Any, kwargs: Any) -> Any:
        result = super().enqueue(task, args, kwargs)
        # Only this field of the job's hash: the whole job may already be in a worker's hands.
        django_rq.get_connection(task.queue_name).hset(Job.key_for(result.id), "retries_left", ABANDONED_RETRIES)
        return result


def forgo_backend_retry() -> None:
    job = rq.get_current_job()
    if job is not None:
        job.retries_left = None
