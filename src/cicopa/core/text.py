"""Text normalisation shared by search indexing and search queries (no Django import)."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+", re.UNICODE)
_COMPOUND = re.compile(r"\w+(?:-\w+)+", re.UNICODE)


# Latin letters that Unicode does not decompose into a base letter and an accent, as their readers write them
# without it: 'Łódź' is found by 'lodz', 'Ærø' by 'aero'.
_UNDECOMPOSED = str.maketrans(
    {"æ": "ae", "ø": "o", "œ": "oe", "ß": "ss", "ł": "l", "đ": "d", "ð": "d", "ħ": "h", "ŀ": "l", "ŧ": "t"}
    | {"þ": "th", "ĸ": "k", "ŋ": "n", "\u0131": "i"}  # U+0131: the dotless i
)


def fold(text: str) -> str:
    """Lower-case, accent-free form: 'Coopérativa' -> 'cooperativa', 'Ærø' -> 'aero', 'Łódź' -> 'lodz'."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_UNDECOMPOSED)


def words(text: str) -> list[str]:
    """The folded words of `text`, in order."""
    return _WORD.findall(fold(text))


def search_text(*parts: str | None) -> str:
    """One folded, space-separated string of words, as stored in the search columns.

    Hyphenated compounds are also indexed joined, so "cooperative" finds "Co-operative".
    """
    out: list[str] = []
    for part in parts:
        if part:
            folded = fold(part)
            out.extend(_WORD.findall(folded))
            if "-" in folded:
                out.extend(m.replace("-", "") for m in _COMPOUND.findall(folded))
    return " ".join(out)


_NOT_WORD = re.compile(r"[\W_]+")


def loose(text: str) -> str:
    """A label as compared loosely: folded, punctuation and spacing as single spaces ('Código  postal' ->
    'codigo postal', 'E-mail' -> 'e mail')."""
    return _NOT_WORD.sub(" ", fold(text)).strip()
