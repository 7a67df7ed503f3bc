"""System checks: the directory's full-text index is wired up on this database."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register
from django.db import connection
from django.db.utils import DatabaseError

SQLITE_TRIGGERS = {"registry_organisation_fts_ai", "registry_organisation_fts_ad", "registry_organisation_fts_au"}


@register("database")
def search_index_check(app_configs: Any, **kwargs: Any) -> list[Error]:
    if connection.vendor != "sqlite" or "default" not in (kwargs.get("databases") or ()):
        return []
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'registry_organisation'"
            )
            present = {row[0] for row in cursor.fetchall()}
            cursor.execute("SELECT count(*) FROM django_migrations WHERE app = 'registry'")
            migrated = cursor.fetchone()[0] > 0
    except DatabaseError:
        return []  # not migrated yet
    missing = SQLITE_TRIGGERS - present
    if migrated and missing:
        return [
            Error(
                f"The directory search triggers are missing: {', '.join(sorted(missing))}.",
                hint="A migration rebuilt registry_organisation; end it like migration 0006_restore_search_triggers.",
                id="registry.E001",
            )
        ]
    return []
