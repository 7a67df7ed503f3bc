"""The listings' full-text index columns: the folded title and description in every language the listing has
(so a search in French finds a Spanish listing through its French translation), and its filter values as index
terms (see registry.models.search_tag), so that filters intersect inside the index."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cicopa.core.text import search_text
from cicopa.exchange.models import Listing
from cicopa.registry.models import search_tag


def listing_tags(listing: Listing) -> list[str]:
    category = listing.category_id or ""
    tags = [
        search_tag("d", listing.direction),
        search_tag("k", listing.kind),
        search_tag("t", listing.status),
        search_tag("o", listing.scope),
        search_tag("l", listing.language),
    ]
    if category:
        tags += (
            [search_tag("p", category[:1]), search_tag("p", category)]
            if len(category) > 1
            else [search_tag("p", category)]
        )
    if listing.country_id:
        tags.append(search_tag("c", listing.country_id))
    if listing.sector_id:
        tags.append(search_tag("s", listing.sector_id))
    return sorted(set(tags))


def fill_columns(listing: Listing, translations: Mapping[str, Any] | None) -> None:
    """Set the index columns of `listing` from its fields and `translations` ({language: {title, description}};
    None: the translations it has in the database)."""
    if translations is None:
        texts = [(t.title, t.description) for t in listing.translations.all()] if listing.pk else []
    else:
        texts = [
            (str((t or {}).get("title") or ""), str((t or {}).get("description") or ""))
            for lang, t in translations.items()
            if lang != listing.language
        ]
    listing.search_title = search_text(listing.title, *(title for title, _d in texts))[:2_000]
    listing.search_body = search_text(listing.description, *(d for _t, d in texts), listing.city)[:40_000]
    listing.search_tags = " ".join(listing_tags(listing))
