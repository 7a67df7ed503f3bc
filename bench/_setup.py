"""Shared set-up for benchmarks: a Django environment on a benchmark database of its own."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def django_on(db_name: str, database: str | None = None) -> None:
    """Django on `database` (a URL, as CICOPA_DATABASE_URL takes: postgres://user@host:5432/name), else on
    CICOPA_DATABASE_URL if it is set, else on the SQLite file bench/results/DB_NAME."""
    RESULTS.mkdir(exist_ok=True)
    os.environ.setdefault("CICOPA_SECRET_KEY", "benchmark-only-secret-key-0123456789abcdefghijklmnop")
    os.environ.setdefault("CICOPA_DATA_DIR", str(RESULTS))
    if database:
        os.environ["CICOPA_DATABASE_URL"] = database
    os.environ.setdefault("CICOPA_DATABASE_URL", f"sqlite:///{RESULTS / db_name}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cicopa.settings")
    import django

    django.setup()


def add_database_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database",
        help="database URL, e.g. postgres://postgres@127.0.0.1:5432/cicopa_bench (default: CICOPA_DATABASE_URL, "
        "else a SQLite file in bench/results/); a PostgreSQL database must exist (createdb) and is filled once",
    )


def database_name() -> str:
    """The engine and version of the database in use, as the figures name it."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    return f"SQLite {connection.Database.sqlite_version}"


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    """Milliseconds per call, after one warm-up call."""
    fn()
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[int(p) - 1]


def say(line: str) -> None:
    print(line, flush=True)
    sys.stdout.flush()
