"""The sitemap's building blocks: each app contributes its sections (AppConfig.sitemaps(), see extensions).

Addresses are absolute, from CICOPA_SITE_URL, whatever host a request named: the sitemap tells crawlers the
public address of every page, as the open-data documents do.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class SiteSitemap(Sitemap):
    def get_protocol(self, protocol: str | None = None) -> str:
        return settings.SITE_URL.split("://", 1)[0]

    def get_domain(self, site: Any = None) -> str:
        return settings.SITE_URL.split("://", 1)[1]  # with the path of a site served below the root, if any


class PagesSitemap(SiteSitemap):
    """Pages named by URL name, in every language, each with its translations as alternates."""

    i18n = True
    alternates = True
    x_default = True

    def __init__(self, url_names: Sequence[str], changefreq: str = "weekly") -> None:
        self.url_names = list(url_names)
        self.changefreq = changefreq

    def items(self) -> list[str]:
        return self.url_names

    def location(self, item: str) -> str:
        return reverse(item)
