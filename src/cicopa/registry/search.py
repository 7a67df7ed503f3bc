"""Full-text search of the directory on each engine's own index.

SQLite: an FTS5 table (`registry_organisation_fts`) kept in step with the organisation table by
triggers. PostgreSQL: a generated `tsvector` column with a GIN index. Both index the folded
`search_title` (name, acronym; weighted high) and `search_body` (description, city) columns, so a
search is case- and accent-insensitive on both engines. The schema lives in migration 0002.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from cicopa.core.text import words

FTS_TABLE = "registry_organisation_fts"
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

    def fts5(self) -> str:
        return " ".join(f'"{t}"*' for t in self.terms)

    def tsquery(self) -> str:
        return " & ".join(f"{t}:*" for t in self.terms)


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def with_match(qs: QuerySet[Any], query: TextQuery) -> QuerySet[Any]:
    """Organisations of `qs` that match `query` (no ranking).

    On SQLite the full-text table is joined rather than used as an `IN (...)` list: the join streams hits
    in index order and stops at a LIMIT, while an IN list first materialises every hit of a common word.
    QuerySet.extra() is the ORM's only way to join a virtual table; the query goes in as a parameter.
    """
    if is_postgres():
        return qs.extra(where=["search_vector @@ to_tsquery('simple', %s)"], params=[query.tsquery()])
    return qs.extra(  # noqa: S610 - fixed SQL; the search words are a bound parameter
        tables=[FTS_TABLE],
        where=[f"{FTS_TABLE}.rowid = registry_organisation.id", f"{FTS_TABLE} MATCH %s"],
        params=[query.fts5()],
    )
