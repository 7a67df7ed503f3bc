"""Tidy-ups of the cells people write, as they expect them read: a placeholder for "nothing" is empty, a web
address without its scheme gets https://, a cell of several addresses keeps the first. Each tidy-up is said in
the import's report as a warning; the checks then judge the tidied value. No Django here."""

from __future__ import annotations

import itertools
import re

# What people write in a cell that has nothing to say ("n/a", "-", "none", "null"), in every case ("N/A", "None").
PLACEHOLDERS = frozenset(
    "".join(letters)
    for word in ("n/a", "-", "none", "null")
    for letters in itertools.product(*({c.lower(), c.upper()} for c in word))
)
_SEPARATORS = re.compile(r"[\s;,|]+")


def has_placeholder(cells: list[str]) -> bool:
    """Whether any cell of a row is a placeholder (one set look-up per cell: every row of a file is asked)."""
    return not PLACEHOLDERS.isdisjoint(cells)


def _looks_like_web_address(text: str) -> bool:
    return "." in text and "@" not in text and not text.startswith(".")


def several(cell: str, *, email: bool) -> list[str] | None:
    """The addresses of a cell that holds several of them ("a@x.coop; b@x.coop", "www.a.coop, www.b.coop"), or
    None when it holds one (or text that is not addresses, which the checks then report as it is)."""
    if not _SEPARATORS.search(cell):
        return None
    parts = [p for p in _SEPARATORS.split(cell) if p]
    looks = (lambda p: "@" in p) if email else _looks_like_web_address
    return parts if len(parts) > 1 and all(looks(p) for p in parts) else None


def with_scheme(address: str) -> str | None:
    """A web address written without its scheme ("www.example.coop", "example.coop") with https://; None if it
    has one or is not such an address."""
    if "://" in address or " " in address or not _looks_like_web_address(address):
        return None
    return "https://" + address.removeprefix("//")
