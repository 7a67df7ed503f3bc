"""Words for generated listings: a vocabulary of pronounceable made-up words drawn by Zipf's law, as words of
real descriptions are (a few very common, most rare), so that a search for a rare word finds a handful of
listings among a million and one for a common word finds many."""

from __future__ import annotations

import bisect
import itertools
import random

_ONSETS = ("b", "c", "d", "f", "g", "l", "m", "n", "p", "r", "s", "t", "v", "br", "tr", "pl", "ch", "gr")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ou")
_CODAS = ("", "", "n", "r", "s", "l", "x")
SIZE = 60_000
EXPONENT = 1.07


class Vocabulary:
    """SIZE made-up words, the same for the same seed, and draws from them by Zipf's law."""

    def __init__(self, rng: random.Random) -> None:
        syllables = [o + v + c for o in _ONSETS for v in _VOWELS for c in _CODAS]
        rng.shuffle(syllables)
        made: list[str] = []
        seen: set[str] = set()
        while len(made) < SIZE:
            word = "".join(rng.choice(syllables) for _ in range(rng.choice((2, 2, 3))))
            if len(word) > 4 and word not in seen:
                seen.add(word)
                made.append(word)
        self.words_by_rank = made
        weights = [1 / (rank**EXPONENT) for rank in range(1, SIZE + 1)]
        self.cumulative = list(itertools.accumulate(weights))
        self.rng = rng

    def words(self, n: int) -> str:
        top = self.cumulative[-1]
        return " ".join(self.words_by_rank[bisect.bisect(self.cumulative, self.rng.random() * top)] for _ in range(n))

    def rare_word(self) -> str:
        """A word that about one listing in 200,000 has."""
        return self.words_by_rank[SIZE // 3]
