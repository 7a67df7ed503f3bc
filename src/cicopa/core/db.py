"""Database upkeep shared by the apps."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.utils import timezone


def refresh_statistics(tables: Iterable[str]) -> None:
    """Refresh the query planner's statistics after a bulk change, so that it keeps choosing indexes well.

    PostgreSQL's autovacuum would get there eventually; SQLite never does by itself.
    """
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'ANALYZE "{table}"')


def insert_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], *, chunk: int = 2000) -> None:
    """Insert many rows of ready database values with executemany.

    For bulk imports, where building each row through the ORM costs more than writing it. Callers pass
    values already in database form (strings, numbers, None, adapted dates); table and column names
    come from the models, never from input.
    """
    placeholders = ", ".join(["%s"] * len(columns))
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({placeholders})"
    batch: list[Sequence[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) >= chunk:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def now_value() -> Any:
    """The current time as the database stores a DateTimeField."""
    return connection.ops.adapt_datetimefield_value(timezone.now())
