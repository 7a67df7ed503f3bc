"""The database worker as it runs in production: `cicopa worker` processes on a real database (a SQLite file,
or the PostgreSQL test database), one of them killed (SIGKILL) in the middle of sending an e-mail. Another
worker takes the task over once the lease has passed, and the e-mail goes out exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

TESTS = Path(__file__).resolve().parents[1]
LEASE = 2  # seconds: a dead worker's task is taken over this long after its last heartbeat


def wait_for(condition, *, timeout=60.0, what="", process=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the worker stopped (exit {process.returncode}) before {what}")
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def world(tmp_path):
    """Environment for processes that share the database and a folder of sent e-mails."""
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cicopa.settings",
        "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
        "CICOPA_DATA_DIR": str(tmp_path / "var"),
        "CICOPA_EMAIL_BACKEND": "mail_backends.PausingFileBackend",
        "CICOPA_TEST_MAIL_DIR": str(mail_dir),
        "CICOPA_TEST_PAUSE_FILE": str(tmp_path / "pause"),
        "CICOPA_TASK_LEASE_SECONDS": str(LEASE),
        "CICOPA_DIGEST_HOUR": "off",
        "CICOPA_LOG_LEVEL": "WARNING",
    }
    env.pop("CICOPA_TASKS_URL", None)
    if connection.vendor == "postgresql":
        # The test database itself: the tests using it are transactional (it is emptied after each), so that
        # the workers see what is written; the reference data an earlier such test emptied is put back.
        from reference import restore_reference_data

        restore_reference_data()
        db = connection.settings_dict
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        env["CICOPA_DATABASE_URL"] = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    else:
        # The tests' SQLite database lives in this process's memory: the workers get a file of their own.
        env["CICOPA_DATABASE_URL"] = f"sqlite:///{tmp_path / 'worker.sqlite3'}"
        subprocess.run([sys.executable, "-m", "cicopa.cli", "migrate", "-v0"], env=env, check=True, timeout=300)
    return {"env": env, "tmp": tmp_path, "mail": mail_dir, "pause": tmp_path / "pause"}


def scenario(world, *args):
    out = subprocess.run(
        [sys.executable, str(TESTS / "core" / "worker_scenario.py"), *args],
        env=world["env"],
        timeout=120,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def start_worker(world, name):
    log = open(world["tmp"] / f"{name}.log", "w")  # noqa: SIM115  (closed with the process, below)
    process = subprocess.Popen(
        [sys.executable, "-m", "cicopa.cli", "worker", "--interval", "0.1"],
        env=world["env"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    process.log = log  # type: ignore[attr-defined]
    return process


def stop(process, sig=signal.SIGTERM):
    if process.poll() is None:
        process.send_signal(sig)
        process.wait(timeout=30)
    process.log.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("what", ["notify", "invoice"])
def test_a_task_killed_mid_send_is_taken_over_and_sends_exactly_one_email(world, what):
    email = scenario(world, what)["email"]
    world["pause"].write_text("")  # the first worker will stop in the middle of the send
    first = start_worker(world, "first")
    try:
        reached = world["tmp"] / "pause.reached"
        wait_for(reached.exists, what="the first worker to start sending", process=first)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        stop(first)
    assert scenario(world, "state", str(email)) == {"email": "pending", "tasks": [{"status": "RUNNING", "workers": 1}]}

    world["pause"].unlink()
    second = start_worker(world, "second")
    try:
        done = wait_for(
            lambda: (s := scenario(world, "state", str(email)))["email"] == "sent" and s,
            what="the second worker to send the e-mail",
            process=second,
        )
        # Let the second worker finish marking its task: then nothing is left to run.
        done = wait_for(
            lambda: (s := scenario(world, "state", str(email)))["tasks"][0]["status"] == "SUCCESSFUL" and s,
            what="the task to be marked done",
            process=second,
        )
    finally:
        stop(second)
    # One task, taken by two workers, done once; one e-mail in all.
    assert done == {"email": "sent", "tasks": [{"status": "SUCCESSFUL", "workers": 2}]}
    sent = [path.read_text() for path in world["mail"].iterdir()]
    assert len(sent) == 1 and sent[0].count("To: dora@example.org") == 1
    log = (world["tmp"] / "second.log").read_text()
    assert "lost its worker" in log  # what the second worker did, in its log


REDIS_URL = os.environ.get("CICOPA_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def redis_is_up():
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        return False


@pytest.mark.django_db(transaction=True)
def test_with_redis_the_rq_worker_runs_the_queue(world):
    if not redis_is_up():
        if os.environ.get("CICOPA_REQUIRE_REDIS"):
            pytest.fail(f"Redis is required for this test but does not answer at {REDIS_URL}")
        pytest.skip(f"no Redis at {REDIS_URL}")
    world["env"]["CICOPA_TASKS_URL"] = REDIS_URL
    email = scenario(world, "notify")["email"]  # enqueued in Redis once its transaction commits
    assert scenario(world, "state", str(email))["email"] == "pending"
    out = subprocess.run(
        [sys.executable, "-m", "cicopa.cli", "worker", "--batch"],
        env=world["env"],
        timeout=120,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert scenario(world, "state", str(email))["email"] == "sent"
    assert len(list(world["mail"].iterdir())) == 1


@pytest.mark.parametrize(
    ("url", "backend"),
    [("", "django_tasks_db.DatabaseBackend"), ("redis://127.0.0.1:6379/3", "cicopa.core.background_rq.RQBackend")],
)
def test_one_variable_chooses_the_queue(url, backend):
    code = "import cicopa.settings as s; print(s.TASKS['default']['BACKEND'], 'django_rq' in s.INSTALLED_APPS)"
    env = {**os.environ, "CICOPA_TASKS_URL": url}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == [backend, str(bool(url))]


def test_a_tasks_url_that_is_not_redis_is_refused():
    env = {**os.environ, "CICOPA_TASKS_URL": "amqp://127.0.0.1/"}
    out = subprocess.run([sys.executable, "-c", "import cicopa.settings"], env=env, capture_output=True, text=True)
    assert out.returncode != 0 and "CICOPA_TASKS_URL must be a redis:// address" in out.stderr
