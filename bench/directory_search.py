"""Directory search over a large generated registry, on SQLite or PostgreSQL.

For each representative query: p50/p95 through the code the page and the API use
(`directory_queries.search_directory`), against (a) the bare full-text SQL for the same page on the same database
(the floor, bench/_floors.py: the same words and filters, on SQLite FTS5 counting every hit and ordering them by
bm25(); on PostgreSQL the same tsvector query, counting every hit and ordering them by ts_rank()) and (b) a naive
`icontains` scan. Queries that match
half the directory are reported apart.

Usage: python bench/directory_search.py [--size 1000000] [--repeat 30] [--database postgres://...]
A PostgreSQL database (made with createdb) is filled once with the very rows of the SQLite one
(bench/results/directory-SIZE.sqlite3, built first if missing), by COPY: see bench/_postgres.py.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from _floors import directory_floor
from _setup import RESULTS, add_database_option, database_name, django_on, pct, say, timed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000, help="co-operatives in the directory")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--build-only", action="store_true", help="make the database, measure nothing")
    add_database_option(parser)
    args = parser.parse_args()
    sqlite_file = RESULTS / f"directory-{args.size}.sqlite3"
    django_on(sqlite_file.name, args.database)

    from django.core.management import call_command
    from django.db import connection

    from cicopa.registry import demo, directory_queries
    from cicopa.registry.models import Organisation

    postgres = connection.vendor == "postgresql"
    call_command("migrate", verbosity=0)
    have = Organisation.objects.filter(kind="cooperative").count()
    if postgres and have == 0:  # the same rows as on SQLite, copied
        if not sqlite_file.exists():
            say(f"building {sqlite_file.name} first, to copy it")
            env = {k: v for k, v in os.environ.items() if k != "CICOPA_DATABASE_URL"}
            command = [sys.executable, __file__, "--size", str(args.size), "--build-only"]
            subprocess.run(command, env=env, check=True)
        from _postgres import copy_from_sqlite

        copy_from_sqlite(sqlite_file)
        have = Organisation.objects.filter(kind="cooperative").count()
    if have == 0:
        demo.load_demo(cooperatives=0)
    if have < args.size:
        start = time.perf_counter()
        federations = list(Organisation.objects.filter(kind="member_organisation"))
        demo.generate_cooperatives(args.size - have, federations=federations, batch=20000)
        with connection.cursor() as c:
            c.execute("ANALYZE")
        say(f"generated {args.size - have:,} co-operatives in {time.perf_counter() - start:.0f} s")
    if args.build_only:
        return
    total = Organisation.objects.count()
    say(f"directory: {total:,} organisations ({database_name()})")

    # The demo's co-operatives are named in their country's language and described in English ("A joinery
    # co-operative in Lyon"), in real towns: a word of the description, a town, a word of the names.
    selective = [
        ("one word", {"q": "joinery"}),
        ("two words", {"q": "joinery lyon"}),
        ("with filters", {"q": "menuiserie", "country": "FR", "sector": "construction"}),
        ("prefix", {"q": "physiot"}),
        ("no match", {"q": "zzyzx"}),
        ("filters only", {"country": "KE", "sector": "health"}),
    ]
    common = [
        ("very common word", {"q": "cooperativa"}),
        ("short prefix", {"q": "co"}),
    ]

    def naive(q: str) -> None:
        qs = Organisation.objects.filter(name__icontains=q, status="active")
        qs.count()
        list(qs.select_related("country").prefetch_related("sectors").order_by("name")[:20])

    say("")
    say(
        f"{'query':<18} {'platform p50':>12} {'p95':>8} {'floor p50':>10} {'p95':>8} {'ratio p95':>9} "
        f"{'icontains p50':>13} {'hits':>9}"
    )
    for group, cases in (("selective queries", selective), ("very common words and short prefixes", common)):
        say(f"-- {group}")
        for label, params in cases:
            filters = directory_queries.parse_filters(params)
            hits = directory_queries.search_directory(filters).total
            ours = timed(lambda f=filters: directory_queries.search_directory(f), args.repeat)
            q = params.get("q", "")
            if q:
                floor = timed(lambda p=params: directory_floor(p), args.repeat)
                scan = timed(lambda q=q: naive(q), max(3, args.repeat // 10))
                ratio = pct(ours, 95) / pct(floor, 95)
                say(
                    f"{label:<18} {pct(ours, 50):>10.1f}ms {pct(ours, 95):>6.1f}ms {pct(floor, 50):>8.1f}ms "
                    f"{pct(floor, 95):>6.1f}ms {ratio:>8.2f}x {pct(scan, 50):>11.1f}ms {hits:>9,}"
                )
            else:
                say(
                    f"{label:<18} {pct(ours, 50):>10.1f}ms {pct(ours, 95):>6.1f}ms {'':>10} {'':>8} {'':>9} "
                    f"{'':>13} {hits:>9,}"
                )
    say("")
    say("facet counts (loaded beside the results, after them):")
    for label, params in (
        ("one word", {"q": "joinery"}),
        ("very common word", {"q": "cooperativa"}),
        ("whole directory", {}),
        # a filter in use is counted without it too (the other values stay in view): one more query each
        ("word + a country", {"q": "joinery", "country": "FR"}),
        ("country + sector", {"country": "FR", "sector": "construction"}),
    ):
        filters = directory_queries.parse_filters(params)
        t = timed(lambda f=filters: directory_queries.directory_facets(f), max(3, args.repeat // 5))
        say(f"  {label:<18} p50 {pct(t, 50):.1f} ms  p95 {pct(t, 95):.1f} ms")


if __name__ == "__main__":
    main()
