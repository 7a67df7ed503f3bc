"""The text of a study's PDF, read with pypdf. Pure (no Django): `extract` takes the file's bytes and never
raises: a PDF that is damaged, encrypted or made only of images gives an `Extracted` with an `error` (a reason
code, then a short detail), whatever text could be read, and the number of pages when it is known."""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from dataclasses import dataclass

from pypdf import PdfReader

MAX_TEXT = 2_000_000  # characters kept (models.MAX_STUDY_TEXT)
MAX_PAGES = 5_000  # pages read; a longer document is read up to there
MIN_TEXT = 20  # fewer letters than this on every page: the PDF is images (a scan) or has no text layer

# Reasons a PDF could not be read (the first word of `Extracted.error`).
ENCRYPTED = "encrypted"
DAMAGED = "damaged"
NO_TEXT = "no-text"

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\ufeff\ud800-\udfff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_BREAK_HYPHEN = re.compile(r"(\w)-\n(\w)")
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class Extracted:
    text: str
    pages: int | None
    error: str = ""  # "" when read; else "<reason> <detail>" (ENCRYPTED, DAMAGED or NO_TEXT)

    @property
    def reason(self) -> str:
        return self.error.split(" ", 1)[0] if self.error else ""


def normalise(text: str) -> str:
    """Spaces made single, lines trimmed, blank lines at most one, control characters dropped, a word cut by a
    line-break hyphen put together again ("co-\\noperative" -> "co-operative": the search reads the joined
    and the hyphenated forms)."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text.replace("\f", "\n"))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = _BREAK_HYPHEN.sub(r"\1-\2", "\n".join(lines))
    return _BLANK_LINES.sub("\n\n", text).strip()


def _short(exc: BaseException) -> str:
    detail = " ".join(str(exc).split()) or type(exc).__name__
    return detail[:200]


def extract(data: bytes, *, max_text: int = MAX_TEXT) -> Extracted:
    """The text of the PDF `data`, page after page (a blank line between pages), at most `max_text` characters."""
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # a damaged file's warnings say nothing we do not say
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception as exc:  # an unknown or broken encryption
                return Extracted("", None, f"{ENCRYPTED} {_short(exc)}")
            if not opened:
                return Extracted("", None, f"{ENCRYPTED} a password is needed to open it")
        count = len(reader.pages)
    except Exception as exc:  # pypdf raises many kinds of errors on a damaged file
        return Extracted("", None, f"{DAMAGED} {_short(exc)}")
    parts: list[str] = []
    size = 0
    failed: BaseException | None = None
    for index in range(min(count, MAX_PAGES)):
        try:
            page_text = normalise(reader.pages[index].extract_text() or "")
        except Exception as exc:  # one damaged page: the others are still read
            failed = failed or exc
            continue
        if page_text:
            parts.append(page_text)
            size += len(page_text) + 2
        if size >= max_text:
            break
    text = "\n\n".join(parts)[:max_text]
    letters = sum(1 for c in text if c.isalpha())
    if letters < MIN_TEXT:
        if failed is not None:
            return Extracted(text, count, f"{DAMAGED} {_short(failed)}")
        return Extracted(text, count, f"{NO_TEXT} no text layer (scanned images?)")
    return Extracted(text, count)
