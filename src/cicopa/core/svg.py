"""What the server-drawn SVG pictures (charts, maps) share. No Django import."""

from __future__ import annotations

UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:")


def safe_href(href: str | None) -> str | None:
    """`href`, or None when it is empty or would run code when followed."""
    if not href:
        return None
    squashed = "".join(href.split()).lower()
    if squashed.startswith(UNSAFE_SCHEMES):
        return None
    return href
