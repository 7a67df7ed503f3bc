"""Reading filter values from query parameters the same way everywhere (pages, API, exports)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from django.utils.translation import gettext as _

from cicopa.core.queries import known_codes


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


def codes(
    params: Mapping[str, Any],
    key: str,
    allowed: Collection[str],
    errors: dict[str, str],
    *,
    label: object,
    upper: bool = False,
    read: Callable[[str], str | None] | None = None,
) -> tuple[str, ...]:
    """The values of `key` that are in `allowed`; unknown ones are reported in `errors[key]`, naming the
    filter by `label` (in the reader's language: the parameter's name is the address's, not the reader's).
    `read` turns a value that is not a code into one, or None (a country's name into its code)."""
    given = values(params, key)
    found = [v.upper() for v in given] if upper else list(given)
    if read is not None:
        found = [code if code in allowed else (read(v) or code) for v, code in zip(given, found, strict=True)]
    bad = [v for v, code in zip(given, found, strict=True) if code not in allowed]
    if bad:
        errors[key] = _("Unknown %(param)s: %(values)s") % {"param": label, "values": ", ".join(bad)}
    return tuple(dict.fromkeys(found))


def region(params: Mapping[str, Any], errors: dict[str, str]) -> str:
    """A UN M49 region, sub-region or intermediate region code, checked."""
    code = one(params, "region")
    if code and code not in known_codes()["region"]:
        errors["region"] = _("Unknown region (use a UN M49 code such as 150 for Europe): %(v)s") % {"v": code}
    return code
