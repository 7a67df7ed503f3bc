"""System checks: the listings' full-text index is wired up on this database."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register

from cicopa.exchange.search import INDEX


@register("database")
def search_index_check(app_configs: Any, **kwargs: Any) -> list[Error]:
    if "default" not in (kwargs.get("databases") or ()):
        return []
    missing = INDEX.missing_triggers("exchange")
    if missing:
        return [
            Error(
                f"The listings' search triggers are missing: {', '.join(missing)}.",
                hint="A migration rebuilt exchange_listing; end it by creating them again as migration "
                "0003_listing_search does.",
                id="exchange.E001",
            )
        ]
    return []
