"""The passage of a long text around the words a search looked for, with those words marked (no Django import).

Words are matched as the full-text index matches them: accents and case aside, each as the beginning of a word
("coop" marks "Coopérative"), a hyphenated compound also by its parts joined ("cooperative" marks
"co-operative"). The text is cut at word boundaries around the first place where the most of the searched words
come close together, so that a study of 200 pages shows the passage that answers the search. The work is one
regular expression over the text (made once for its distinct characters), whatever its length.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from cicopa.core.text import fold

Segment = tuple[str, bool]  # (text, is a searched word)
MAX_MATCHES = 200  # read of a word that the text repeats thousands of times


def _fold_in_place(text: str) -> str:
    """`text` folded character by character, so that positions stay those of `text` ('œ' becomes 'o', not 'oe':
    a word written with it is still found by its first letters)."""
    table = {}
    for c in set(text):
        if not c.isascii() or c.isupper():
            folded = fold(c)
            table[ord(c)] = folded[0] if folded else c
    return text.translate(table)


def _pattern(terms: Sequence[str]) -> re.Pattern[str]:
    """Each term at the beginning of a word, with a hyphen allowed between its letters, to the end of the word
    (and of the compound it begins)."""
    alternatives = "|".join("-?".join(re.escape(c) for c in term) for term in terms)
    return re.compile(rf"(?<!\w)(?:{alternatives})\w*(?:-\w+)*")


def excerpt(text: str, terms: Sequence[str], width: int = 300) -> list[Segment]:
    """About `width` characters of `text` around the best match of `terms` (folded words, as
    core.fulltext.TextQuery holds them), as segments whose searched words are flagged; the beginning of the
    text where nothing matches. An ellipsis marks a cut."""
    text = " ".join(text.split())
    if not text:
        return []
    terms = [t for t in dict.fromkeys(terms) if t]
    folded = _fold_in_place(text) if terms else text
    matches = _pattern(terms).finditer(folded) if terms else iter(())
    found = [(m.start(), m.end()) for m in itertools.islice(matches, MAX_MATCHES)]
    if not found:
        cut = _cut_at_word(text, 0, width)
        return [(text[:cut] + ("…" if cut < len(text) else ""), False)]
    start = _best_window(folded, found, terms, width)
    end = _cut_at_word(text, start, width)
    segments: list[Segment] = [("…", False)] if start > 0 else []
    position = start
    for hit_start, hit_end in found:
        if hit_start < start or hit_end > end:
            continue
        if hit_start > position:
            segments.append((text[position:hit_start], False))
        segments.append((text[hit_start:hit_end], True))
        position = hit_end
    if position < end:
        segments.append((text[position:end], False))
    if end < len(text):
        segments.append(("…", False))
    return segments


def _best_window(folded: str, found: list[tuple[int, int]], terms: Sequence[str], width: int) -> int:
    """Where the excerpt starts: a little before the first match with the most distinct searched words within two
    thirds of `width` after it."""
    words = [(start, folded[start:end].replace("-", "")) for start, end in found]
    best, best_score = 0, -1
    for i, (start, _word) in enumerate(words):
        near = {t for s, w in words[i:] if s - start < width * 2 // 3 for t in terms if w.startswith(t)}
        if len(near) > best_score:
            best, best_score = start, len(near)
            if best_score == len(terms):
                break
    back = max(0, best - width // 4)
    if back == 0:
        return 0
    space = folded.find(" ", back, best)
    return space + 1 if space != -1 else best


def _cut_at_word(text: str, start: int, width: int) -> int:
    end = start + width
    if end >= len(text):
        return len(text)
    space = text.rfind(" ", start, end)
    return space if space > start else end
