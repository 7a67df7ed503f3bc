"""Demo statistics: invented yearly returns of the demo federation's member organisations from 1975 on (their
source says so), and the world estimates published in the 1998 description of CICOPA, kept as their own series.

The returns cover only part of the movement, so their sums stay below the published estimates, as real
returns do. From 2020 on, the French and Spanish federations give their figures by region (ISO 3166-2
subdivisions), with a line without a subdivision for what they do not attribute to any; the country's figures
are the same as they would be in one line. Deterministic (fixed seeds).
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
    MEASURE_NAMES,
    PARTS,
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

# Reporters who give their figures by subdivision from BY_SUBDIVISION_FROM on: each subdivision's usual share of
# every line; the rest of the line is not attributed (no subdivision).
BY_SUBDIVISION_FROM = 2020
BY_SUBDIVISION = {
    "cg-scop": {"FR-IDF": 0.24, "FR-ARA": 0.17, "FR-BRE": 0.11, "FR-OCC": 0.1, "FR-NAQ": 0.09, "FR-PDL": 0.08},
    "coceta": {"ES-AN": 0.2, "ES-CT": 0.19, "ES-PV": 0.16, "ES-VC": 0.12, "ES-MD": 0.1},
}
# Parts and their wholes, the parts that are wholes themselves first, so that each piece of a line keeps
# part <= whole.
_PARTS_IN_ORDER = sorted(PARTS, key=lambda pair: pair[0] not in {whole for _part, whole in PARTS})


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
    split_rng = random.Random(SEED + 1)  # its own, so that every other figure stays as it was
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
                line = ReturnLine(
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
                shares = BY_SUBDIVISION.get(org.slug) if year >= BY_SUBDIVISION_FROM else None
                lines.extend(_by_subdivision(line, shares, split_rng) if shares else [line])
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


def _by_subdivision(line: ReturnLine, shares: dict[str, float], rng: random.Random) -> list[ReturnLine]:
    """The line as one line per subdivision (each about its share, a little different every year) and one
    without a subdivision for the rest, whose figures add up to the line's, each part within its whole."""
    weights = {code: share * rng.uniform(0.85, 1.15) for code, share in shares.items()}
    weights[""] = max(0.05, 1 - sum(weights.values()))
    total = sum(weights.values())
    codes = list(weights)
    bounds, running = [0.0], 0.0
    for code in codes:
        running += weights[code] / total
        bounds.append(running)
    bounds[-1] = 1.0
    pieces: dict[str, dict[str, int | None]] = {code: {} for code in codes}
    for measure in (m for m in MEASURE_NAMES if m != "turnover"):
        whole = getattr(line, measure)
        for i, code in enumerate(codes):  # cumulative rounding: the pieces add up to the whole exactly
            pieces[code][measure] = None if whole is None else round(whole * bounds[i + 1]) - round(whole * bounds[i])
    for part, whole in _PARTS_IN_ORDER:
        for code in codes:
            piece = pieces[code]
            if piece[part] is None or piece[whole] is None:
                continue
            excess = piece[part] - piece[whole]  # type: ignore[operator]
            for other in codes:
                if excess <= 0:
                    break
                room = (pieces[other][whole] or 0) - (pieces[other][part] or 0)
                moved = min(room, excess) if other != code and room > 0 else 0
                pieces[other][part] = (pieces[other][part] or 0) + moved
                piece[part] -= moved  # type: ignore[operator]
                excess -= moved
    out = []
    for code in codes:
        copy = ReturnLine(**{f.attname: getattr(line, f.attname) for f in ReturnLine._meta.concrete_fields})
        copy.statistical_return = line.statistical_return
        copy.subdivision = code
        for measure, value in pieces[code].items():
            setattr(copy, measure, value)
        out.append(copy)
    return out
