"""An excerpt of a long text around the words searched for, with those words marked: what a search result or
a study's page shows of a document. Pure (no Django). The words match as the library's search matches them:
case and accents aside (core.text.fold), as the beginnings of words ("coop" marks "Coopératives")."""

from __future__ import annotations

import re
from collections.abc import Iterable

from cicopa.core.text import fold

# A word, or a compound of words joined by hyphens ("co-operatives"), marked whole.
_WORD = re.compile(r"\w+(?:-\w+)*", re.UNICODE)
ELLIPSIS = "…"


def _terms(terms: str | Iterable[str]) -> tuple[str, ...]:
    """The folded words searched for; a compound searched for is its words joined ("co-operative" ->
    "cooperative"), as the search indexes it."""
    if isinstance(terms, str):
        terms = [terms]
    found = {m.replace("-", "") for term in terms for m in _WORD.findall(fold(term or ""))} - {""}
    return tuple(sorted(found, key=len, reverse=True))


def _forms(word: str) -> list[str]:
    """The forms of a word (folded) that a term may begin: a compound's words, and the compound joined."""
    folded = fold(word)
    if "-" not in folded:
        return [folded]
    return [folded.replace("-", ""), *folded.split("-")]


def _matches(text: str, terms: tuple[str, ...], start: int = 0, end: int | None = None) -> Iterable[re.Match[str]]:
    for m in _WORD.finditer(text, start, len(text) if end is None else end):
        if any(form.startswith(terms) for form in _forms(m.group())):
            yield m


def _back_to_word(text: str, pos: int) -> int:
    """`pos` moved back to the start of the word it is in (or forward past a space)."""
    if pos <= 0:
        return 0
    space = max(text.rfind(" ", 0, pos), text.rfind("\n", 0, pos))
    return space + 1 if space >= 0 and pos - space < 40 else pos


def _on_to_word(text: str, pos: int) -> int:
    if pos >= len(text):
        return len(text)
    ends = [i for i in (text.find(" ", pos), text.find("\n", pos)) if i >= 0]
    end = min(ends) if ends else len(text)
    return end if end - pos < 40 else pos


def excerpt(text: str, terms: str | Iterable[str], width: int = 300) -> list[tuple[str, bool]]:
    """About `width` characters of `text` around the first word that begins with one of `terms` (a third
    before it, the rest after), as (segment, is_match) pairs in order, every matching word in the window marked;
    an ellipsis where the text is cut. No term found (or none given): the start of the text, nothing marked.
    Lines are joined by spaces."""
    if not text:
        return []
    wanted = _terms(terms)
    first = None
    if wanted:
        folded = fold(text).replace("-", "")
        if any(t in folded for t in wanted):  # a quick no: most texts of a search page do contain the words
            first = next(iter(_matches(text, wanted)), None)
    start = 0 if first is None else _back_to_word(text, max(0, first.start() - width // 3))
    end = _on_to_word(text, start + width)
    segments: list[tuple[str, bool]] = []
    at = start
    if first is not None:
        for m in _matches(text, wanted, start, end):
            if m.start() > at:
                segments.append((text[at : m.start()], False))
            segments.append((m.group(), True))
            at = m.end()
    if at < end:
        segments.append((text[at:end], False))
    segments = [(" ".join(s.split("\n")) if not match else s, match) for s, match in segments]
    if start > 0:
        segments.insert(0, (ELLIPSIS + " ", False))
    if end < len(text):
        segments.append((" " + ELLIPSIS, False))
    return _merged(segments)


def _merged(segments: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    for segment, match in segments:
        if out and not match and not out[-1][1]:
            out[-1] = (out[-1][0] + segment, False)
        elif segment:
            out.append((segment, match))
    if out and not out[0][1]:
        out[0] = (out[0][0].lstrip(), False)
    if out and not out[-1][1]:
        out[-1] = (out[-1][0].rstrip(), False)
    return [s for s in out if s[0]]
