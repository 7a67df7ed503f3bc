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
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_SPACES = re.compile(r"\s+")


def _fold_in_place(text: str) -> str:
    """`text` folded character by character, so that positions stay those of `text` ('œ' becomes 'o', not 'oe':
    a word written with it is still found by its first letters). Only the characters that are not ASCII are
    looked at one by one."""
    if not text.isascii():
        table = {c: (fold(c) or c)[0] for c in set(_NON_ASCII.findall(text))}
        text = _NON_ASCII.sub(lambda m: table[m.group()], text)
    return text.lower()


def _pattern(terms: Sequence[str]) -> re.Pattern[str]:
    """Each term at the beginning of a word, with a hyphen allowed between its letters, to the end of the word
    (and of the compound it begins). Each alternative opens with its first letter, not with the look-behind that
    says no letter precedes it: the regular expression engine then skips ahead to that letter, five times faster
    over a long text."""
    alternatives = "|".join(
        re.escape(term[0]) + rf"(?<!\w{re.escape(term[0])})" + "".join("-?" + re.escape(c) for c in term[1:])
        for term in terms
    )
    return re.compile(rf"(?:{alternatives})\w*(?:-\w+)*")


def excerpt(text: str, terms: Sequence[str], width: int = 300) -> list[Segment]:
    """About `width` characters of `text` around the best match of `terms` (folded words, as
    core.fulltext.TextQuery holds them), as segments whose searched words are flagged; the beginning of the
    text where nothing matches. An ellipsis marks a cut."""
    if not text or text.isspace():
        return []
    terms = [t for t in dict.fromkeys(terms) if t]
    folded = _fold_in_place(text) if terms else text
    matches = _pattern(terms).finditer(folded) if terms else iter(())
    found = [(m.start(), m.end()) for m in itertools.islice(matches, MAX_MATCHES)]
    if not found:
        start = len(text) - len(text.lstrip())
        cut = _cut_at_word(text, start, width)
        return [(_tidy(text[start:cut]).rstrip() + ("…" if cut < len(text.rstrip()) else ""), False)]
    start = _best_window(folded, found, terms, width)
    end = _cut_at_word(text, start, width)
    segments: list[Segment] = [("…", False)] if start > len(text) - len(text.lstrip()) else []
    position = start
    for hit_start, hit_end in found:
        if hit_start < start or hit_end > end:
            continue
        if hit_start > position:
            segments.append((_tidy(text[position:hit_start]), False))
        segments.append((text[hit_start:hit_end], True))
        position = hit_end
    if position < end:
        segments.append((_tidy(text[position:end]).rstrip(), False))
    if end < len(text.rstrip()):
        segments.append(("…", False))
    return [(t, m) for t, m in segments if t]


def _tidy(part: str) -> str:
    """Runs of spaces and line breaks as one space (a PDF's text breaks its lines anywhere)."""
    return _SPACES.sub(" ", part)


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
    first = len(folded) - len(folded.lstrip())
    if back <= first:
        return first
    space = _SPACES.search(folded, back, best)
    return space.end() if space else best


def _cut_at_word(text: str, start: int, width: int) -> int:
    end = start + width
    if end >= len(text):
        return len(text)
    space = max(text.rfind(c, start, end) for c in " \n\t")
    return space if space > start else end
