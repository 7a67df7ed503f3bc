"""Relevance of directory search results: Okapi BM25 over the candidates of one query (no Django import).

The database's full-text index finds the candidates; this orders them. Ranking here rather than in SQL
keeps the cost bounded by the number of candidates (a common word matches half the directory, and
SQLite's bm25() would walk every hit again) and gives the same order on SQLite and PostgreSQL.
A word in the name or acronym counts ten times a word in the description or city.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence

TITLE_WEIGHT = 10.0
K1 = 1.2
B = 0.75


def _hits(text: str, term: str) -> int:
    """Words of `text` (space-separated, with a leading space) that start with `term`."""
    return text.count(" " + term)


def rank(candidates: Sequence[tuple[int, str, str]], terms: Sequence[str], limit: int) -> list[int]:
    """Ids of the best `limit` candidates (id, folded title, folded body: words separated by single spaces),
    best first; ties by id."""
    if not candidates or limit <= 0:
        return []
    docs = [
        (doc_id, " " + title, " " + body, title.count(" ") + 1, body.count(" ") + 1 if body else 0)
        for doc_id, title, body in candidates
    ]
    n = len(docs)
    avg_len = sum(TITLE_WEIGHT * tl + bl for _, _t, _b, tl, bl in docs) / n or 1.0
    idf = {}
    for term in terms:
        df = sum(1 for _, t, b, _tl, _bl in docs if _hits(t, term) or _hits(b, term))
        idf[term] = math.log(1 + (n - df + 0.5) / (df + 0.5))

    def score(title: str, body: str, title_len: int, body_len: int) -> float:
        length = TITLE_WEIGHT * title_len + body_len
        norm = K1 * (1 - B + B * length / avg_len)
        total = 0.0
        for term in terms:
            tf = TITLE_WEIGHT * _hits(title, term) + _hits(body, term)
            total += idf[term] * tf * (K1 + 1) / (tf + norm)
        return total

    best = heapq.nsmallest(limit, ((-score(t, b, tl, bl), doc_id) for doc_id, t, b, tl, bl in docs))
    return [doc_id for _, doc_id in best]
