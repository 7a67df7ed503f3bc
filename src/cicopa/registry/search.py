"""Full-text search of the directory on each engine's own index.

SQLite: an FTS5 table (`registry_organisation_fts`) kept in step with the organisation table by
triggers. PostgreSQL: a generated `tsvector` column with a GIN index. Both index the folded
`search_title` (name, acronym; weighted high) and `search_body` (description, city) columns, so a
search is case- and accent-insensitive on both engines. The schema lives in migration 0002.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

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


def match_sql(query: TextQuery) -> tuple[str, list[str]]:
    """SQL for the ids of organisations matching `query` (no ranking)."""
    if is_postgres():
        return (
            "SELECT id FROM registry_organisation WHERE search_vector @@ to_tsquery('simple', %s)",
            [query.tsquery()],
        )
    return f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [query.fts5()]
