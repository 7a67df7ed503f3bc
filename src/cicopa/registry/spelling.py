"""Spelling suggestions for directory searches (no Django import): the closest of a handful of known words.

The words come from the search index (see directory_queries.spelling_suggestion), a bounded sample of them for each
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


def nearest(term: str, words: Mapping[str, int], most: int = 3) -> list[str]:
    """The known words closest to `term`, within allowed(term) edits, best first (at most `most`, all as close).

    A word counts as close when it is, or when it begins with something that is (searches match words by their
    beginning: "menuisier" is a misspelt beginning of "menuiserie"); whole words come before beginnings, then
    the commoner word in `words` (each word and how often it was seen), then the alphabet. Only the words as
    close as the closest are given: which of them is meant is for the caller to judge (by how common each is).
    """
    if len(term) < MIN_LENGTH:
        return []
    limit = allowed(term)
    found: dict[str, tuple[int, int]] = {}
    for word in words:
        if word == term:
            continue
        options = []
        if abs(len(word) - len(term)) <= limit:
            options.append((distance(term, word), 0))
        if len(word) > len(term):
            options.append((distance(term, word[: len(term)]), 1))
        best = min(options, default=(limit + 1, 1))
        if best[0] <= limit:
            found[word] = best
    if not found:
        return []
    closest_key = min(found.values())
    ties = [w for w, key in found.items() if key == closest_key]
    return sorted(ties, key=lambda w: (-words[w], w))[:most]


def closest(term: str, words: Mapping[str, int]) -> str | None:
    """The nearest known word to `term`, or None (see nearest)."""
    found = nearest(term, words)
    return found[0] if found else None
