"""The bare SQL floor of a directory page: what the full-text engine alone does for the same words and filters,
every hit counted and ranked by the engine's own rank (SQLite FTS5 bm25(), PostgreSQL ts_rank()), the best 20
read with their country and sectors. Used by bench/directory_search.py and bench/through_server.py.

The filters that the platform's index answers (country, sector, ...) are in the full-text query as the platform
puts them; the status (the directory lists the active) is checked on the table, as anyone would write it: in the
FTS5 query it would make bm25() read the posting list of a term a million rows hold.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any


def directory_floor(params: dict[str, Any]) -> None:
    from django.db import connection

    from cicopa.core.fulltext import tags_tsquery
    from cicopa.registry import directory_queries
    from cicopa.registry.models import Organisation
    from cicopa.registry.search import FTS_TABLE, fts5_query

    filters = directory_queries.parse_filters(params)
    tags = directory_queries.index_tags(replace(filters, status="all"))
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            where = "search_vector @@ query AND status = 'active'"
            if tags:
                where += " AND search_tags_vector @@ to_tsquery('simple', %s)"
            args = [filters.text.tsquery(), tags_tsquery(tags)] if tags else [filters.text.tsquery()]
            source = "registry_organisation, to_tsquery('simple', %s) query"
            c.execute(f"SELECT count(*) FROM {source} WHERE {where}", args)
            c.fetchall()
            c.execute(
                f"SELECT id FROM {source} WHERE {where} ORDER BY ts_rank(search_vector, query) DESC LIMIT 20", args
            )
        else:
            source = f"{FTS_TABLE} JOIN registry_organisation o ON o.id = {FTS_TABLE}.rowid"
            where = f"{FTS_TABLE} MATCH %s AND o.status = 'active'"
            match = [fts5_query(filters.text, tags)]
            c.execute(f"SELECT count(*) FROM {source} WHERE {where}", match)
            c.fetchall()
            c.execute(
                f"SELECT {FTS_TABLE}.rowid FROM {source} WHERE {where} ORDER BY bm25({FTS_TABLE}, 10.0, 1.0) LIMIT 20",
                match,
            )
        ids = [r[0] for r in c.fetchall()]
    list(Organisation.objects.filter(id__in=ids).select_related("country").prefetch_related("sectors"))
