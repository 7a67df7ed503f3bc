"""The registry's sections of the sitemap: its pages, and the profile of every organisation."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse

from cicopa.core.sitemaps import IdRangePaginator, PagesSitemap, SiteSitemap
from cicopa.registry import queries

PLACEHOLDER = "0-slug-0"


class OrganisationSitemap(SiteSitemap):
    """Every organisation's profile, in the default language only (its translations differ only in the page
    around it), in pages of up to `limit`: a directory of a million is a hundred pages, each one index range."""

    limit = 10_000
    changefreq = "monthly"

    def items(self) -> Any:
        return queries.sitemap_profiles()

    @property
    def paginator(self) -> Any:
        if not hasattr(self, "_paginator"):
            self._paginator = IdRangePaginator(self.items(), self.limit)
        return self._paginator

    def location(self, item: tuple[str, datetime.datetime]) -> str:
        # One reverse() per page rather than per profile: ten thousand of them cost a quarter of a second.
        if not hasattr(self, "_pattern"):
            self._pattern = reverse("registry:organisation", kwargs={"slug": PLACEHOLDER})
        return self._pattern.replace(PLACEHOLDER, item[0])

    def lastmod(self, item: tuple[str, datetime.datetime]) -> datetime.datetime:
        return item[1]


def sections() -> dict[str, Any]:
    return {
        "pages": PagesSitemap(["registry:home", "registry:members", "registry:about", "registry:privacy"]),
        "organisations": OrganisationSitemap(),
    }
