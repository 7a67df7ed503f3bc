"""The demo's statistics: the French and Spanish federations give their recent figures by region."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from cicopa.core import subdivisions
from cicopa.statistics import demo, queries
from cicopa.statistics.models import PARTS, ReturnLine, StatisticalReturn


@pytest.fixture
def demo_statistics(db):
    from cicopa.registry import demo as registry_demo

    registry_demo.load_demo(cooperatives=20)
    demo.load_demo()


def _lines():
    return list(
        ReturnLine.objects.order_by("id").values("country_id", "year", "subdivision", "cooperatives", "members")
    )


def test_demo_returns_give_some_countries_by_subdivision(demo_statistics):
    by_region = ReturnLine.objects.exclude(subdivision="")
    assert by_region.exists()
    assert set(by_region.values_list("country_id", flat=True)) == {"FR", "ES"}
    assert by_region.filter(year__lt=demo.BY_SUBDIVISION_FROM).count() == 0
    for code, country in by_region.values_list("subdivision", "country_id").distinct():
        assert subdivisions.is_valid(code, country), code
    for line in ReturnLine.objects.filter(country_id__in=["FR", "ES"], year__gte=demo.BY_SUBDIVISION_FROM):
        for part, whole in PARTS:
            part_value, whole_value = getattr(line, part), getattr(line, whole)
            assert part_value is None or whole_value is None or part_value <= whole_value, (line, part)
    # the country pages break them down, and the breakdown adds up to the country's total
    year = ReturnLine.objects.filter(country_id="FR").order_by("-year").values_list("year", flat=True).first()
    filters = queries.StatsFilters(country=("FR",), year_from=year, year_to=year)
    parts = queries.breakdown(filters, "subdivision", year)
    assert len(parts) > 2 and "" in parts
    total = ReturnLine.objects.filter(country_id="FR", year=year, counted=True).aggregate(n=Sum("cooperatives"))["n"]
    assert sum(f.value for f in parts.values()) == total == queries.breakdown(filters, "country", year)["FR"].value


def test_the_demo_statistics_are_the_same_every_time(demo_statistics):
    first = _lines()
    ReturnLine.objects.all().delete()
    StatisticalReturn.objects.all().delete()
    demo.load_demo()
    assert _lines() == first
