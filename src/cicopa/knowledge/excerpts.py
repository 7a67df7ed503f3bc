"""The passage of a long text around the words a search looked for, with those words marked (no Django import).

Words are matched as the full-text index matches them: accents and case aside, each as the beginning of a word
("coop" marks "Coopérative"). The text is cut at word boundaries around the first place where the most of the
searched words come close together, so that a study of 200 pages shows the passage that answers the search.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from cicopa.core.text import fold

_WORD = re.compile(r"\w+(?:-\w+)*", re.UNICODE)
Segment = tuple[str, bool]  # (text, is a searched word)


def _words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, folded word) of every word of `text`, positions in `text` itself. A hyphenated compound is one
    word, matched by its parts and by its parts joined, as the index holds it ("cooperative" marks
    "co-operative")."""
    return [(m.start(), m.end(), fold(m.group())) for m in _WORD.finditer(text)]


def _matches(word: str, terms: Sequence[str]) -> bool:
    forms = [word.replace("-", ""), *word.split("-")] if "-" in word else [word]
    return any(form.startswith(t) for form in forms for t in terms)


def excerpt(text: str, terms: Sequence[str], width: int = 300) -> list[Segment]:
    """About `width` characters of `text` around the best match of `terms` (folded words, as
    core.fulltext.TextQuery holds them), as segments whose searched words are flagged; the beginning of the
    text where nothing matches. An ellipsis marks a cut."""
    text = " ".join(text.split())
    if not text:
        return []
    terms = [t for t in terms if t]
    found = _words(text) if terms else []
    hits = [(start, end) for start, end, word in found if _matches(word, terms)]
    if not hits:
        cut = _cut_at_word(text, 0, width)
        return [(text[:cut] + ("…" if cut < len(text) else ""), False)]
    start = _best_window(text, found, terms, width)
    end = _cut_at_word(text, start, width)
    segments: list[Segment] = [("…", False)] if start > 0 else []
    position = start
    for hit_start, hit_end in hits:
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


def _best_window(text: str, found: list[tuple[int, int, str]], terms: Sequence[str], width: int) -> int:
    """Where the excerpt starts: a little before the first match that has the most distinct searched words within
    `width` characters after it."""
    best, best_score = 0, -1
    matches = [(start, word) for start, _end, word in found if _matches(word, terms)]
    for i, (start, _word) in enumerate(matches[:200]):  # bounded: a word repeated 10,000 times
        near = {t for s, w in matches[i:] if s - start < width * 2 // 3 for t in terms if _matches(w, [t])}
        if len(near) > best_score:
            best, best_score = start, len(near)
            if best_score == len(set(terms)):
                break
    back = max(0, best - width // 4)
    if back == 0:
        return 0
    space = text.find(" ", back, best)
    return space + 1 if space != -1 else best


def _cut_at_word(text: str, start: int, width: int) -> int:
    end = start + width
    if end >= len(text):
        return len(text)
    space = text.rfind(" ", start, end)
    return space if space > start else end
