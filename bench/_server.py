"""Shared by the benchmarks that go through HTTP: a demo database, and `cicopa serve` (gunicorn) on loopback
with production settings, as a separate process whose CPU time can be read."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from _setup import RESULTS, say

SECRET = "benchmark-only-secret-key-0123456789abcdefghijklmnop"
TICKS = os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds() -> float:
    """CPU time every process of the machine has used so far (busy, not idle or waiting for the disk)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / TICKS


def wait_for_quiet(limit: float, patience: float) -> float:
    """Wait (up to `patience` s) until the machine, our server idle, uses at most `limit` of its cores over 5 s;
    the share it used then. A shared machine's other work slows the server down as much as the load does."""
    cores = os.cpu_count() or 1
    deadline = time.monotonic() + patience
    while True:
        before = machine_cpu_seconds()
        time.sleep(5)
        share = (machine_cpu_seconds() - before) / 5 / cores
        if share <= limit or time.monotonic() > deadline:
            return share
        say(f"  (the machine is busy: {100 * share:.0f} % of its cores used by other processes; waiting)")


def cicopa_command(given: str | None = None) -> str:
    """The `cicopa` of this virtual environment, or another one's (to measure another version of the code)."""
    return given or str(Path(sys.executable).with_name("cicopa"))


def production_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CICOPA_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        CICOPA_DATA_DIR=str(data_dir),
        CICOPA_DEBUG="false",
        CICOPA_SECRET_KEY=SECRET,
        CICOPA_ALLOWED_HOSTS="127.0.0.1",
        CICOPA_SSL_REDIRECT="false",
        CICOPA_SECURE_COOKIES="false",
        CICOPA_HSTS_SECONDS="0",
    )
    env.update(extra)
    return env


def demo_database(size: int, cicopa: str) -> Path:
    """bench/results/load-SIZE/: the demo federation (users, statistics) and SIZE generated co-operatives, made
    once by `cicopa demo --no-serve --scale SIZE` (about 12 minutes for a million), then migrated to the code
    under test, analysed and checkpointed (a settled database: see docs/performance.md)."""
    data_dir = RESULTS / f"load-{size}"
    db = data_dir / "cicopa.sqlite3"
    if not db.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        say(f"building {db} (cicopa demo --scale {size:,})…")
        start = time.perf_counter()
        subprocess.run(
            [cicopa, "demo", "--no-serve", "--scale", str(size)],
            env=production_env(data_dir, CICOPA_DEBUG="true"),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        with sqlite3.connect(db) as c:
            c.execute("ANALYZE")
        say(f"built in {time.perf_counter() - start:.0f} s")
    subprocess.run([cicopa, "migrate", "-v0"], env=production_env(data_dir), check=True)
    with sqlite3.connect(db) as c:
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return data_dir


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    port: int
    log: Path
    pids: list[int] = field(default_factory=list)

    def cpu_seconds(self) -> float:
        """User and system time of gunicorn's master and its workers so far."""
        total = 0
        for pid in [self.proc.pid, *self.workers()]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of the whole line)
        return total / TICKS

    def workers(self) -> list[int]:
        try:
            return [int(p) for p in Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()]
        except FileNotFoundError:
            return []

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # gunicorn's graceful stop, master and workers
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def serve(data_dir: Path, *, workers: int, cicopa: str, **env: str) -> Server:
    port = free_port()
    log = data_dir / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [cicopa, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
            env=production_env(data_dir, **env),
            stdout=subprocess.DEVNULL,  # gunicorn's access log, one line a request
            stderr=out,
        )
    server = Server(proc, port, log)
    deadline = time.monotonic() + 300  # the first start collects and compresses the static files
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server stopped: see {log}")
        try:
            status, _body = get(port, "/healthz")
            if status == 200 and len(server.workers()) >= workers:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"the server did not answer in time: see {log}")


def get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def shell(cicopa: str, data_dir: Path, code: str) -> str:
    """Run Python in the platform's Django (`cicopa shell -c`) on that database; what it prints."""
    result = subprocess.run(
        [cicopa, "shell", "-c", code], env=production_env(data_dir), check=True, capture_output=True, text=True
    )
    return result.stdout.strip()
