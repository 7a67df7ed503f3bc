"""Full-text search of the directory on each engine's own index (the shared implementation is
`core.fulltext`).

SQLite: an FTS5 table (`registry_organisation_fts`) kept in step with the organisation table by
triggers. PostgreSQL: generated `tsvector` columns with GIN indexes. Both index the folded
`search_title` (name, acronym) and `search_body` (description, city) columns, so a search is case- and
accent-insensitive on both engines, and `search_tags`, the organisation's filter values as terms, so
that filters intersect in the index instead of being checked row by row. Schema: migration 0008.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import QuerySet

from cicopa.core.fulltext import MAX_TERMS, BulkIndex, FullTextIndex, TagGroups, TextQuery, fts5_query, is_postgres

__all__ = [
    "FTS_TABLE",
    "INDEX",
    "MAX_TERMS",
    "WRITE_TRIGGERS",
    "BulkIndex",
    "TagGroups",
    "TextQuery",
    "bulk_indexing",
    "fts5_query",
    "is_postgres",
    "with_index",
]

INDEX = FullTextIndex("registry_organisation")
FTS_TABLE = INDEX.fts_table
WRITE_TRIGGERS = INDEX.write_triggers


def with_index(qs: QuerySet[Any], text: TextQuery, tags: TagGroups) -> QuerySet[Any]:
    """Organisations of `qs` that match the words of `text` and, from each group of `tags`, one tag."""
    return INDEX.with_index(qs, text, tags)


@contextmanager
def bulk_indexing() -> Iterator[BulkIndex]:
    """A transaction in which the directory's index is brought up to date at its end (imports, the demo):
    see core.fulltext.FullTextIndex.bulk_indexing."""
    with INDEX.bulk_indexing() as index:
        yield index
