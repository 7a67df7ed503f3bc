"""What a user waits for: `GET /api/v1/organisations?q=joinery` and the directory page `/?q=joinery` through the
real server (`cicopa serve --workers 1`, production settings, HTTP on loopback, one request at a time, a new
connection each as gunicorn's sync worker closes them), beside the bare SQL floor of the same search on the
same database in this process (the FTS5 count, the best 20 by bm25, their rows: as bench/directory_search.py)
and the platform's own search in this process (`directory_queries.search_directory`).

The server runs in three ways: as deployed (the page cache on: a search asked again is answered from it);
the page cache off (every request searches: what the first reader after a write waits for); and the page cache
off with a database connection opened per request (CICOPA_DB_CONN_MAX_AGE=0, as SQLite had before).

Usage: python bench/through_server.py [--size 1000000] [--repeat 30] [--q WORDS] [--cicopa PATH --label TEXT]
       python bench/through_server.py --side-by-side PATH [--repeat 30] [--q WORDS] [--quiet PERCENT]
(--cicopa: another installation's `cicopa`, to measure another version of the code; it is run as deployed only)

--side-by-side PATH: for a machine shared with other work, whose load moves every figure from one minute to
the next. The page cache off, this code's server and another installation's (PATH, its `cicopa`) run together
on the database, and each round asks the floor once, then each server for the API and the page once, in turn:
the figures of one line and their floor come from the same moments, and compare with each other.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from _floors import directory_floor
from _server import cicopa_command, demo_database, get, serve, wait_for_quiet
from _setup import django_on, pct, say, timed


def urls(q: str) -> tuple[tuple[str, str], ...]:
    query = urllib.parse.urlencode({"q": q})
    return (("API", f"/api/v1/organisations?{query}"), ("page", f"/?{query}"), ("healthz", "/healthz"))


WAYS = (
    ("as deployed (page cache on)", {}),
    ("page cache off", {"CICOPA_PAGE_CACHE_SECONDS": "0"}),
    ("page cache off, a connection per request", {"CICOPA_PAGE_CACHE_SECONDS": "0", "CICOPA_DB_CONN_MAX_AGE": "0"}),
)


def through(port: int, path: str, repeat: int) -> list[float]:
    def one() -> None:
        status, _body = get(port, path)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")

    return timed(one, repeat)


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stopped: stop the server too (the finally blocks)
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--cicopa", help="the cicopa command to serve with (another version of the code)")
    parser.add_argument("--label", default="")
    parser.add_argument("--q", default="joinery", help="the words searched for (default: joinery)")
    parser.add_argument("--quiet", type=float, help="wait until other processes use at most this %% of the cores")
    parser.add_argument("--side-by-side", metavar="CICOPA", help="another installation's cicopa, measured in turn")
    args = parser.parse_args()
    data_dir = demo_database(args.size, cicopa_command())
    os.environ["CICOPA_DATA_DIR"] = str(data_dir)
    os.environ["CICOPA_DATABASE_URL"] = f"sqlite:///{data_dir / 'cicopa.sqlite3'}"
    django_on("unused")

    from django.db import connection

    from cicopa.registry import directory_queries
    from cicopa.registry.models import Organisation

    def floor_sql(q: str) -> None:
        directory_floor({"q": q})

    if args.side_by_side:
        side_by_side(data_dir, args, lambda: floor_sql(args.q), Organisation.objects.count())
        return
    if args.quiet is not None:
        wait_for_quiet(args.quiet / 100, 900)
    floor = timed(lambda: floor_sql(args.q), args.repeat)
    filters = directory_queries.parse_filters({"q": args.q})
    platform = timed(lambda: directory_queries.search_directory(filters), args.repeat)
    connection.close()  # the servers' workers have the database to themselves
    say(f"through the server {args.label}: {Organisation.objects.count():,} organisations, {args.repeat} requests each")
    say(f"  bare SQL floor, in process:        p50 {pct(floor, 50):6.1f} ms  p95 {pct(floor, 95):6.1f} ms")
    say(f"  search_directory, in process:      p50 {pct(platform, 50):6.1f} ms  p95 {pct(platform, 95):6.1f} ms")
    ways = WAYS[:1] if args.cicopa else WAYS
    for label, env in ways:
        server = serve(data_dir, workers=1, cicopa=cicopa_command(args.cicopa), **env)
        try:
            if args.quiet is not None:
                wait_for_quiet(args.quiet / 100, 900)
            say(f"  {label}:")
            for name, path in urls(args.q):
                t = through(server.port, path, args.repeat)
                ratio = "" if name == "healthz" else f"  {pct(t, 95) / pct(floor, 95):5.2f}x the floor (p95)"
                say(f"    {name:<8} {path:<34} p50 {pct(t, 50):6.1f} ms  p95 {pct(t, 95):6.1f} ms{ratio}")
        finally:
            server.stop()
        time.sleep(1)


def side_by_side(data_dir: Path, args: argparse.Namespace, floor: Callable[[], None], size: int) -> None:
    """This code's server and another's, the page cache off, asked in turn with the floor (see the docstring)."""
    from django.db import connection

    connection.close()
    servers = {}
    try:
        for label, command in (("this code", cicopa_command()), ("the other", args.side_by_side)):
            servers[label] = serve(data_dir, workers=1, cicopa=command, CICOPA_PAGE_CACHE_SECONDS="0")
        paths = [(name, path) for name, path in urls(args.q) if name != "healthz"]
        if args.quiet is not None:
            share = wait_for_quiet(args.quiet / 100, 3600)
            say(f"  (other processes used {100 * share:.0f} % of the cores just before)")
        times: dict[str, list[float]] = {"floor": []}
        for n in range(args.repeat + 1):  # the first round warms up
            for key, ask in [
                ("floor", floor),
                *[
                    (f"{label} {name}", lambda port=server.port, path=path: get(port, path))
                    for label, server in servers.items()
                    for name, path in paths
                ],
            ]:
                start = time.perf_counter()
                answer = ask()
                elapsed = (time.perf_counter() - start) * 1000
                if answer is not None and answer[0] != 200:
                    raise RuntimeError(f"{key} answered {answer[0]}")
                if n:
                    times.setdefault(key, []).append(elapsed)
    finally:
        for server in servers.values():
            server.stop()
    say(f"side by side, the page cache off, in turn: {size:,} organisations, {args.repeat} rounds ({args.label})")
    base = pct(times["floor"], 95)
    for key, t in times.items():
        ratio = "" if key == "floor" else f"  {pct(t, 95) / base:5.2f}x the floor (p95)"
        say(f"  {key:<16} p50 {pct(t, 50):6.1f} ms  p95 {pct(t, 95):6.1f} ms{ratio}")


if __name__ == "__main__":
    main()
