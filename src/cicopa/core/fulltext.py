"""Full-text search on each engine's own index, for any table that keeps the three folded search columns.

A table that is searched (the registry's organisations, the exchange's listings) keeps `search_title`,
`search_body` and `search_tags`: its words folded by `core.text.search_text` (case and accents gone), and its
filter values as index terms (`qq<prefix><value>`, which no word can be), so that filters intersect inside
the index instead of being checked row by row. Each engine indexes them its own way, set up by the owning
app's migration:

* SQLite: an FTS5 table `<table>_fts` over the three columns (external content, `unicode61 remove_diacritics
  2`, prefixes of two and three letters), kept in step with the table by three triggers `<table>_fts_ai`,
  `_ad` and `_au`;
* PostgreSQL: generated `tsvector` columns `search_vector` (title weighted A, body B) and
  `search_tags_vector`, each with a GIN index.

`FullTextIndex(table)` reads and bulk-writes such an index; the rest of this module is what every index
shares (the parsed query, the FTS5 and tsquery syntax).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet

from cicopa.core import pagecache
from cicopa.core.text import words

MAX_TERMS = 8

TagGroups = Sequence[Sequence[str]]  # every group must match; within a group, any tag


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


def fts5_query(text: TextQuery, tags: TagGroups, *, any_words: Sequence[str] = (), without: Sequence[str] = ()) -> str:
    """The FTS5 MATCH expression: every word of `text` as a prefix in the title or body; one of `any_words`,
    whole, in the title or body; from each group of `tags`, one; and none of `without`."""
    parts = []
    if text:
        parts.append("{search_title search_body} : (" + " AND ".join('"' + t + '"' + "*" for t in text.terms) + ")")
    if any_words:
        parts.append("{search_title search_body} : (" + " OR ".join('"' + w + '"' for w in any_words) + ")")
    parts += [f"search_tags : ({' OR '.join(group)})" for group in tags]
    query = " AND ".join(parts)
    if without:
        query = f"({query}) NOT search_tags : ({' OR '.join(without)})"
    return query


def tags_tsquery(tags: TagGroups, without: Sequence[str] = ()) -> str:
    parts = ["(" + " | ".join(group) + ")" for group in tags]
    if without:
        parts.append("!(" + " | ".join(without) + ")")
    return " & ".join(parts)


class BulkIndex:
    """The full-text index during a bulk write: see FullTextIndex.bulk_indexing()."""

    def __init__(self, index: FullTextIndex, before: int | None) -> None:
        self.index = index
        self.before = before  # the highest id before the block (SQLite); None: nothing to do (PostgreSQL)
        self.updated: set[int] = set()

    def unindex(self, ids: Sequence[int]) -> None:
        """Call before changing the search columns of existing rows: their index entries go now, and come back
        with the new text when the block ends."""
        if self.before is None:
            return
        # Newer rows are not in the index yet, and a row out of it already must not be taken out twice.
        old = sorted({i for i in ids if i <= self.before} - self.updated)
        fts, table = self.index.fts_table, self.index.table
        for part in _chunks(old):
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {fts}({fts}, rowid, search_title, search_body, search_tags)"
                    f" SELECT 'delete', id, search_title, search_body, search_tags FROM {table}"
                    f" WHERE id IN ({', '.join(['%s'] * len(part))})",
                    part,
                )
        self.updated.update(old)

    def _finish(self) -> None:
        if self.before is None:
            return
        insert = (
            f"INSERT INTO {self.index.fts_table}(rowid, search_title, search_body, search_tags)"
            f" SELECT id, search_title, search_body, search_tags FROM {self.index.table} WHERE "
        )
        with connection.cursor() as cursor:
            cursor.execute(insert + "id > %s", [self.before])
            for part in _chunks(sorted(self.updated)):
                cursor.execute(insert + f"id IN ({', '.join(['%s'] * len(part))})", part)


def _chunks(ids: Sequence[int], size: int = 2000) -> Iterator[Sequence[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


_SENTINEL = "qqzzzprepared"
_SENTINEL_WORD = "zzzprepared"


@dataclass(frozen=True)
class PreparedSearch:
    """A compiled search of FullTextIndex.prepare: run(tags, without, any_words) gives its rows."""

    sql: str
    params: list[Any]
    slots: dict[int, str]  # which parameter holds what: the FTS5 query, or PostgreSQL's tags and words

    def run(
        self,
        tags: TagGroups,
        *,
        without: Sequence[str] = (),
        any_words: Sequence[str] = (),
        limit: int | None = None,
    ) -> list[Any]:
        """The rows (at most `limit` of them, if given: the database stops there)."""
        params = list(self.params)
        for i, kind in self.slots.items():
            if kind == "fts5":
                params[i] = fts5_query(TextQuery(()), tags, any_words=any_words, without=without)
            elif kind == "tags":
                params[i] = tags_tsquery(tags, without)
            else:
                params[i] = " | ".join(any_words)
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            return cursor.fetchall() if limit is None else cursor.fetchmany(limit)


@dataclass(frozen=True)
class FullTextIndex:
    """The full-text index of `table` (see the module's docstring for what the table and its migration keep)."""

    table: str

    @property
    def fts_table(self) -> str:
        return f"{self.table}_fts"

    @property
    def triggers(self) -> tuple[str, str, str]:
        """The SQLite triggers that keep the FTS5 table in step: after insert, delete and update."""
        return (f"{self.fts_table}_ai", f"{self.fts_table}_ad", f"{self.fts_table}_au")

    @property
    def write_triggers(self) -> tuple[str, str]:
        return (f"{self.fts_table}_ai", f"{self.fts_table}_au")

    def missing_triggers(self, app_label: str) -> list[str]:
        """The SQLite triggers of the index that are missing once `app_label` has migrated: a migration that
        rebuilds the table (SQLite's way of altering a column) drops them, and the index then silently stops
        following writes. Empty on PostgreSQL (generated columns need no trigger) and before the migrations."""
        if connection.vendor != "sqlite":
            return []
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [self.table])
                present = {row[0] for row in cursor.fetchall()}
                cursor.execute("SELECT count(*) FROM django_migrations WHERE app = %s", [app_label])
                migrated = cursor.fetchone()[0] > 0
        except DatabaseError:
            return []  # not migrated yet
        return sorted(set(self.triggers) - present) if migrated else []

    def with_index(
        self,
        qs: QuerySet[Any],
        text: TextQuery,
        tags: TagGroups,
        *,
        any_words: Sequence[str] = (),
        without: Sequence[str] = (),
        newest_first: bool = False,
    ) -> QuerySet[Any]:
        """Rows of `qs` that match the words of `text` (each as a prefix), one of `any_words` (whole words), from
        each group of `tags` one tag, and none of the tags `without` (which needs something else to match).

        On SQLite the full-text table is joined rather than used as an `IN (...)` list: the join streams hits
        in index order and stops at a LIMIT, while an IN list first materialises every hit of a common word.
        QuerySet.extra() is the ORM's only way to join a virtual table; the query goes in as a parameter.
        `newest_first` orders by id, highest first, on the index's own rowid: SQLite then walks the index
        backwards and stops at the LIMIT, where an ORDER BY on the table's id would sort every hit first.
        """
        if not text and not tags and not any_words:
            return qs.order_by("-id") if newest_first else qs
        if is_postgres():
            # Qualified: a query that joins another searched table (a listing's organisation) has their columns too.
            where, params = [], []
            if text:
                where.append(f"{self.table}.search_vector @@ to_tsquery('simple', %s)")
                params.append(text.tsquery())
            if any_words:
                where.append(f"{self.table}.search_vector @@ to_tsquery('simple', %s)")
                params.append(" | ".join(any_words))
            if tags or without:
                where.append(f"{self.table}.search_tags_vector @@ to_tsquery('simple', %s)")
                params.append(tags_tsquery(tags, without))
            found = qs.extra(where=where, params=params)  # noqa: S610 - fixed SQL, bound parameters
            return found.order_by("-id") if newest_first else found
        fts = self.fts_table
        return qs.extra(  # noqa: S610 - fixed SQL; the query goes in as a bound parameter
            tables=[fts],
            where=[f"{fts}.rowid = {self.table}.id", f"{fts} MATCH %s"],
            params=[fts5_query(text, tags, any_words=any_words, without=without)],
            order_by=[f"-{fts}.rowid"] if newest_first else None,
        )

    def count(self, text: TextQuery, tags: TagGroups, *, without: Sequence[str] = (), limit: int) -> int | None:
        """How many rows match `text` and `tags` and none of `without`, counted up to `limit` in the index alone
        (SQLite: FTS5 counts a term's rows without reading the table). None on PostgreSQL, whose GIN index
        cannot count by itself: count the rows there."""
        if is_postgres():
            return None
        fts = self.fts_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT rowid FROM {fts} WHERE {fts} MATCH %s LIMIT %s)",
                [fts5_query(text, tags, without=without), limit],
            )
            return int(cursor.fetchone()[0])

    def newest(
        self,
        text: TextQuery,
        tags: TagGroups,
        *,
        without: Sequence[str] = (),
        where: tuple[str, Sequence[Any]] | None = None,
        limit: int,
    ) -> list[tuple[int, str, str]] | None:
        """(id, search_title, search_body) of the newest `limit` rows that match (and, with `where`, whose row
        meets that condition on the table aliased `t`), read by one plain statement on SQLite (the ORM's
        compiling of the same join costs as much as a search that finds a few rows); None on PostgreSQL, where
        the caller reads them through with_index()."""
        if is_postgres():
            return None
        fts, table = self.fts_table, self.table
        condition, params = (f" AND ({where[0]})", list(where[1])) if where else ("", [])
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT t.id, t.search_title, t.search_body FROM {fts} JOIN {table} t ON t.id = {fts}.rowid"
                f" WHERE {fts} MATCH %s{condition} ORDER BY {fts}.rowid DESC LIMIT %s",
                [fts5_query(text, tags, without=without), *params, limit],
            )
            return cursor.fetchall()

    def prepare(
        self, qs: QuerySet[Any], *, fields: Sequence[str], limit: int, any_words: bool = False
    ) -> PreparedSearch:
        """The first `limit` rows (`fields` of them) of `qs` in the index, newest first, compiled once for searches
        that differ only in their tags and words (see PreparedSearch): the ORM's compilation costs about a
        millisecond, as much as a small search. Rows come as the database driver gives them."""
        sentinel = TextQuery(()), [[_SENTINEL]]
        words = [_SENTINEL_WORD] if any_words else []
        joined = self.with_index(qs, *sentinel, any_words=words, newest_first=True).values_list(*fields)[:limit]
        sql, params = joined.query.sql_with_params()
        slots = {}
        for i, value in enumerate(params):
            if value == fts5_query(*sentinel, any_words=words):
                slots[i] = "fts5"
            elif value == tags_tsquery(sentinel[1]):
                slots[i] = "tags"
            elif value == _SENTINEL_WORD:
                slots[i] = "words"
        return PreparedSearch(sql, list(params), slots)

    def counts(self, qs: QuerySet[Any], queries: Sequence[tuple[TagGroups, Sequence[str]]], *, limit: int) -> list[int]:
        """How many rows of `qs` each query (tags, tags without) finds, counted up to `limit` + 1. On SQLite in the
        index alone, all in one statement (the index counts a term's rows without reading the table), and so
        over every row of the table whatever `qs` says: an upper bound."""
        if not queries:
            return []
        if is_postgres():
            return [
                self.with_index(qs.order_by(), TextQuery(()), tags, without=without).values("pk")[: limit + 1].count()
                for tags, without in queries
            ]
        fts = self.fts_table
        sql = " UNION ALL ".join(
            f"SELECT {i}, COUNT(*) FROM (SELECT rowid FROM {fts} WHERE {fts} MATCH %s LIMIT %s)"
            for i in range(len(queries))
        )
        params: list[Any] = []
        for tags, without in queries:
            params += [fts5_query(TextQuery(()), tags, without=without), limit + 1]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = dict(cursor.fetchall())
        return [found.get(i, 0) for i in range(len(queries))]

    def word_shares(self, terms: Sequence[str], *, sample: int = 100) -> dict[str, float]:
        """For each of `terms` (whole words, as indexed), about what share of the rows hold it in their title or
        body: told by the ids of its newest `sample` rows, which span the newest part of the table the more
        narrowly the commoner the word is. One statement reading at most `sample` index entries a word, where a
        count would read them all. SQLite only: {} on PostgreSQL (whose GIN index intersects lists alike)."""
        if not terms or is_postgres():
            return {}
        fts = self.fts_table
        parts = [f"SELECT '', MAX(id), 0 FROM {self.table}"]
        params: list[Any] = []
        for term in terms:
            parts.append(
                f"SELECT %s, MIN(r), COUNT(*) FROM (SELECT rowid AS r FROM {fts} WHERE {fts} MATCH %s"
                " ORDER BY rowid DESC LIMIT %s)"
            )
            params += [term, '{search_title search_body} : "' + term + '"', sample]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            rows = cursor.fetchall()
        newest = rows[0][1] or 0
        shares = {}
        for term, oldest, found in rows[1:]:
            if not found:
                shares[term] = 0.0
            elif found < sample:
                shares[term] = found / max(1, newest)
            else:
                shares[term] = found / max(1, newest - oldest + 1)
        return shares

    @contextmanager
    def bulk_indexing(self) -> Iterator[BulkIndex]:
        """A transaction in which the full-text index is brought up to date in a few statements at the end
        instead of by a trigger run per row.

        On SQLite the insert and update triggers index one row at a time, and FTS5 fed from a trigger is about
        twenty times slower than the same rows fed in one statement, so a large import spent most of its time
        there (100,000 organisations: 24 s by trigger, 0.6 s in one statement). Here both triggers are dropped
        inside the transaction; new rows (ids above the highest before) are indexed together when the block
        ends, and existing ones whose search columns change must be passed to `unindex()` first; then the
        triggers are put back from their own stored SQL. SQLite lets one connection write at a time and other
        connections read the last committed state, so no one ever sees the table without its triggers, and an
        error rolls the drop back with everything else. PostgreSQL's generated tsvector columns need nothing of
        this.
        """
        with transaction.atomic():
            pagecache.changed()  # rows are written in bulk, past audit.record()
            if is_postgres():
                yield BulkIndex(self, None)
                return
            with connection.cursor() as cursor:
                triggers = []
                for name in self.write_triggers:
                    cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [name])
                    triggers.append(cursor.fetchone()[0])
                    cursor.execute(f"DROP TRIGGER {name}")  # a write: from here this connection holds the lock
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {self.table}")
                index = BulkIndex(self, cursor.fetchone()[0])
            yield index
            index._finish()
            with connection.cursor() as cursor:
                for sql in triggers:
                    cursor.execute(sql)
