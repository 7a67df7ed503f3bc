"""The sitemap's building blocks: each app contributes its sections (AppConfig.sitemaps(), see extensions).

Addresses are absolute, from CICOPA_SITE_URL, whatever host a request named: the sitemap tells crawlers the
public address of every page, as the open-data documents do.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cached_property
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Max, Min, QuerySet
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


class IdRangePaginator:
    """Pages of a large table by ranges of `limit` ids, for Sitemap.paginator: how many pages there are comes from
    the lowest and highest id (read from the index), and a page is an index range. Django's Paginator would count
    every row and walk past every row before a page (OFFSET): a second each over a million on SQLite. Where rows
    were deleted a page holds fewer than `limit`, which a sitemap allows."""

    def __init__(self, queryset: QuerySet[Any, Any], limit: int) -> None:
        self.queryset = queryset
        self.limit = limit

    @cached_property
    def _bounds(self) -> tuple[int, int]:
        bounds = self.queryset.order_by().aggregate(low=Min("id"), high=Max("id"))
        return bounds["low"] or 0, bounds["high"] or 0

    @property
    def num_pages(self) -> int:
        low, high = self._bounds
        return max(1, math.ceil((high - low + 1) / self.limit)) if high else 1

    def page(self, number: Any) -> SimpleNamespace:
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(number) from None
        if not 1 <= number <= self.num_pages:
            raise EmptyPage(number)
        first = self._bounds[0] + (number - 1) * self.limit
        return SimpleNamespace(object_list=self.queryset.filter(id__gte=first, id__lt=first + self.limit))
