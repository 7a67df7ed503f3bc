"""Spelling suggestions for directory searches (no Django import): the closest of a handful of known words.

The words come from the search index (see queries.spelling_suggestion), a bounded sample of them for each
misspelt word; this module only judges how close they are.
"""

from __future__ import annotations

from collections.abc import Mapping

MIN_LENGTH = 3  # shorter words are prefixes of too much to guess from


def distance(a: str, b: str) -> int:
    """Edits (a letter added, removed, changed, or two neighbours swapped) that turn `a` into `b`: the optimal
    string alignment distance."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def allowed(term: str) -> int:
    """How many edits a word of this length may be off: one in a short word, two in a longer one."""
    return 1 if len(term) <= 5 else 2


def closest(term: str, words: Mapping[str, int]) -> str | None:
    """The known word closest to `term`, within allowed(term) edits, or None.

    A word counts as close when it is, or when it begins with something that is (searches match words by their
    beginning: "menuisier" is a misspelt beginning of "menuiserie"); whole words come first, then fewer edits,
    then the commoner word (`words` maps each to how often it was seen), then the alphabet.
    """
    if len(term) < MIN_LENGTH:
        return None
    limit = allowed(term)
    best: tuple[int, int, int, str] | None = None
    for word, seen in words.items():
        if word == term:
            continue
        options = []
        if abs(len(word) - len(term)) <= limit:
            options.append((distance(term, word), 0))
        if len(word) > len(term):
            options.append((distance(term, word[: len(term)]), 1))
        for edits, as_prefix in options:
            key = (edits, as_prefix, -seen, word)
            if edits <= limit and (best is None or key < best):
                best = key
    return best[3] if best else None
