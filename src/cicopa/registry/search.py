"""Full-text search of the directory on each engine's own index.

SQLite: an FTS5 table (`registry_organisation_fts`) kept in step with the organisation table by
triggers. PostgreSQL: generated `tsvector` columns with GIN indexes. Both index the folded
`search_title` (name, acronym) and `search_body` (description, city) columns, so a search is case- and
accent-insensitive on both engines, and `search_tags`, the organisation's filter values as terms, so
that filters intersect in the index instead of being checked row by row. Schema: migration 0008.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet

from cicopa.core import pagecache
from cicopa.core.text import words

FTS_TABLE = "registry_organisation_fts"
WRITE_TRIGGERS = ("registry_organisation_fts_ai", "registry_organisation_fts_au")
MAX_TERMS = 8


@dataclass(frozen=True)
class TextQuery:
    """A parsed search: folded words; each matches as a prefix ("joiner" finds "joinery")."""

    terms: tuple[str, ...]

    @classmethod
    def parse(cls, q: str | None) -> TextQuery:
        return cls(tuple(words(q or ""))[:MAX_TERMS])

    def __bool__(self) -> bool:
        return bool(self.terms)

    def tsquery(self) -> str:
        return " & ".join(f"{t}:*" for t in self.terms)


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


TagGroups = Sequence[Sequence[str]]  # every group must match; within a group, any tag


def fts5_query(text: TextQuery, tags: TagGroups) -> str:
    terms = " AND ".join('"' + t + '"*' for t in text.terms)
    parts = ["{search_title search_body} : (" + terms + ")"] if text else []
    parts += [f"search_tags : ({' OR '.join(group)})" for group in tags]
    return " AND ".join(parts)


def with_index(qs: QuerySet[Any], text: TextQuery, tags: TagGroups) -> QuerySet[Any]:
    """Organisations of `qs` that match the words of `text` and, from each group of `tags`, one tag.

    On SQLite the full-text table is joined rather than used as an `IN (...)` list: the join streams hits
    in index order and stops at a LIMIT, while an IN list first materialises every hit of a common word.
    QuerySet.extra() is the ORM's only way to join a virtual table; the query goes in as a parameter.
    """
    if not text and not tags:
        return qs
    if is_postgres():
        where, params = [], []
        if text:
            where.append("search_vector @@ to_tsquery('simple', %s)")
            params.append(text.tsquery())
        if tags:
            where.append("search_tags_vector @@ to_tsquery('simple', %s)")
            params.append(" & ".join("(" + " | ".join(group) + ")" for group in tags))
        return qs.extra(where=where, params=params)  # noqa: S610 - fixed SQL, bound parameters
    return qs.extra(  # noqa: S610 - fixed SQL; the query goes in as a bound parameter
        tables=[FTS_TABLE],
        where=[f"{FTS_TABLE}.rowid = registry_organisation.id", f"{FTS_TABLE} MATCH %s"],
        params=[fts5_query(text, tags)],
    )


class BulkIndex:
    """The full-text index during a bulk write: see bulk_indexing()."""

    def __init__(self, before: int | None) -> None:
        self.before = before  # the highest id before the block (SQLite); None: nothing to do (PostgreSQL)
        self.updated: set[int] = set()

    def unindex(self, ids: Sequence[int]) -> None:
        """Call before changing the search columns of existing organisations: their index entries go
        now, and come back with the new text when the block ends."""
        if self.before is None:
            return
        # Newer rows are not in the index yet, and a row out of it already must not be taken out twice.
        old = sorted({i for i in ids if i <= self.before} - self.updated)
        for part in _chunks(old):
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_title, search_body, search_tags)"
                    " SELECT 'delete', id, search_title, search_body, search_tags FROM registry_organisation"
                    f" WHERE id IN ({', '.join(['%s'] * len(part))})",
                    part,
                )
        self.updated.update(old)

    def _finish(self) -> None:
        if self.before is None:
            return
        insert = (
            f"INSERT INTO {FTS_TABLE}(rowid, search_title, search_body, search_tags)"
            " SELECT id, search_title, search_body, search_tags FROM registry_organisation WHERE "
        )
        with connection.cursor() as cursor:
            cursor.execute(insert + "id > %s", [self.before])
            for part in _chunks(sorted(self.updated)):
                cursor.execute(insert + f"id IN ({', '.join(['%s'] * len(part))})", part)


def _chunks(ids: Sequence[int], size: int = 2000) -> Iterator[Sequence[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


@contextmanager
def bulk_indexing() -> Iterator[BulkIndex]:
    """A transaction in which the full-text index is brought up to date in a few statements at the end
    instead of by a trigger run per row.

    On SQLite the insert and update triggers index one row at a time, and FTS5 fed from a trigger is about
    twenty times slower than the same rows fed in one statement, so a large import spent most of its time there
    (100,000 organisations: 24 s by trigger, 0.6 s in one statement). Here both triggers are dropped inside the
    transaction; new organisations (ids above the highest before) are indexed together when the block ends, and
    existing ones whose search columns change must be passed to `unindex()` first; then the triggers are put
    back from their own stored SQL. SQLite lets one connection write at a time and other connections read the
    last committed state, so no one ever sees the table without its triggers, and an error rolls the drop back
    with everything else. PostgreSQL's generated tsvector columns need nothing of this.
    """
    with transaction.atomic():
        pagecache.changed()  # organisations are written in bulk, past audit.record()
        if is_postgres():
            yield BulkIndex(None)
            return
        with connection.cursor() as cursor:
            triggers = []
            for name in WRITE_TRIGGERS:
                cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [name])
                triggers.append(cursor.fetchone()[0])
                cursor.execute(f"DROP TRIGGER {name}")  # a write: from here this connection holds the lock
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM registry_organisation")
            index = BulkIndex(cursor.fetchone()[0])
        yield index
        index._finish()
        with connection.cursor() as cursor:
            for sql in triggers:
                cursor.execute(sql)
