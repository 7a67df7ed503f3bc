"""Shared set-up for benchmarks: a Django environment on a benchmark database of its own."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def django_on(db_name: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    os.environ.setdefault("CICOPA_SECRET_KEY", "benchmark-only-secret-key-0123456789abcdefghijklmnop")
    os.environ.setdefault("CICOPA_DATA_DIR", str(RESULTS))
    os.environ.setdefault("CICOPA_DATABASE_URL", f"sqlite:///{RESULTS / db_name}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cicopa.settings")
    import django

    django.setup()


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
