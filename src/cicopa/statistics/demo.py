"""Demo statistics: invented yearly returns of the demo federation's member organisations from 1975 on (their
source says so), and the world estimates published in the 1998 description of CICOPA, kept as their own series.

The returns cover only part of the movement, so their sums stay below the published estimates, as real
returns do. Deterministic (fixed seed).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import Decimal

from cicopa.core import audit
from cicopa.core.models import Sector
from cicopa.registry.models import Organisation, OrganisationKind
from cicopa.statistics import services
from cicopa.statistics.models import (
    DesignatedReporter,
    PublishedEstimate,
    ReturnLine,
    ReturnStatus,
    ReturnVersion,
    StatisticalReturn,
)

SEED = 1975
SOURCE_1998 = "What is CICOPA? (ICA, 1998)"
# The returns are invented, even those of real organisations: their source says so wherever a figure is shown.
DEMO_SOURCE = "Demo data: invented figures"
PUBLISHED = (
    ("world", 1975, "cooperatives", 44_000, "CICOPA estimate of producers' co-operatives worldwide"),
    ("world", 1975, "members", 6_000_000, "CICOPA estimate: six million individual members"),
    ("world", 1995, "members", 50_000_000, "About 50 million members/workers, including ESOPs, ICOM and SAL"),
)
YEARS = (*range(1975, 2000, 5), *range(2000, 2026))
TYPES = ("worker", "producer", "multi_stakeholder")


DESIGNATED = ("cg-scop", "coceta", "federlavoro", "cuk-wcc", "zlsp")


def load_demo(*, progress: Callable[[str], None] = lambda s: None) -> None:
    rng = random.Random(SEED)
    for scope, year, measure, value, note in PUBLISHED:
        PublishedEstimate.objects.get_or_create(
            scope=scope,
            year=year,
            measure=measure,
            source=SOURCE_1998,
            defaults={"value": Decimal(value), "note": note},
        )
    reporters = list(
        Organisation.objects.filter(kind=OrganisationKind.MEMBER_ORGANISATION, is_demo=True).order_by("id")
    )
    sectors = list(Sector.objects.values_list("code", flat=True))
    lines: list[ReturnLine] = []
    returns = 0
    for org in reporters:
        # each organisation reports for a few of its sectors, from the year it started reporting
        start = rng.choice(YEARS[:8])
        own = rng.sample(sectors, rng.randint(2, 4))
        base = {s: rng.randint(40, 600) for s in own}
        types = {s: "producer" if s == "artisanal" else rng.choice(TYPES) for s in own}
        growth = rng.uniform(0.0, 0.035)
        skipped = {y for y in YEARS if rng.random() < 0.06}
        for year in YEARS:
            if year < start or year in skipped:
                continue
            ret = StatisticalReturn.objects.create(reporter=org, year=year, status=ReturnStatus.VALIDATED)
            returns += 1
            ReturnVersion.objects.create(
                statistical_return=ret,
                number=1,
                action="demo",
                status=ret.status,
                snapshot={"status": ret.status, "comment": "", "lines": []},
            )
            factor = (1 + growth) ** (year - 1975)
            for sector in own:
                mtype = types[sector]
                coops = max(1, round(base[sector] * factor * rng.uniform(0.95, 1.05)))
                members = coops * rng.randint(40, 160)
                women = round(members * rng.uniform(0.25, 0.55))
                workers = round(members * rng.uniform(0.6, 0.95)) if mtype != "producer" else 0
                producers = round(members * rng.uniform(0.7, 0.98)) if mtype == "producer" else 0
                employees = round(coops * rng.uniform(2, 12))
                lines.append(
                    ReturnLine(
                        statistical_return=ret,
                        sector_id=sector,
                        membership_type_id=mtype,
                        year=year,
                        country_id=org.country_id,
                        cooperatives=coops,
                        members=members,
                        members_women=women,
                        employees=employees,
                        employees_women=round(employees * rng.uniform(0.2, 0.6)),
                        worker_members=workers or None,
                        worker_members_women=round(workers * 0.4) or None,
                        producer_members=producers or None,
                        producer_members_women=round(producers * 0.45) or None,
                        source=DEMO_SOURCE,
                        estimated_mask=1 if year < 1990 and rng.random() < 0.3 else 0,  # early counts often estimated
                    )
                )
    ReturnLine.objects.bulk_create(lines, batch_size=2000)
    # The historic federations of five countries are their designated reporters; the other countries with two
    # reporting organisations are left for the secretariat to decide (/statistics/reporters/).
    for org in Organisation.objects.filter(slug__in=DESIGNATED, country__isnull=False):
        DesignatedReporter.objects.update_or_create(country_id=org.country_id, defaults={"organisation": org})
    countries = sorted({o.country_id for o in reporters if o.country_id})
    services.recount(countries=countries, years=None)
    if reporters:
        audit.record(actor=None, action="statistics.demo.load", obj=reporters[0], changes={"returns": returns})
    progress(f"{returns} validated statistical returns ({len(lines)} lines) from 1975 on")
