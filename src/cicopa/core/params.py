"""Reading filter values from query parameters the same way everywhere (pages, API, exports)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def values(params: Mapping[str, Any], key: str) -> list[str]:
    """Every value of `key`: repeated (?country=FR&country=ES) or comma-separated (?country=FR,ES)."""
    getlist = getattr(params, "getlist", None)
    raw = getlist(key) if getlist else params.get(key)
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = [raw]
    return [v.strip() for item in raw for v in str(item).split(",") if v.strip()]


def one(params: Mapping[str, Any], key: str) -> str:
    """The last value of `key`, or ""."""
    found = values(params, key)
    return found[-1] if found else ""
