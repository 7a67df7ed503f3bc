"""Benchmarks on PostgreSQL: a database filled once by bulk copy (COPY) from the benchmark's SQLite database, so
that both engines are measured on the very same rows.

The PostgreSQL database is made by the platform's migrations (schema and reference data); then every table that
the SQLite database holds rows of and that is still empty here is copied with COPY, its indexes (other than its
keys and unique constraints) dropped before and made again after (one build of each GIN index rather than a
million insertions), foreign keys left unchecked while copying (session_replication_role = replica: the rows
come from a database that checked them), sequences set past the copied ids, and the whole analysed.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from _setup import say

# Filled by the migrations of the PostgreSQL database itself (with ids of its own): never copied.
MADE_BY_MIGRATE = {"django_migrations", "django_content_type", "auth_permission", "django_site"}


def copy_from_sqlite(source: Path) -> None:
    from django.db import connection

    start = time.perf_counter()
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    ours = set(connection.introspection.table_names())
    theirs = [
        name
        for (name,) in src.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        if name in ours and name not in MADE_BY_MIGRATE
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # no foreign key checks while copying
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("SET TIME ZONE 'UTC'")  # SQLite holds Django's times in UTC, without a zone
        try:
            for table in theirs:
                cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")')
                if cursor.fetchone()[0] or not src.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")').fetchone()[0]:
                    continue  # filled by the migrations here (reference data), or empty there
                _copy_table(cursor, src, table)
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # statistics for the planner, and the visibility map for index-only scans
    say(f"copied into PostgreSQL in {time.perf_counter() - start:.0f} s")


def _copy_table(cursor, src: sqlite3.Connection, table: str) -> None:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    cursor.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = %s AND is_generated = 'NEVER' ORDER BY ordinal_position",
        [table],
    )
    pg_columns = dict(cursor.fetchall())
    sqlite_columns = [row[1] for row in src.execute(f'PRAGMA table_info("{table}")')]
    columns = [c for c in sqlite_columns if c in pg_columns]
    booleans = [i for i, c in enumerate(columns) if pg_columns[c] == "boolean"]
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
        "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
        [table],
    )
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    quoted = ", ".join(f'"{c}"' for c in columns)
    rows = 0
    with cursor.cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
        for row in src.execute(f'SELECT {quoted} FROM "{table}"'):
            if booleans:  # SQLite keeps booleans as 0 and 1
                row = list(row)
                for i in booleans:
                    if row[i] is not None:
                        row[i] = bool(row[i])
            copy.write_row(row)
            rows += 1
    for _name, definition in indexes:
        cursor.execute(definition)
    if "id" in columns:
        cursor.execute(f"SELECT pg_get_serial_sequence('\"{table}\"', 'id')")
        sequence = cursor.fetchone()[0]
        if sequence:
            cursor.execute(f'SELECT setval(%s, (SELECT COALESCE(MAX(id), 1) FROM "{table}"))', [sequence])
    say(f"  {table}: {rows:,} rows in {time.perf_counter() - started:.1f} s")
