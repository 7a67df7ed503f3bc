"""Reference lists kept as data files rather than tables."""

from __future__ import annotations

import functools
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@functools.cache
def currency_codes() -> frozenset[str]:
    """ISO 4217 currency codes."""
    lines = (DATA / "currencies.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))
