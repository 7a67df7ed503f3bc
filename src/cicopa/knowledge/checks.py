"""System checks: the library's full-text index is wired up on this database."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register

from cicopa.knowledge.library import INDEX


@register("database")
def search_index_check(app_configs: Any, **kwargs: Any) -> list[Error]:
    if "default" not in (kwargs.get("databases") or ()):
        return []
    missing = INDEX.missing_triggers("knowledge")
    if missing:
        return [
            Error(
                f"The library's search triggers are missing: {', '.join(missing)}.",
                hint="A migration rebuilt knowledge_libraryentry; end it by creating them again as migration "
                "0003_library does.",
                id="knowledge.E001",
            )
        ]
    return []
