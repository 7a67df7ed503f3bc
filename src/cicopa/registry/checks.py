"""System checks: the directory's full-text index is wired up on this database."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register

from cicopa.registry.search import INDEX


@register("database")
def search_index_check(app_configs: Any, **kwargs: Any) -> list[Error]:
    if "default" not in (kwargs.get("databases") or ()):
        return []
    missing = INDEX.missing_triggers("registry")
    if missing:
        return [
            Error(
                f"The directory search triggers are missing: {', '.join(missing)}.",
                hint="A migration rebuilt registry_organisation; end it like migration 0006_restore_search_triggers.",
                id="registry.E001",
            )
        ]
    return []
