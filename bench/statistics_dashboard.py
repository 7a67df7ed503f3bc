"""Statistics dashboard aggregates on SQLite or PostgreSQL: 200 countries x 50 years x 9 sectors x 4 membership
types of validated national lines (~360,000) plus 100,000 co-operative-level returns.

Each aggregate the dashboard computes is timed through the code the page uses (statistics.queries), side by
side with the bare GROUP BY SQL on the same data.
Usage: python bench/statistics_dashboard.py [--repeat 20] [--database postgres://...]
(a PostgreSQL database, made with createdb, is filled once through the ORM's bulk inserts, as SQLite is).
"""

from __future__ import annotations

import argparse
import time

from _setup import add_database_option, database_name, django_on, pct, say, timed

COUNTRIES, YEARS, COOP_RETURNS = 200, 50, 100_000


def build() -> None:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from cicopa.core.db import refresh_statistics
    from cicopa.core.models import Country, MembershipType, Sector
    from cicopa.registry.models import Organisation
    from cicopa.statistics import services
    from cicopa.statistics.models import ReturnLine, StatisticalReturn

    get_user_model().objects.create_user("bench", is_staff=True)
    countries = list(Country.objects.exclude(region=None).order_by("iso2").values_list("iso2", flat=True))[:COUNTRIES]
    sectors = list(Sector.objects.values_list("code", flat=True))
    types = list(MembershipType.objects.exclude(code="other").values_list("code", flat=True))
    with transaction.atomic():
        nationals = Organisation.objects.bulk_create(
            [
                Organisation(kind="member_organisation", name=f"Federation {c}", slug=f"fed-{c.lower()}", country_id=c)
                for c in countries
            ]
        )
        coops = Organisation.objects.bulk_create(
            [
                Organisation(
                    kind="cooperative",
                    name=f"Co-op {i}",
                    slug=f"bench-coop-{i}",
                    country_id=countries[i % len(countries)],
                )
                for i in range(COOP_RETURNS)
            ],
            batch_size=2000,
        )
        returns = StatisticalReturn.objects.bulk_create(
            [StatisticalReturn(reporter=o, year=1976 + y, status="validated") for o in nationals for y in range(YEARS)],
            batch_size=2000,
        )
        lines = [
            ReturnLine(
                statistical_return=r,
                year=r.year,
                country_id=r.reporter.country_id,
                sector_id=s,
                membership_type_id=t,
                cooperatives=10 + (r.pk * 7 + len(s)) % 90,
                members=500,
                members_women=200,
                employees=40,
                worker_members=300,
                estimated_mask=(r.pk % 11 == 0),
            )
            for r in returns
            for s in sectors
            for t in types
        ]
        ReturnLine.objects.bulk_create(lines, batch_size=5000)
        coop_returns = StatisticalReturn.objects.bulk_create(
            [StatisticalReturn(reporter=o, year=2000 + i % 25, status="validated") for i, o in enumerate(coops)],
            batch_size=2000,
        )
        ReturnLine.objects.bulk_create(
            [
                ReturnLine(
                    statistical_return=r,
                    year=r.year,
                    country_id=r.reporter.country_id,
                    sector_id=sectors[0],
                    membership_type_id="worker",
                    cooperatives=1,
                    members=12,
                )
                for r in coop_returns
            ],
            batch_size=5000,
        )
        services.recount(countries=countries, years=None)
    refresh_statistics(["statistics_returnline", "statistics_statisticalreturn"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    add_database_option(parser)
    args = parser.parse_args()
    django_on("statistics.sqlite3", args.database)
    from django.core.management import call_command
    from django.db import connection

    from cicopa.statistics import queries
    from cicopa.statistics.models import ReturnLine

    call_command("migrate", verbosity=0)
    if not ReturnLine.objects.exists():
        start = time.perf_counter()
        build()
        say(f"built {ReturnLine.objects.count():,} lines in {time.perf_counter() - start:.0f} s")
    say(
        f"lines: {ReturnLine.objects.count():,}, counted: {ReturnLine.objects.filter(counted=True).count():,} "
        f"({database_name()})"
    )

    def bare(sql: str) -> None:
        with connection.cursor() as c:
            c.execute(sql)
            c.fetchall()

    base = "FROM statistics_returnline l WHERE l.counted"
    region = "FROM statistics_returnline l JOIN core_country c ON c.iso2 = l.country_id WHERE l.counted"
    f = queries.StatsFilters()
    europe = queries.StatsFilters(region="150")
    sums = "SUM(l.cooperatives), COUNT(l.cooperatives), MAX(l.estimated_mask & 1)"
    cases = [
        (
            "world series",
            lambda: queries.series(f, "world"),
            f"SELECT l.year, {sums} {base} GROUP BY l.year",
        ),
        (
            "by region, series",
            lambda: queries.series(f, "region"),
            f"SELECT l.year, c.region_id, {sums} {region} GROUP BY l.year, c.region_id",
        ),
        (
            "by sector, one year",
            lambda: queries.breakdown(f, "sector", 2025),
            f"SELECT l.year, l.sector_id, {sums} {base} AND l.year = 2025 GROUP BY l.year, l.sector_id",
        ),
        (
            "by country, one year",
            lambda: queries.breakdown(f, "country", 2025),
            f"SELECT l.year, l.country_id, {sums} {base} AND l.year = 2025 GROUP BY l.year, l.country_id",
        ),
        (
            "Europe, series",
            lambda: queries.series(europe, "world"),
            f"SELECT l.year, {sums} {region} "
            "AND (c.region_id = '150' OR c.subregion_id = '150' OR c.intermediate_region_id = '150') GROUP BY l.year",
        ),
    ]
    say("")
    say(f"{'aggregate':<22} {'platform p50':>12} {'p95':>8} {'bare SQL p50':>12} {'p95':>8} {'ratio p95':>9}")
    for label, ours, sql in cases:
        t_ours = timed(ours, args.repeat)
        t_bare = timed(lambda sql=sql: bare(sql), args.repeat)
        say(
            f"{label:<22} {pct(t_ours, 50):>10.1f}ms {pct(t_ours, 95):>6.1f}ms {pct(t_bare, 50):>10.1f}ms "
            f"{pct(t_bare, 95):>6.1f}ms {pct(t_ours, 95) / pct(t_bare, 95):>8.2f}x"
        )
    t = timed(lambda: queries.headline(f), max(3, args.repeat // 4))
    say(f"{'headline (10 measures)':<22} {pct(t, 50):>10.1f}ms {pct(t, 95):>6.1f}ms")
    t = timed(lambda: queries.series(queries.StatsFilters(carry=True), "world"), max(3, args.repeat // 4))
    say(f"{'world, carried':<22} {pct(t, 50):>10.1f}ms {pct(t, 95):>6.1f}ms")


if __name__ == "__main__":
    main()
