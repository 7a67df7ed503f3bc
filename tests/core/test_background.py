"""Background tasks: retries with a limit, e-mails sent at most once, the tasks of dead workers taken over, and
a long task's progress followed by its owner alone."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from cicopa.core import background, notifications, progress, tasks
from cicopa.core.models import AuditEntry, OutboxEmail, TaskProgress, WorkerHeartbeat

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

CALLS: list[str] = []
FAILURES: list[tuple[str, str]] = []


def record_failure(key: str, *, failures: int, error: BaseException) -> None:
    FAILURES.append((key, str(error)))


@background.retried_task(attempts=3, backoff=10, on_failure=record_failure)
def flaky(key: str, *, failures: int) -> str:
    CALLS.append(key)
    if CALLS.count(key) <= failures:
        raise RuntimeError(f"failure {CALLS.count(key)}")
    return "done"


@background.retried_task(attempts=2, backoff=1)
def count_to(n: int, *, progress_id: str, fail: bool = False) -> None:
    with progress.Reporter(progress_id) as report:
        report.running(total=n, message="Counting")
        for i in range(1, n + 1):
            report.step(done=i)
        if fail:
            raise RuntimeError("cannot count")
        report.done(message="Counted.", url="/members/")


@background.retried_task(attempts=2, backoff=1)
def count_nothing(*, progress_id: str) -> None:
    with progress.Reporter(progress_id) as report:
        report.fail(message="Nothing to count: the list is empty.")


@pytest.fixture(autouse=True)
def _clean():
    CALLS.clear()
    FAILURES.clear()


# --- retries --------------------------------------------------------------------------------------------------


def test_a_failing_task_is_tried_again_until_it_succeeds(db):
    flaky.enqueue("a", failures=2)
    assert CALLS == ["a", "a", "a"] and FAILURES == []


def test_a_task_is_given_up_after_its_last_attempt_and_the_failure_recorded(db, caplog):
    result = flaky.enqueue("b", failures=10)
    assert CALLS == ["b", "b", "b"]  # three attempts, no more
    assert FAILURES == [("b", "failure 3")]
    assert result.status == "FAILED"
    assert "failed for good after 3 attempts" in caplog.text


@pytest.mark.django_db(transaction=True)  # the worker closes a connection left inside a transaction
def test_with_the_database_queue_the_next_attempt_waits_its_turn(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_QUEUE
    flaky.enqueue("c", failures=1)
    before = timezone.now()
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    first, second = DBTaskResult.objects.order_by("enqueued_at")
    assert first.status == "FAILED" and "failure 1" in first.traceback
    assert second.status == "READY" and second.args_kwargs["kwargs"] == {"failures": 1, "attempt": 2}
    assert before + datetime.timedelta(seconds=9) < second.run_after < before + datetime.timedelta(seconds=20)
    assert CALLS == ["c"]  # not before its time


# --- e-mail at most once ----------------------------------------------------------------------------------------


def outbox_email(dave, key="test:1"):
    return notifications.outbox_write(key=key, user=dave, to=dave.email, subject="Hello", body="Body")


def test_an_email_task_run_twice_sends_one_email(dave):
    email = outbox_email(dave)
    tasks.send_email.enqueue(email.pk)
    tasks.send_email.enqueue(email.pk)  # a retry, or a worker taken for dead that was not
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.status == "sent" and email.body == ""
    assert outbox_email(dave).pk == email.pk  # the same key again: the same e-mail, not a second one


def test_an_email_that_cannot_be_sent_is_retried_then_marked_failed(dave, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    email = outbox_email(dave)
    tasks.send_email.enqueue(email.pk)
    email.refresh_from_db()
    assert email.status == "failed" and "ConnectionRefusedError" in email.error and email.body == ""
    assert AuditEntry.objects.filter(action="core.email.fail", object_id=str(email.pk)).count() == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    tasks.send_email.enqueue(email.pk)  # a failed e-mail is not sent later by a stray task
    assert mail.outbox == []


def test_a_password_reset_is_one_email_however_often_its_task_runs(dave):
    kwargs = {"email": "dave@example.org", "request_id": "r1", "domain": "cicopa.test", "use_https": True}
    tasks.send_password_reset.enqueue(**kwargs, language="en")
    tasks.send_password_reset.enqueue(**kwargs, language="en")
    assert len(mail.outbox) == 1 and "https://cicopa.test/accounts/reset/" in mail.outbox[0].body
    assert OutboxEmail.objects.get().key == f"password-reset:r1:{dave.pk}"
    tasks.send_password_reset.enqueue(**{**kwargs, "email": "nobody@example.org"}, language="en")
    assert len(mail.outbox) == 1


def test_the_password_reset_is_in_the_account_holders_language(client, dave):
    from cicopa.core import services

    services.profile_update(actor=dave, user=dave, language="fr", email_mode="instant")
    client.post("/accounts/password-reset/", {"email": "dave@example.org"})
    assert "Bonjour dave," in mail.outbox[0].body


# --- the tasks of dead workers ------------------------------------------------------------------------------------


@pytest.fixture
def running(db, settings):
    """A task as a database worker leaves it when it is killed: RUNNING, taken by `worker` at `started`."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_QUEUE
    settings.CICOPA_TASK_LEASE_SECONDS = 60

    def make(worker, *, started_ago=120, taken_before=()):
        result = tasks.send_digests.enqueue()
        row = DBTaskResult.objects.get(id=result.id)
        row.worker_ids = list(taken_before)
        row.claim(worker)
        started = timezone.now() - datetime.timedelta(seconds=started_ago)
        DBTaskResult.objects.filter(pk=row.pk).update(started_at=started)
        return row

    return make


def status(row):
    row.refresh_from_db()
    return row.status


def test_the_task_of_a_dead_worker_is_put_back_in_the_queue(running):
    background.beat("dead")
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - datetime.timedelta(seconds=90))
    orphan = running("dead")
    never_beat = running("plain-db-worker")  # a worker that never said it was alive
    assert background.recover_orphaned_tasks() == 2
    assert status(orphan) == "READY" and status(never_beat) == "READY"
    assert background.recover_orphaned_tasks() == 0  # nothing more to do


def test_the_long_task_of_a_live_worker_is_left_alone(running):
    background.beat("alive")
    long_task = running("alive", started_ago=3600)
    recent = running("dead", started_ago=10)  # within the lease: its worker may just be starting
    assert background.recover_orphaned_tasks() == 0
    assert status(long_task) == "RUNNING" and status(recent) == "RUNNING"


def test_a_task_that_kills_every_worker_is_given_up(running):
    killer = running("dead-5", taken_before=["dead-1", "dead-2", "dead-3", "dead-4"])
    assert background.recover_orphaned_tasks() == 1
    assert status(killer) == "FAILED" and "WorkerLost" in killer.exception_class_path


def test_old_heartbeats_are_forgotten(running):
    background.beat("long-gone")
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - datetime.timedelta(days=2))
    background.beat("here")
    background.recover_orphaned_tasks()
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["here"]


def test_the_heartbeat_starts_the_days_digests_once(db, settings, dave):
    from cicopa.core import services

    settings.CICOPA_DIGEST_HOUR = 0
    services.profile_update(actor=dave, user=dave, language="", email_mode="digest")
    notifications.notify(user=dave, kind="core.test", subject="Hello", body_template="core/email/plain.txt")
    heartbeat = background.Heartbeat("w1")
    heartbeat.tick()
    heartbeat.tick()
    assert len(mail.outbox) == 1
    settings.CICOPA_DIGEST_HOUR = None  # "off": cron runs `cicopa send_digests`
    other = background.Heartbeat("w2")
    other.tick()
    assert other.digests_started_on is None


def test_the_worker_command_refuses_bad_options(db):
    with pytest.raises(CommandError, match="--interval"):
        call_command("worker", interval=-1)
    with pytest.raises(CommandError, match="--max-tasks"):
        call_command("worker", max_tasks=0)


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_runs_the_queue_then_leaves_no_heartbeat(settings, dave):
    settings.TASKS = DATABASE_QUEUE
    email = outbox_email(dave)
    tasks.send_email.enqueue(email.pk)
    assert mail.outbox == []  # queued, not sent
    call_command("worker", batch=True, stdout=io.StringIO(), verbosity=0)
    assert len(mail.outbox) == 1 and not WorkerHeartbeat.objects.exists()


# --- following a long task ----------------------------------------------------------------------------------------


def test_a_followed_task_reports_its_progress_to_its_owner(client, dave):
    followed = progress.start(owner=dave, title="Counting sheep", task=count_to, args=[40])
    followed.refresh_from_db()
    assert (followed.status, followed.done, followed.total, followed.message) == ("done", 40, 40, "Counted.")
    assert followed.result_url == "/members/" and followed.finished_at
    client.force_login(dave)
    page = client.get(f"/accounts/tasks/{followed.pk}/").content.decode()
    assert "<h1>Counting sheep</h1>" in page and "Done." in page and 'href="/members/"' in page
    assert "hx-trigger" not in page  # finished: the page stops asking
    actions = list(AuditEntry.objects.filter(object_id=str(followed.pk)).values_list("action", flat=True))
    assert sorted(actions) == ["core.task_progress.finish", "core.task_progress.start"]


def test_a_running_task_is_polled_with_htmx(client, dave):
    followed = TaskProgress.objects.create(owner=dave, title="Importing", status="running", done=25, total=100)
    client.force_login(dave)
    fragment = client.get(f"/accounts/tasks/{followed.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith('<div class="task-progress task-running"') and "<html" not in fragment
    assert f'hx-get="/accounts/tasks/{followed.pk}/" hx-trigger="every 2s"' in fragment
    assert '<progress max="100" value="25"' in fragment and "25 of 100 (25%)" in fragment


def test_a_task_that_fails_for_good_says_so(client, dave):
    followed = progress.start(owner=dave, title="Counting", task=count_to, args=[3], kwargs={"fail": True})
    followed.refresh_from_db()
    assert followed.status == "failed"
    client.force_login(dave)
    assert "It could not be done." in client.get(f"/accounts/tasks/{followed.pk}/").content.decode()


def test_a_task_that_ends_without_doing_its_work_says_why_and_is_not_tried_again(client, dave):
    followed = progress.start(owner=dave, title="Counting", task=count_nothing)
    followed.refresh_from_db()
    assert (followed.status, followed.message) == ("failed", "Nothing to count: the list is empty.")
    client.force_login(dave)
    page = client.get(f"/accounts/tasks/{followed.pk}/").content.decode()
    assert "It could not be done." in page and "Nothing to count: the list is empty." in page
    actions = list(AuditEntry.objects.filter(object_id=str(followed.pk)).values_list("action", flat=True))
    assert sorted(actions) == ["core.task_progress.fail", "core.task_progress.start"]


@pytest.mark.parametrize("who", ["alice", "bob", "charlie"])
def test_nobody_else_sees_a_followed_task(client, federation, alice, bob, charlie, dave, who):
    followed = TaskProgress.objects.create(owner=dave, title="Dave's import")
    client.force_login({"alice": alice, "bob": bob, "charlie": charlie}[who])
    assert client.get(f"/accounts/tasks/{followed.pk}/").status_code == 404


def test_anonymous_is_sent_to_log_in_to_follow_a_task(client, dave):
    followed = TaskProgress.objects.create(owner=dave, title="Dave's import")
    answer = client.get(f"/accounts/tasks/{followed.pk}/")
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")


def test_the_secretariat_sees_the_outbox_in_the_back_office(client, alice, bob, dave):
    email = outbox_email(dave)
    tasks.send_email.enqueue(email.pk)
    client.force_login(bob)
    assert client.get("/admin/core/outboxemail/").status_code == 302  # not staff: to the login
    client.force_login(alice)
    page = client.get("/admin/core/outboxemail/")
    assert page.status_code == 200 and "dave@example.org" in page.content.decode()
    assert client.get(f"/admin/core/outboxemail/{email.pk}/delete/").status_code == 403
