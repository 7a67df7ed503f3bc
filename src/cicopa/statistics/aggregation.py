"""Aggregation of statistical returns: which lines count, totals, carried-forward years, growth rates and shares.

Member organisations send yearly statistical returns following the ILO *Guidelines concerning statistics of
cooperatives* (20th ICLS, 2018). A validated return is made of lines; each line gives, for one reporting
organisation, one year, one country, one sector and one membership type, a set of figures ("measures"). Any
figure may be unknown, and any figure may be flagged as an estimate. This module is plain Python (no Django):
the caller turns database rows into :class:`Line` objects and turns the results into pages, charts and files.

No double counting
------------------
The same co-operatives can be reported twice: once by the member organisation that reports for its whole
country, and once by a co-operative reporting for itself; or by two member organisations of the same country.
So the published totals are built cell by cell, a cell being one year, one country, one sector and one
membership type:

1. If any organisation reports for the cell at national level, the co-operatives' own reports for that cell
   are left out: they are already inside the national figure.
2. Only one national reporter is counted per cell. The country's designated reporter wins when it has reported
   for the cell. Otherwise the national reporter with the most co-operatives in the cell wins; a reporter whose
   number of co-operatives is unknown comes after every reporter whose number is known, and a tie goes to the
   reporter whose key sorts first. All of the winner's lines for the cell are counted, nobody else's.
3. If only co-operatives reported for the cell, each of them is counted and their figures are added up.

Cells never influence each other: a national report for one sector, year or membership type does not remove
co-operative reports for another.

A line may be of one subdivision of its country (ISO 3166-2; "" for the whole country or not given). The
subdivision is not part of the cell: a reporter who gives a sector by region reports for the cell with all
those lines together (all counted, or none), and a national report of one region leaves out the co-operatives'
own reports of the whole cell, as any national report does.

Carried-forward years and estimates
-----------------------------------
A reporter who skips a year would otherwise make the totals drop and jump. So, for each series (one reporter,
one country, one sector, one membership type), a year that the series is missing is filled with a copy of the
series' latest earlier report, provided the series had already started: years before a series' first report
stay empty (nothing is invented backwards), while years after its last report are filled with that last report.
Every figure of a filled-in copy is flagged as an estimate. A total is flagged as an estimate when any figure
added into it was an estimate, whether the reporter said so or the figure was carried forward.

An unknown figure is not zero: a total adds the known figures only, and is unknown only when every figure that
would enter it is unknown.

The intended order is: :func:`carry_forward` (all lines, the years to publish), then :func:`select_counted`
(or :func:`counted_lines`) to apply the no-double-counting rule to real and filled lines alike, then
:func:`totals` with a key from :func:`by_dimension`; :func:`time_series`, :func:`growth_rates` and
:func:`shares` work on the totals.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

MEASURES: tuple[str, ...] = (
    "cooperatives",
    "members",
    "members_women",
    "employees",
    "employees_women",
    "worker_members",
    "worker_members_women",
    "producer_members",
    "producer_members_women",
    "turnover",
)

NATIONAL = "national"
"""``reporter_level`` of a member organisation reporting for its country."""
COOPERATIVE = "cooperative"
"""``reporter_level`` of a co-operative reporting for itself."""
REPORTER_LEVELS: tuple[str, ...] = (NATIONAL, COOPERATIVE)

DIMENSIONS: tuple[str, ...] = (
    "world",
    "region",
    "subregion",
    "intermediate",
    "development",
    "country",
    "sector",
    "membership_type",
    "subdivision",
)
GEOGRAPHIC_DIMENSIONS: frozenset[str] = frozenset({"region", "subregion", "intermediate", "development"})

Key = tuple[str, ...]
_Cell = tuple[int, str, str, str]
_Series = tuple[str, str, str, str]


@dataclass(frozen=True)
class Line:
    """One line of a validated statistical return."""

    id: int  # database id, opaque here (carried-forward copies get negative ids)
    reporter: str  # reporting organisation key
    reporter_level: str  # NATIONAL or COOPERATIVE
    year: int
    country: str  # ISO 3166-1 alpha-2
    sector: str
    membership_type: str
    values: Mapping[str, float | None] = field(hash=False)  # measure -> value; a missing key means unknown
    estimated: frozenset[str] = frozenset()  # measures flagged as estimates
    subdivision: str = ""  # ISO 3166-2 code of a subdivision of the country; "" for the whole country or not given

    def value(self, measure: str) -> float | None:
        """The line's figure for ``measure``; None when unknown."""
        return self.values.get(measure)


@dataclass(frozen=True)
class Figure:
    """One published figure."""

    value: float | None  # None when no counted line has a value for the measure
    estimated: bool  # True if any contributing value was an estimate or carried forward


@dataclass(frozen=True)
class CountryInfo:
    """Where a country sits in the UN M49 classification."""

    region: str | None  # M49 region code, e.g. "150" (Europe); None for e.g. Antarctica
    subregion: str | None  # M49 sub-region code, e.g. "155" (Western Europe)
    intermediate: str | None  # M49 intermediate region code, e.g. "014" (Eastern Africa); often None
    developed: bool


# --------------------------------------------------------------------------------------------------------------
# No double counting


def _cell(line: Line) -> _Cell:
    return (line.year, line.country, line.sector, line.membership_type)


def _check_level(line: Line) -> None:
    if line.reporter_level not in REPORTER_LEVELS:
        raise ValueError(f"line {line.id}: reporter_level {line.reporter_level!r} is not one of {REPORTER_LEVELS}")


def _rank(reporter: str, lines: list[Line]) -> tuple[int, float, str]:
    """Sort key among national reporters of a cell: known co-operative count first, highest first, then key."""
    known = [v for v in (line.value("cooperatives") for line in lines) if v is not None]
    if not known:
        return (1, 0.0, reporter)
    return (0, -math.fsum(known), reporter)


def select_counted(lines: Iterable[Line], designated: Mapping[str, str]) -> list[Line]:
    """The lines that enter the published totals, in input order (see the module docstring for the rule).

    ``designated`` maps a country (ISO alpha-2) to the key of its designated national reporter. Raises
    ValueError for a line whose ``reporter_level`` is neither NATIONAL nor COOPERATIVE.
    """
    indexed = list(enumerate(lines))
    cells: dict[_Cell, list[tuple[int, Line]]] = {}
    for index, line in indexed:
        _check_level(line)
        cells.setdefault(_cell(line), []).append((index, line))

    kept: set[int] = set()
    for (_, country, _, _), members in cells.items():
        national: dict[str, list[tuple[int, Line]]] = {}
        for index, line in members:
            if line.reporter_level == NATIONAL:
                national.setdefault(line.reporter, []).append((index, line))
        if not national:
            kept.update(index for index, _ in members)  # rule 3: only self-reports, all summed
            continue
        winner = designated.get(country)
        if winner not in national:  # rule 2: designated reporter absent from this cell
            winner = min(national, key=lambda r: _rank(r, [line for _, line in national[r]]))
        kept.update(index for index, _ in national[winner])  # rule 1: self-reports left out
    return [line for index, line in indexed if index in kept]


def counted_lines(lines: Iterable[Line], designated: Mapping[str, str]) -> set[int]:
    """Ids of the lines that enter the published totals — the no-double-counting rule.

    For each (year, country, sector, membership_type) cell:
      1. If any national-level line exists for the cell, co-operative self-reports for that cell are left out
         (they are already inside the national figure).
      2. Among national-level reporters for the cell: the country's designated reporter (designated[country] =
         reporter key) prevails when it has a line for the cell; otherwise the reporter with the most
         co-operatives in that cell prevails (unknown counts rank last; ties: the smallest reporter key) — one
         national reporter per cell.
      3. If only co-operative self-reports exist for the cell, they are all counted (summed).

    Ids must be unique among ``lines`` for the result to be meaningful; :func:`carry_forward` gives each filled
    line its own negative id. :func:`select_counted` returns the lines themselves.
    """
    return {line.id for line in select_counted(lines, designated)}


# --------------------------------------------------------------------------------------------------------------
# Totals


def totals(lines: Iterable[Line], *, by: Callable[[Line], Key | None]) -> dict[Key, dict[str, Figure]]:
    """Sum every measure of MEASURES per key (lines whose key is None are skipped).

    A measure's sum ignores unknown values but is None when all are unknown. ``estimated`` is True when any
    summed (known) value was estimated; an estimate flag on an unknown value does not count. Keys appear in the
    order they are first met; each key maps every measure of MEASURES, in that order. Measures outside MEASURES
    are ignored. The lines are summed as given: filter them with :func:`select_counted` first.
    """
    known: dict[Key, dict[str, list[float]]] = {}
    flagged: dict[Key, set[str]] = {}
    for line in lines:
        key = by(line)
        if key is None:
            continue
        sums = known.setdefault(key, {measure: [] for measure in MEASURES})
        flags = flagged.setdefault(key, set())
        for measure in MEASURES:
            value = line.value(measure)
            if value is None:
                continue
            sums[measure].append(value)
            if measure in line.estimated:
                flags.add(measure)
    return {
        key: {
            measure: Figure(
                value=math.fsum(values) if values else None,
                estimated=measure in flagged[key],
            )
            for measure, values in sums.items()
        }
        for key, sums in known.items()
    }


def by_year(line: Line) -> Key:
    """Key for :func:`totals`: the year alone, e.g. ``("2020",)``."""
    return (str(line.year),)


def by_dimension(dimension: str, geography: Mapping[str, CountryInfo] | None = None) -> Callable[[Line], Key | None]:
    """Key function for :func:`totals`: ``(str(year), value)`` of the line for one dimension of DIMENSIONS.

    "world" gives ``(year, "world")``; "region", "subregion" and "intermediate" give the M49 code from
    ``geography``; "development" gives "developed" or "developing"; "country", "sector", "membership_type" and
    "subdivision" give the line's own field ("" for a line without a subdivision: it is kept, so that a
    country's breakdown by subdivision adds up to the country's total). For the geographic dimensions a country
    missing from ``geography``, or whose region is None, gives None (the line is left out of that breakdown, not
    out of the world total); so does a country whose sub-region or intermediate region is None for those two
    dimensions.

    Raises ValueError for an unknown dimension, or a geographic dimension without ``geography``.
    """
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}; expected one of {DIMENSIONS}")
    if dimension == "world":

        def world(line: Line) -> Key | None:
            return (str(line.year), "world")

        return world
    if dimension in ("country", "sector", "membership_type", "subdivision"):

        def own_field(line: Line) -> Key | None:
            value: str = getattr(line, dimension)
            return (str(line.year), value)

        return own_field
    if geography is None:
        raise ValueError(f"dimension {dimension!r} needs a geography")
    countries = geography

    def geographic(line: Line) -> Key | None:
        info = countries.get(line.country)
        if info is None or info.region is None:
            return None
        value: str | None
        if dimension == "region":
            value = info.region
        elif dimension == "subregion":
            value = info.subregion
        elif dimension == "intermediate":
            value = info.intermediate
        else:
            value = "developed" if info.developed else "developing"
        return None if value is None else (str(line.year), value)

    return geographic


# --------------------------------------------------------------------------------------------------------------
# Carried-forward years


def _series(line: Line) -> _Series:
    return (line.reporter, line.country, line.sector, line.membership_type)


def carry_forward(lines: Iterable[Line], years: Iterable[int]) -> list[Line]:
    """Fill the years a series skipped with estimated copies of its latest earlier report.

    For each series (reporter, country, sector, membership_type), each year of ``years`` missing from the series
    and coming after the series' first reported year is filled with a copy of the series' last line(s) before
    that year (all of its lines, whatever their subdivision), every measure flagged as estimated. Years before a
    series starts stay gaps; years after it ends are filled. Returns the original lines (unchanged, same order)
    followed by the filled ones.

    Each filled line gets its own negative id (-1, -2, ... below any negative id already present) so that
    :func:`counted_lines` can tell them apart; ``id < 0`` marks a filled line.
    """
    originals = list(lines)
    wanted = sorted(set(years))
    reported: dict[_Series, dict[int, list[Line]]] = {}
    for line in originals:
        reported.setdefault(_series(line), {}).setdefault(line.year, []).append(line)

    next_id = min([-1, *(line.id - 1 for line in originals if line.id < 0)])
    filled: list[Line] = []
    for history in reported.values():
        known_years = sorted(history)
        for year in wanted:
            if year <= known_years[0] or year in history:
                continue
            last = known_years[bisect.bisect_left(known_years, year) - 1]
            for source in history[last]:
                filled.append(
                    replace(
                        source,
                        id=next_id,
                        year=year,
                        values=dict(source.values),
                        estimated=frozenset(MEASURES) | frozenset(source.values) | source.estimated,
                    )
                )
                next_id -= 1
    return originals + filled


# --------------------------------------------------------------------------------------------------------------
# Time series, growth rates, shares


def time_series(table: Mapping[Key, Mapping[str, Figure]], measure: str) -> dict[Key, dict[int, float | None]]:
    """Pivot a :func:`totals` table keyed ``(year, *group)`` into ``group -> {year: value}`` for one measure.

    The years of each group are in ascending order; the result feeds :func:`growth_rates`.
    """
    result: dict[Key, dict[int, float | None]] = {}
    for key in sorted(table, key=lambda k: (k[1:], int(k[0]))):
        figure = table[key].get(measure)
        result.setdefault(key[1:], {})[int(key[0])] = None if figure is None else figure.value
    return result


def growth_rates(series: Mapping[int, float | None]) -> dict[int, float | None]:
    """Year -> relative change from the previous year present in the series ((v - prev) / prev).

    None for the first year, when either value is None, or when prev == 0. The previous year is the previous
    one *present*: over a gap (2018 then 2020) the rate covers both years, it is not annualised. Years come
    out in ascending order.
    """
    result: dict[int, float | None] = {}
    previous: float | None = None
    for position, year in enumerate(sorted(series)):
        value = series[year]
        if position == 0 or value is None or previous is None or previous == 0:
            result[year] = None
        else:
            result[year] = (value - previous) / previous
        previous = value
    return result


def shares(values: Mapping[Key, float | None]) -> dict[Key, float | None]:
    """Each value's share of the sum of the known values (None stays None; all-zero/unknown total -> None)."""
    total = math.fsum(value for value in values.values() if value is not None)
    if total == 0:
        return {key: None for key in values}
    return {key: None if value is None else value / total for key, value in values.items()}
