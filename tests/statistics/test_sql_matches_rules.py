"""The dashboard groups in SQL for speed; the pure module states the rules. They must agree."""

import random

import pytest

from cicopa.core.models import Country
from cicopa.statistics import aggregation, queries, services
from cicopa.statistics.models import MEASURE_NAMES, DesignatedReporter, ReturnLine, estimated_names


@pytest.fixture
def many_returns(db, alice):
    from cicopa.registry import services as registry
    from cicopa.registry.models import OrganisationKind

    rng = random.Random(7)
    sectors, types = ["construction", "health", "transport"], ["worker", "producer"]
    countries = list(Country.objects.filter(iso2__in=["FR", "KE", "BR", "JP", "ES"]))
    for country in countries:
        reporters = [
            registry.organisation_create(
                actor=alice,
                data={
                    "kind": OrganisationKind.MEMBER_ORGANISATION,
                    "name": f"Federation {country.iso2} {i}",
                    "country": country,
                },
            )
            for i in range(2)
        ] + [registry.organisation_create(actor=alice, data={"name": f"Co-op {country.iso2}", "country": country})]
        if country.iso2 in ("FR", "BR"):
            services.designate_reporter(actor=alice, country=country, organisation=reporters[1])
        for reporter in reporters:
            for year in rng.sample(range(2015, 2021), 4):
                ret = services.return_create(actor=alice, reporter=reporter, year=year)
                cells = rng.sample([(s, t) for s in sectors for t in types], 3)
                services.return_save_lines(
                    actor=alice,
                    statistical_return=ret,
                    lines=[
                        {
                            "sector": s,
                            "membership_type": t,
                            "cooperatives": rng.randint(1, 90),
                            "members": rng.choice([None, rng.randint(100, 900)]),
                            "estimated": ["members"] if rng.random() < 0.3 else [],
                            "explanation": "test data",
                        }
                        for s, t in cells
                    ],
                )
                services.return_submit(actor=alice, statistical_return=ret)
                services.return_validate(actor=alice, statistical_return=ret)


def _reference(dimension: str, measure: str) -> dict[str, dict[int, aggregation.Figure]]:
    """The same totals computed by the pure module from every validated line."""
    geography = {
        c.iso2: aggregation.CountryInfo(c.region_id, c.subregion_id, c.intermediate_region_id, c.developed)
        for c in Country.objects.all()
    }
    lines = [
        aggregation.Line(
            id=line.pk,
            reporter=line.statistical_return.reporter.slug,
            reporter_level="cooperative" if line.statistical_return.reporter.kind == "cooperative" else "national",
            year=line.year,
            country=line.country_id,
            sector=line.sector_id,
            membership_type=line.membership_type_id,
            values={m: getattr(line, m) for m in MEASURE_NAMES},
            estimated=frozenset(estimated_names(line.estimated_mask)),
        )
        for line in ReturnLine.objects.filter(statistical_return__status="validated").select_related(
            "statistical_return__reporter"
        )
    ]
    designated = dict(DesignatedReporter.objects.values_list("country_id", "organisation__slug"))
    table = aggregation.totals(
        aggregation.select_counted(lines, designated), by=aggregation.by_dimension(dimension, geography)
    )
    out: dict[str, dict[int, aggregation.Figure]] = {}
    for (year, value), figures in table.items():
        out.setdefault(value, {})[int(year)] = figures[measure]
    return out


@pytest.mark.parametrize(
    "dimension", ["world", "region", "subregion", "development", "country", "sector", "membership_type"]
)
@pytest.mark.parametrize("measure", ["cooperatives", "members"])
def test_database_totals_follow_the_counting_rule(many_returns, dimension, measure):
    ours = queries.series(queries.StatsFilters(measure=measure, year_from=2015, year_to=2020), dimension)
    assert ours == _reference(dimension, measure)
