"""The pure-Python aggregation of statistical returns: no double counting, totals, carry-forward, rates, shares.

Every expected number is written literally, with the arithmetic in a comment. No database, no Django.
"""

from __future__ import annotations

import random

import pytest

from cicopa.statistics.aggregation import (
    COOPERATIVE,
    MEASURES,
    NATIONAL,
    CountryInfo,
    Figure,
    Line,
    by_dimension,
    by_year,
    carry_forward,
    counted_lines,
    growth_rates,
    select_counted,
    shares,
    time_series,
    totals,
)


@pytest.fixture(autouse=True)
def _site_url():
    """Overrides the suite-wide autouse fixture that needs pytest-django: these tests run with -p no:django."""


def line(
    id: int,
    reporter: str,
    level: str = NATIONAL,
    *,
    year: int = 2020,
    country: str = "FR",
    sector: str = "industry",
    membership_type: str = "worker",
    estimated: frozenset[str] = frozenset(),
    **values: float | None,
) -> Line:
    return Line(
        id=id,
        reporter=reporter,
        reporter_level=level,
        year=year,
        country=country,
        sector=sector,
        membership_type=membership_type,
        values=values,
        estimated=estimated,
    )


# ---------------------------------------------------------------------------------------------------------------
# No double counting


def test_designated_reporter_prevails_even_with_fewer_cooperatives():
    lines = [
        line(1, "cgscop", cooperatives=10),
        line(2, "other-fr", cooperatives=50),
        line(3, "coop-a", COOPERATIVE, cooperatives=1),
    ]
    assert counted_lines(lines, {"FR": "cgscop"}) == {1}


def test_designated_reporter_absent_from_the_cell_falls_back_to_most_cooperatives():
    lines = [line(1, "small", cooperatives=10), line(2, "big", cooperatives=50)]
    # "cgscop" is designated for France but did not report this cell
    assert counted_lines(lines, {"FR": "cgscop"}) == {2}
    # a designation for another country does not apply here
    assert counted_lines(lines, {"IT": "small"}) == {2}


def test_without_designated_reporter_most_cooperatives_prevails():
    lines = [line(1, "a-org", cooperatives=10), line(2, "b-org", cooperatives=30), line(3, "c-org", cooperatives=20)]
    assert counted_lines(lines, {}) == {2}


def test_most_cooperatives_adds_up_a_reporters_lines_in_the_cell():
    lines = [
        line(1, "a-org", cooperatives=20),
        line(2, "b-org", cooperatives=15),
        line(3, "b-org", cooperatives=10),  # b-org: 15 + 10 = 25 > 20
    ]
    assert counted_lines(lines, {}) == {2, 3}  # every line of the winner counts


def test_tie_goes_to_the_smallest_reporter_key():
    lines = [line(1, "b-org", cooperatives=10), line(2, "a-org", cooperatives=10), line(3, "c-org", cooperatives=10)]
    assert counted_lines(lines, {}) == {2}


def test_unknown_cooperative_count_ranks_after_any_known_count():
    lines = [line(1, "a-org", cooperatives=None), line(2, "b-org", cooperatives=0)]
    assert counted_lines(lines, {}) == {2}
    # all unknown: a tie, the smallest key
    assert counted_lines([line(1, "b-org"), line(2, "a-org", members=5)], {}) == {2}


def test_self_reports_are_left_out_when_a_national_line_exists():
    lines = [
        line(1, "coop-a", COOPERATIVE, cooperatives=1, members=30),
        line(2, "cgscop", cooperatives=40, members=900),
        line(3, "coop-b", COOPERATIVE, cooperatives=1, members=12),
    ]
    assert counted_lines(lines, {}) == {2}
    assert totals(select_counted(lines, {}), by=by_year)[("2020",)]["members"] == Figure(900.0, False)


def test_self_reports_alone_are_all_counted_and_summed():
    lines = [
        line(1, "coop-a", COOPERATIVE, cooperatives=1, members=30),
        line(2, "coop-b", COOPERATIVE, cooperatives=1, members=12),
    ]
    assert counted_lines(lines, {"FR": "cgscop"}) == {1, 2}
    table = totals(select_counted(lines, {}), by=by_year)
    assert table[("2020",)]["members"] == Figure(42.0, False)  # 30 + 12
    assert table[("2020",)]["cooperatives"] == Figure(2.0, False)  # 1 + 1


def test_cells_are_independent():
    lines = [
        # cell (2020, FR, industry, worker): national wins, coop-a dropped
        line(1, "cgscop", cooperatives=40),
        line(2, "coop-a", COOPERATIVE, cooperatives=1),
        # another sector: only a self-report -> counted, even though cgscop reports for France
        line(3, "coop-b", COOPERATIVE, sector="services", cooperatives=1),
        # another membership type: only a self-report -> counted
        line(4, "coop-c", COOPERATIVE, membership_type="producer", cooperatives=1),
        # another year: only a self-report -> counted
        line(5, "coop-a", COOPERATIVE, year=2021, cooperatives=1),
        # another country: its own designated reporter
        line(6, "legacoop", country="IT", cooperatives=5),
        line(7, "confcoop", country="IT", cooperatives=90),
        # designated cgscop absent from this France cell -> most co-operatives
        line(8, "other-fr", sector="services", membership_type="producer", cooperatives=3),
        line(9, "third-fr", sector="services", membership_type="producer", cooperatives=7),
    ]
    assert counted_lines(lines, {"FR": "cgscop", "IT": "legacoop"}) == {1, 3, 4, 5, 6, 9}


def test_select_counted_keeps_input_order():
    lines = [
        line(3, "coop-b", COOPERATIVE, sector="services"),
        line(1, "cgscop"),
        line(2, "coop-a", COOPERATIVE),
    ]
    assert [kept.id for kept in select_counted(lines, {})] == [3, 1]


def test_unknown_reporter_level_is_refused():
    with pytest.raises(ValueError, match="reporter_level"):
        counted_lines([line(1, "x", "regional")], {})


# ---------------------------------------------------------------------------------------------------------------
# Totals


def test_totals_ignore_unknown_values_and_carry_estimate_flags():
    lines = [
        line(1, "a", COOPERATIVE, members=10, employees=None, turnover=1.5, estimated=frozenset({"turnover"})),
        line(2, "b", COOPERATIVE, members=None, employees=None, turnover=2.25),
        # an estimate flag on an unknown value does not make the total an estimate
        line(3, "c", COOPERATIVE, members=5.5, estimated=frozenset({"employees"})),
        line(4, "d", COOPERATIVE, year=2021, members=7, estimated=frozenset({"members"})),
    ]
    table = totals(lines, by=by_year)
    assert list(table) == [("2020",), ("2021",)]
    assert table[("2020",)]["members"] == Figure(15.5, False)  # 10 + unknown + 5.5
    assert table[("2020",)]["turnover"] == Figure(3.75, True)  # 1.5 (estimate) + 2.25
    assert table[("2020",)]["employees"] == Figure(None, False)  # all unknown (line 3: missing key)
    assert table[("2020",)]["cooperatives"] == Figure(None, False)  # never given
    assert table[("2021",)]["members"] == Figure(7.0, True)
    assert list(table[("2020",)]) == list(MEASURES)


def test_totals_skip_lines_whose_key_is_none():
    lines = [line(1, "a", members=3), line(2, "b", country="ZZ", members=4)]
    table = totals(lines, by=lambda ln: None if ln.country == "ZZ" else ("x",))
    assert table == {("x",): {m: Figure(3.0 if m == "members" else None, False) for m in MEASURES}}
    assert totals([], by=by_year) == {}


GEOGRAPHY = {
    "FR": CountryInfo(region="150", subregion="155", intermediate=None, developed=True),
    "IT": CountryInfo(region="150", subregion="039", intermediate=None, developed=True),
    "KE": CountryInfo(region="002", subregion="202", intermediate="014", developed=False),
    "AQ": CountryInfo(region=None, subregion=None, intermediate=None, developed=False),
    # "ZZ" is missing on purpose
}


def geo_lines() -> list[Line]:
    return [
        line(1, "fr", country="FR", members=100),
        line(2, "it", country="IT", members=200, estimated=frozenset({"members"})),
        line(3, "ke", country="KE", members=40),
        line(4, "aq", country="AQ", members=1),
        line(5, "zz", country="ZZ", members=8),
        line(6, "ke", country="KE", year=2021, members=50),
    ]


def members(table: dict[tuple[str, ...], dict[str, Figure]]) -> dict[tuple[str, ...], Figure]:
    return {key: figures["members"] for key, figures in table.items()}


def test_totals_by_region_and_development_leave_out_countries_without_region():
    lines = geo_lines()
    assert members(totals(lines, by=by_dimension("region", GEOGRAPHY))) == {
        ("2020", "150"): Figure(300.0, True),  # FR 100 + IT 200 (estimate)
        ("2020", "002"): Figure(40.0, False),  # KE 40; AQ (no region) and ZZ (missing) left out
        ("2021", "002"): Figure(50.0, False),
    }
    assert members(totals(lines, by=by_dimension("development", GEOGRAPHY))) == {
        ("2020", "developed"): Figure(300.0, True),  # FR 100 + IT 200
        ("2020", "developing"): Figure(40.0, False),  # KE 40; AQ has no region, so no grouping either
        ("2021", "developing"): Figure(50.0, False),
    }
    assert members(totals(lines, by=by_dimension("subregion", GEOGRAPHY))) == {
        ("2020", "155"): Figure(100.0, False),
        ("2020", "039"): Figure(200.0, True),
        ("2020", "202"): Figure(40.0, False),
        ("2021", "202"): Figure(50.0, False),
    }
    assert members(totals(lines, by=by_dimension("intermediate", GEOGRAPHY))) == {
        ("2020", "014"): Figure(40.0, False),  # only Kenya has an intermediate region
        ("2021", "014"): Figure(50.0, False),
    }
    # the world total keeps every country, with or without a region
    assert members(totals(lines, by=by_dimension("world"))) == {
        ("2020", "world"): Figure(349.0, True),  # 100 + 200 + 40 + 1 + 8
        ("2021", "world"): Figure(50.0, False),
    }
    assert members(totals(lines, by=by_dimension("country"))) == {
        ("2020", "FR"): Figure(100.0, False),
        ("2020", "IT"): Figure(200.0, True),
        ("2020", "KE"): Figure(40.0, False),
        ("2020", "AQ"): Figure(1.0, False),
        ("2020", "ZZ"): Figure(8.0, False),
        ("2021", "KE"): Figure(50.0, False),
    }


def test_by_dimension_keys():
    one = line(1, "a", year=1998, country="KE", sector="agriculture", membership_type="producer")
    assert by_year(one) == ("1998",)
    assert by_dimension("world")(one) == ("1998", "world")
    assert by_dimension("region", GEOGRAPHY)(one) == ("1998", "002")
    assert by_dimension("development", GEOGRAPHY)(one) == ("1998", "developing")
    assert by_dimension("country")(one) == ("1998", "KE")
    assert by_dimension("sector")(one) == ("1998", "agriculture")
    assert by_dimension("membership_type")(one) == ("1998", "producer")
    assert by_dimension("subregion", GEOGRAPHY)(line(2, "a", country="ZZ")) is None


def test_by_dimension_refuses_unknown_dimension_and_missing_geography():
    with pytest.raises(ValueError, match="unknown dimension"):
        by_dimension("continent")
    with pytest.raises(ValueError, match="needs a geography"):
        by_dimension("region")


# ---------------------------------------------------------------------------------------------------------------
# Carry-forward


def test_carry_forward_fills_gaps_after_the_first_report_only():
    first = line(10, "cgscop", year=2018, cooperatives=40, members=900, estimated=frozenset({"members"}))
    second = line(11, "cgscop", year=2020, cooperatives=42, members=None)
    late = line(12, "other", year=2020, country="IT", cooperatives=3)
    lines = [first, second, late]

    result = carry_forward(lines, range(2016, 2023))

    assert result[:3] == lines  # real lines first, unchanged
    assert result[0] is first and result[1] is second and result[2] is late
    filled = result[3:]
    # cgscop: 2016, 2017 before the first report stay gaps; 2019 from 2018; 2021, 2022 from 2020.
    # other: 2016..2019 before its first report; 2021, 2022 from 2020.
    assert [(f.reporter, f.year) for f in filled] == [
        ("cgscop", 2019),
        ("cgscop", 2021),
        ("cgscop", 2022),
        ("other", 2021),
        ("other", 2022),
    ]
    assert [f.id for f in filled] == [-1, -2, -3, -4, -5]  # each its own negative id
    gap = filled[0]
    assert gap.values == {"cooperatives": 40, "members": 900}  # copy of 2018
    assert gap.estimated == frozenset(MEASURES)  # every measure flagged
    assert (gap.reporter_level, gap.country, gap.sector, gap.membership_type) == (NATIONAL, "FR", "industry", "worker")
    assert filled[1].values == {"cooperatives": 42, "members": None}  # copy of 2020, unknown stays unknown


def test_carry_forward_only_fills_requested_years_and_keeps_reported_ones():
    lines = [line(1, "a", year=2018, members=1), line(2, "a", year=2019, members=2)]
    assert carry_forward(lines, [2019]) == lines  # 2019 is reported: nothing to fill
    assert carry_forward(lines, []) == lines
    result = carry_forward(lines, [2021])  # 2020 not requested: not filled
    assert [(f.year, f.values) for f in result[2:]] == [(2021, {"members": 2})]


def test_carry_forward_twice_keeps_ids_unique():
    once = carry_forward([line(1, "a", year=2018, members=1)], [2019])
    twice = carry_forward(once, [2020])
    assert [f.id for f in twice] == [1, -1, -2]
    assert len({f.id for f in twice}) == 3


def test_carried_lines_count_and_make_totals_estimates():
    lines = [
        line(1, "cgscop", year=2019, cooperatives=40, members=900),  # designated, skips 2020
        line(2, "other-fr", year=2020, cooperatives=5, members=60),
        line(3, "coop-a", COOPERATIVE, year=2020, cooperatives=1, members=30),
    ]
    filled = carry_forward(lines, [2019, 2020])
    kept = select_counted(filled, {"FR": "cgscop"})
    assert [(k.id, k.year) for k in kept] == [(1, 2019), (-1, 2020)]  # the carried designated line wins 2020
    table = totals(kept, by=by_year)
    assert table[("2019",)]["members"] == Figure(900.0, False)
    assert table[("2020",)]["members"] == Figure(900.0, True)  # carried forward from 2019
    assert time_series(table, "members") == {(): {2019: 900.0, 2020: 900.0}}


# ---------------------------------------------------------------------------------------------------------------
# Time series, growth rates, shares


def test_time_series_pivots_by_group_and_year():
    table = totals(geo_lines(), by=by_dimension("region", GEOGRAPHY))
    assert time_series(table, "members") == {("002",): {2020: 40.0, 2021: 50.0}, ("150",): {2020: 300.0}}
    assert time_series(table, "not-a-measure") == {("002",): {2020: None, 2021: None}, ("150",): {2020: None}}


def test_growth_rates():
    series = {2019: 110.0, 2018: 100.0, 2020: None, 2021: 121.0, 2022: 0.0, 2023: 5.0}  # unordered on purpose
    assert growth_rates(series) == {
        2018: None,  # first year
        2019: pytest.approx(0.1),  # (110 - 100) / 100
        2020: None,  # value unknown
        2021: None,  # previous unknown
        2022: -1.0,  # (0 - 121) / 121
        2023: None,  # previous is zero
    }
    assert list(growth_rates(series)) == [2018, 2019, 2020, 2021, 2022, 2023]
    assert growth_rates({2018: 100.0, 2020: 150.0}) == {2018: None, 2020: 0.5}  # over the gap: (150 - 100) / 100
    assert growth_rates({}) == {}


def test_shares():
    assert shares({("a",): 1.0, ("b",): 3.0, ("c",): None}) == {("a",): 0.25, ("b",): 0.75, ("c",): None}  # /4
    assert shares({("a",): 0.0, ("b",): None}) == {("a",): None, ("b",): None}  # total 0
    assert shares({("a",): None}) == {("a",): None}  # nothing known
    assert shares({}) == {}


# ---------------------------------------------------------------------------------------------------------------
# Property: the world is the sum of its regions


def test_world_total_equals_sum_over_regions_for_random_lines():
    rng = random.Random(1)
    countries = ["FR", "IT", "KE", "BR", "IN", "JP", "CA", "SN"]
    regions = ["002", "019", "142", "150", "009"]
    geography = {
        c: CountryInfo(region=rng.choice(regions), subregion=None, intermediate=None, developed=rng.random() < 0.5)
        for c in countries
    }
    lines: list[Line] = []
    for i in range(400):
        values: dict[str, float | None] = {
            m: (None if rng.random() < 0.2 else float(rng.randint(0, 1000))) for m in MEASURES if rng.random() < 0.9
        }
        lines.append(
            Line(
                id=i,
                reporter=f"r{rng.randint(0, 12)}",
                reporter_level=rng.choice([NATIONAL, COOPERATIVE]),
                year=rng.randint(2015, 2020),
                country=rng.choice(countries),
                sector=rng.choice(["industry", "services", "agriculture"]),
                membership_type=rng.choice(["worker", "producer"]),
                values=values,
                estimated=frozenset(m for m in MEASURES if rng.random() < 0.05),
            )
        )
    kept = select_counted(carry_forward(lines, range(2015, 2021)), {"FR": "r1", "KE": "r2"})

    for dimension in ("region", "development"):
        world = totals(kept, by=by_dimension("world"))
        parts = totals(kept, by=by_dimension(dimension, geography))
        assert {key[0] for key in parts} == {key[0] for key in world}
        for (year, _), figures in world.items():
            for measure in MEASURES:
                in_year = [f[measure] for key, f in parts.items() if key[0] == year]
                known = [f.value for f in in_year if f.value is not None]
                expected = figures[measure]
                assert expected.value == (sum(known) if known else None)  # integers: exact
                assert expected.estimated == any(f.estimated for f in in_year)
