"""Reads of the statistics shared by the dashboard, the API and the exports.

Published totals are sums of the *counted* lines of validated returns (see aggregation.py for the rule
against double counting), grouped by the database. With `carry`, a country's missing years take its
last known figures, flagged as estimates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Max, QuerySet, Sum
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cicopa.core import params as query_params
from cicopa.core import queries as core_queries
from cicopa.core.models import Country, in_region
from cicopa.registry.models import Organisation, OrganisationKind
from cicopa.statistics import aggregation
from cicopa.statistics.aggregation import Figure
from cicopa.statistics.models import (
    COUNT_MEASURES,
    FIRST_YEAR,
    MEASURE_NAMES,
    CountryYearTotal,
    DesignatedReporter,
    PublishedEstimate,
    ReturnLine,
    ReturnStatus,
    StatisticalReturn,
)

DIMENSIONS = {
    "world": None,
    "region": "country__region",
    "subregion": "country__subregion",
    "development": "country__developed",
    "country": "country",
    "sector": "sector",
    "membership_type": "membership_type",
    "subdivision": "subdivision",  # of one country only (ONE_COUNTRY_DIMENSIONS); "" for the whole country
}
# Dimensions whose values belong to one country: they need the filters to name exactly one.
ONE_COUNTRY_DIMENSIONS = frozenset({"subdivision"})


# How messages name each filter: in the reader's language, not by its parameter.
FILTER_LABELS = {
    "country": gettext_lazy("country"),
    "sector": gettext_lazy("sector"),
    "membership_type": gettext_lazy("membership type"),
    "year_from": gettext_lazy("first year"),
    "year_to": gettext_lazy("last year"),
}


@dataclass(frozen=True)
class StatsFilters:
    measure: str = "cooperatives"
    region: str = ""
    country: tuple[str, ...] = ()
    sector: tuple[str, ...] = ()
    membership_type: tuple[str, ...] = ()
    year_from: int = FIRST_YEAR
    year_to: int = field(default_factory=lambda: timezone.localdate().year)
    carry: bool = False


def parse_filters(params: Mapping[str, Any]) -> StatsFilters:
    """Read statistics filters from query parameters; raise ValidationError naming each bad one."""
    errors: dict[str, str] = {}
    data: dict[str, Any] = {}
    measure = query_params.one(params, "measure") or "cooperatives"
    if measure == "turnover":
        errors["measure"] = _(
            "Turnover is reported in several currencies and is not added up; the long-format CSV has each figure."
        )
    elif measure not in MEASURE_NAMES:
        errors["measure"] = _("Unknown measure %(v)s; use one of %(choices)s.") % {
            "v": measure,
            "choices": ", ".join(MEASURE_NAMES),
        }
    data["measure"] = measure
    known = core_queries.known_codes()
    for key in ("country", "sector", "membership_type"):
        label = FILTER_LABELS[key]
        data[key] = query_params.codes(
            params,
            key,
            known[key],
            errors,
            label=label,
            upper=key == "country",
            read=core_queries.read_country if key == "country" else None,
        )
    data["region"] = query_params.region(params, errors)
    this_year = timezone.localdate().year
    for key, default in (("year_from", FIRST_YEAR), ("year_to", this_year)):
        raw = query_params.one(params, key)
        try:
            value = int(raw) if raw else default
            if not FIRST_YEAR <= value <= this_year:
                raise ValueError
        except ValueError:
            errors[key] = _("%(param)s must be a year from %(low)s to %(high)s, not %(v)s") % {
                "param": capfirst(FILTER_LABELS[key]),
                "low": FIRST_YEAR,
                "high": this_year,
                "v": raw,
            }
            value = default
        data[key] = value
    if data["year_from"] > data["year_to"]:
        errors["year_from"] = _("The first year comes after the last year.")
    carry = (query_params.one(params, "carry") or "false").lower()
    if carry not in ("true", "false", "1", "0", "on", "off", "yes", "no"):
        errors["carry"] = _("carry must be true or false, not %(v)s") % {"v": carry}
    data["carry"] = carry in ("true", "1", "on", "yes")
    if errors:
        raise ValidationError(errors)
    return StatsFilters(**data)


def counted(filters: StatsFilters) -> QuerySet[ReturnLine]:
    """The lines that enter published totals, within the filters."""
    qs = ReturnLine.objects.filter(counted=True, year__gte=filters.year_from, year__lte=filters.year_to)
    if filters.region:
        qs = qs.filter(in_region(filters.region))
    if filters.country:
        qs = qs.filter(country__in=filters.country)
    if filters.sector:
        qs = qs.filter(sector__in=filters.sector)
    if filters.membership_type:
        qs = qs.filter(membership_type__in=filters.membership_type)
    return qs


Series = dict[str, dict[int, Figure]]  # dimension value -> year -> figure


def series(filters: StatsFilters, dimension: str = "world") -> Series:
    """Yearly totals of the filters' measure for each value of `dimension`."""
    if dimension not in DIMENSIONS:
        raise ValidationError(
            {
                "dimension": _("Unknown dimension %(v)s; use one of %(choices)s.")
                % {"v": dimension, "choices": ", ".join(DIMENSIONS)}
            }
        )
    if dimension in ONE_COUNTRY_DIMENSIONS and len(filters.country) != 1:
        raise ValidationError(
            {"dimension": _("A breakdown by subdivision is of one country: choose exactly one country.")}
        )
    if filters.carry:
        return _carried_series(filters, dimension)
    measure = filters.measure
    group = DIMENSIONS[dimension]
    bit = 1 << MEASURE_NAMES.index(measure)
    qs: QuerySet[Any] = counted(filters).order_by()
    if dimension in COUNTRY_LEVEL and not (filters.sector or filters.membership_type):
        qs = _country_totals(filters)  # the same sums, kept per country and year
    keys = ["year", group] if group else ["year"]
    rows = qs.values(*keys).annotate(
        total=Sum(measure), known=Count(measure), estimate=Max(F("estimated_mask").bitand(bit))
    )
    out: Series = {}
    for row in rows:
        key = _key(dimension, row[group] if group else None)
        if key is None:
            continue
        value = float(row["total"]) if row["known"] else None
        out.setdefault(key, {})[row["year"]] = Figure(value, bool(row["estimate"]))
    return out


COUNTRY_LEVEL = ("world", "region", "subregion", "development", "country")


def _country_totals(filters: StatsFilters) -> QuerySet[CountryYearTotal]:
    qs = CountryYearTotal.objects.filter(year__gte=filters.year_from, year__lte=filters.year_to)
    if filters.region:
        qs = qs.filter(in_region(filters.region))
    if filters.country:
        qs = qs.filter(country__in=filters.country)
    return qs.order_by()


def _key(dimension: str, value: Any) -> str | None:
    if dimension == "world":
        return "world"
    if dimension == "development":
        return "developed" if value else "developing"
    return None if value is None else str(value)


def _carried_series(filters: StatsFilters, dimension: str) -> Series:
    """Totals per (year, country, dimension value) from the database; each country's gaps are then filled with
    its last known figures (flagged as estimates) before summing.

    By subdivision, a year is missing when the country has no figure at all that year, as for its total: the
    year takes the country's last known figures of every subdivision, so that the breakdown still adds up to
    the country's carried total."""
    measure = filters.measure
    group = DIMENSIONS[dimension]
    bit = 1 << MEASURE_NAMES.index(measure)
    keys = ["year", "country", *([group] if group and group != "country" else [])]
    rows = (
        counted(filters)
        .order_by()
        .values(*keys)
        .annotate(total=Sum(measure), known=Count(measure), estimate=Max(F("estimated_mask").bitand(bit)))
    )
    lines = []
    whole_country = dimension in ONE_COUNTRY_DIMENSIONS  # one series per country, the value beside it
    for i, row in enumerate(rows):
        key = _key(dimension, row[group] if group else None)
        if key is None:
            continue
        lines.append(
            aggregation.Line(
                id=i,
                reporter=row["country"],
                reporter_level="national",
                year=row["year"],
                country=row["country"],
                sector="" if whole_country else key,
                membership_type="",
                values={measure: float(row["total"]) if row["known"] else None},
                estimated=frozenset({measure}) if row["estimate"] else frozenset(),
                subdivision=key if whole_country else "",
            )
        )
    # Carry up to the last year anyone reported, not into years nobody has reported yet.
    last = max((line.year for line in lines), default=filters.year_from)
    filled = aggregation.carry_forward(lines, range(filters.year_from, min(filters.year_to, last) + 1))
    totals = aggregation.totals(
        filled, by=lambda line: (line.subdivision if whole_country else line.sector, str(line.year))
    )
    out: Series = {}
    for (key, year), figures in totals.items():
        out.setdefault(key, {})[int(year)] = figures[measure]
    return out


def latest_year(filters: StatsFilters) -> int | None:
    """The latest year with counted figures within the filters (read down an index on the year: no scan)."""
    qs: QuerySet[Any] = counted(filters)
    if not (filters.sector or filters.membership_type):
        qs = _country_totals(filters)
    year = qs.order_by("-year").values_list("year", flat=True).first()
    return int(year) if year is not None else None


def breakdown(filters: StatsFilters, dimension: str, year: int) -> dict[str, Figure]:
    """One year's totals per value of `dimension` (for bar charts, tables and the map)."""
    one_year = StatsFilters(
        **{**filters.__dict__, "year_from": year if not filters.carry else filters.year_from, "year_to": year}
    )
    return {key: years[year] for key, years in series(one_year, dimension).items() if year in years}


def headline(filters: StatsFilters) -> dict[str, Any]:
    """Every measure for the latest year with data, with its change from the year before."""
    year = latest_year(filters)
    if year is None:
        return {"year": None, "figures": {}}
    two_years = StatsFilters(**{**filters.__dict__, "year_from": max(filters.year_from, year - 1), "year_to": year})
    figures = {}
    for measure, world in _world_by_measure(two_years).items():
        current, previous = world.get(year), world.get(year - 1)
        growth = aggregation.growth_rates({y: fig.value for y, fig in world.items()}).get(year) if previous else None
        figures[measure] = {"figure": current, "growth": growth}
    return {"year": year, "figures": figures}


def _world_by_measure(filters: StatsFilters) -> dict[str, dict[int, Figure]]:
    """World totals of every counted measure per year: one grouped query (the carried view: one per measure)."""
    if filters.carry:
        return {
            m: series(StatsFilters(**{**filters.__dict__, "measure": m}), "world").get("world", {})
            for m, _label in COUNT_MEASURES
        }
    qs: QuerySet[Any] = counted(filters).order_by()
    if not (filters.sector or filters.membership_type):
        qs = _country_totals(filters)
    sums: dict[str, Any] = {}
    for m, _label in COUNT_MEASURES:
        bit = 1 << MEASURE_NAMES.index(m)
        sums |= {f"{m}__total": Sum(m), f"{m}__known": Count(m), f"{m}__estimate": Max(F("estimated_mask").bitand(bit))}
    out: dict[str, dict[int, Figure]] = {m: {} for m, _label in COUNT_MEASURES}
    for row in qs.values("year").annotate(**sums):
        for m in out:
            value = float(row[f"{m}__total"]) if row[f"{m}__known"] else None
            out[m][row["year"]] = Figure(value, bool(row[f"{m}__estimate"]))
    return out


def published(filters: StatsFilters) -> list[PublishedEstimate]:
    """The published estimates that stand beside the filters' sums: those of the same place (the world, the
    region or the one country chosen) within the years chosen. A sector or membership type narrows the sums
    below anything published, so then there are none: the chart, its table, the downloads and the API all
    show exactly these."""
    if filters.sector or filters.membership_type or len(filters.country) > 1:
        return []
    if filters.country:
        if filters.region:  # a country and a region: the sums are the country's if it lies in the region
            return []
        scope = filters.country[0]
    else:
        scope = filters.region or "world"
    return list(
        PublishedEstimate.objects.filter(
            scope=scope, measure=filters.measure, year__gte=filters.year_from, year__lte=filters.year_to
        ).order_by("year")
    )


def starting_lines(ret: StatisticalReturn) -> tuple[list[ReturnLine], int | None]:
    """The lines a return is filled in from: its own, or, while it has none, the reporter's validated lines of
    the year before (the form and the XLSX template alike). Returns the lines and, for last year's, that year."""
    lines = list(ret.lines.all())
    if lines:
        return lines, None
    previous = StatisticalReturn.objects.filter(
        reporter=ret.reporter_id, year=ret.year - 1, status=ReturnStatus.VALIDATED
    ).first()
    return (list(previous.lines.all()), previous.year) if previous else ([], None)


def has_subdivisions(filters: StatsFilters) -> bool:
    """Whether any counted line within the filters is of a subdivision (the filters naming one country)."""
    return len(filters.country) == 1 and counted(filters).exclude(subdivision="").exists()


def _line_key(line: Mapping[str, Any]) -> str:
    """A line of a version's snapshot as "sector/membership type", with "/subdivision" when it has one."""
    key = f"{line['sector_id']}/{line['membership_type_id']}"
    return f"{key}/{line['subdivision']}" if line.get("subdivision") else key


@dataclass(frozen=True)
class FigureChange:
    line: str  # "sector/membership type", or "sector/membership type/subdivision"
    field: str  # a measure, or "" when the whole line was added or removed
    old: Any
    new: Any


def version_changes(versions: list[Any]) -> dict[int, list[FigureChange]]:
    """For each version of a return, what it changed in the lines since the version before."""
    out: dict[int, list[FigureChange]] = {}
    previous: dict[str, dict[str, Any]] = {}
    for version in sorted(versions, key=lambda v: v.number):
        lines = {_line_key(ln): ln for ln in version.snapshot.get("lines", [])}
        changes = [FigureChange(key, "", None, "added") for key in lines if key not in previous]
        changes += [FigureChange(key, "", "removed", None) for key in previous if key not in lines]
        for key in lines.keys() & previous.keys():
            for name in (*MEASURE_NAMES, "estimated", "source", "explanation"):
                old, new = previous[key].get(name), lines[key].get(name)
                if old != new:
                    changes.append(FigureChange(key, name, old, new))
        out[version.number] = sorted(changes, key=lambda c: (c.line, c.field))
        previous = lines
    return out


@dataclass
class CountryReporters:
    country: Country
    reporters: list[Any]  # organisations (not co-operatives) with returns for the country, with `returns` counted
    designated: Any  # the designated organisation, or None

    @property
    def needs_choice(self) -> bool:
        return len(self.reporters) > 1 and self.designated is None


def reporters_by_country() -> list[CountryReporters]:
    """Countries where more than one organisation reports, or where a reporter is designated: where the
    designation decides whose figures count."""
    reporting = (
        Organisation.objects.exclude(kind=OrganisationKind.COOPERATIVE)
        .filter(statistical_returns__isnull=False, country__isnull=False)
        .annotate(returns=Count("statistical_returns"))
        .select_related("country")
        .order_by("sort_name")
    )
    by_country: dict[str, list[Any]] = {}
    for org in reporting:
        by_country.setdefault(str(org.country_id), []).append(org)
    designated = {d.country_id: d.organisation for d in DesignatedReporter.objects.select_related("organisation")}
    countries = {c.iso2: c for c in Country.objects.filter(iso2__in=set(by_country) | set(designated))}
    rows = [
        CountryReporters(countries[iso], by_country.get(iso, []), designated.get(iso))
        for iso in countries
        if len(by_country.get(iso, [])) > 1 or iso in designated
    ]
    return sorted(rows, key=lambda r: (not r.needs_choice, r.country.name))


def returns() -> QuerySet[StatisticalReturn]:
    """Returns with their reporter, as a return's pages and endpoints read one."""
    return StatisticalReturn.objects.select_related("reporter", "reporter__country")
