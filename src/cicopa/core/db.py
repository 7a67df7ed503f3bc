"""Database upkeep shared by the apps."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection


def refresh_statistics(tables: Iterable[str]) -> None:
    """Refresh the query planner's statistics after a bulk change, so that it keeps choosing indexes well.

    PostgreSQL's autovacuum would get there eventually; SQLite never does by itself.
    """
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'ANALYZE "{table}"')
