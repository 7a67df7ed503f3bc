"""Tests of the server-rendered SVG charts (pure Python, no Django needed)."""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest

from cicopa.core.charts import (
    Bar,
    ChartTexts,
    Series,
    bar_chart,
    default_format,
    line_chart,
    nice_ticks,
    year_ticks,
)

SVG = "{http://www.w3.org/2000/svg}"
TEXTS = ChartTexts(estimate="estimate", estimate_key="Estimate", unknown="unknown", empty="No data")
NASTY = "A <b>&amp; \"quoted\" 'x' > y"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def classes(el: ET.Element) -> set[str]:
    return set(el.get("class", "").split())


def with_class(root: ET.Element, tag: str, css: str) -> list[ET.Element]:
    return [el for el in root.iter(f"{SVG}{tag}") if css in classes(el)]


def texts(root: ET.Element, css: str) -> list[str]:
    return ["".join(el.itertext()) for el in with_class(root, "text", css)]


def subpath_count(d: str) -> int:
    return d.count("M")


def simple_line(number_format: Callable[[float], str] = default_format) -> str:
    series = [Series("Studies", [(2000, 1.0), (2001, 3.0), (2002, 2.0)])]
    return line_chart(
        series, title="T", description="D", y_label="Y", id_prefix="c", number_format=number_format, texts=TEXTS
    )


# --- default_format ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1234567, "1,234,567"),
        (1234567.0, "1,234,567"),
        (12.5, "12.5"),
        (0, "0"),
        (-0.0, "0"),
        (-4321, "-4,321"),
        (1234.5, "1,234.5"),
        (2.25, "2.25"),
        (0.125, "0.125"),
        (1e9, "1,000,000,000"),
    ],
)
def test_default_format(value: float, expected: str) -> None:
    assert default_format(value) == expected


# --- ticks ------------------------------------------------------------------------------------------


def _is_round_step(step: float) -> bool:
    exponent = math.floor(math.log10(step))
    mantissa = step / 10.0**exponent
    return any(math.isclose(mantissa, m, rel_tol=1e-9) for m in (1.0, 2.0, 2.5, 5.0, 10.0))


@pytest.mark.parametrize(
    ("lo", "hi"),
    [(0, 1), (0, 3), (1, 7), (0, 4123), (1200, 4130), (0, 1e9), (3, 3), (0, 0), (0.01, 0.07), (-250, 980), (-5, -1)],
)
def test_nice_ticks(lo: float, hi: float) -> None:
    ticks = nice_ticks(lo, hi)
    assert 4 <= len(ticks) <= 6
    assert 0.0 in ticks
    assert ticks[0] <= min(lo, 0) and ticks[-1] >= max(hi, 0)
    steps = [b - a for a, b in itertools.pairwise(ticks)]
    assert all(math.isclose(s, steps[0], rel_tol=1e-9) for s in steps)
    assert _is_round_step(steps[0])


def test_nice_ticks_examples() -> None:
    assert nice_ticks(0, 4123) == [0, 1000, 2000, 3000, 4000, 5000]
    assert nice_ticks(0, 1e9) == [0, 2e8, 4e8, 6e8, 8e8, 1e9]
    assert nice_ticks(0, 0.07) == [0, 0.02, 0.04, 0.06, 0.08]


@pytest.mark.parametrize(("first", "last"), [(1975, 2025), (2000, 2001), (1900, 2025), (1, 3000), (2010, 2025)])
@pytest.mark.parametrize("plot_width", [200.0, 650.0, 1200.0])
def test_year_ticks(first: int, last: int, plot_width: float) -> None:
    ticks = year_ticks(first, last, plot_width)
    assert 1 <= len(ticks) <= 10
    assert all(first <= t <= last for t in ticks)
    if len(ticks) > 1:
        step = ticks[1] - ticks[0]
        assert all(b - a == step for a, b in itertools.pairwise(ticks))
        assert step * plot_width / (last - first) >= 40  # labels do not overlap
        assert all(t % step == 0 for t in ticks)


def test_year_ticks_single_year() -> None:
    assert year_ticks(2020, 2020, 600.0) == [2020]


# --- line chart ---------------------------------------------------------------------------------------


def test_line_chart_root() -> None:
    root = parse(simple_line())
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert classes(root) == {"chart", "chart-line"}
    assert root.get("viewBox") == "0 0 720 320"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text == "T" and desc.text == "D"


def test_line_chart_is_deterministic_with_a_prefix_and_unique_without() -> None:
    assert simple_line() == simple_line()
    series = [Series("S", [(2000, 1.0)])]
    first = line_chart(series, title="T", description="D", y_label="Y", texts=TEXTS)
    second = line_chart(series, title="T", description="D", y_label="Y", texts=TEXTS)
    ids_first = set(re.findall(r'id="([^"]+)"', first))
    ids_second = set(re.findall(r'id="([^"]+)"', second))
    assert len(ids_first) == 2 and not ids_first & ids_second


def test_line_chart_escaping() -> None:
    series = [Series(NASTY, [(2000, 1.0), (2001, 2.0)], css_class="series-x"), Series("Other", [(2000, 2.0)])]
    svg = line_chart(
        series,
        title=NASTY,
        description=NASTY,
        y_label=NASTY,
        id_prefix="c",
        texts=dataclasses.replace(TEXTS, empty=NASTY),
    )
    root = parse(svg)
    assert "<b>" not in svg
    assert root.findtext(f"{SVG}title") == NASTY
    assert root.findtext(f"{SVG}desc") == NASTY
    assert NASTY in texts(root, "chart-axis-title")
    assert NASTY in texts(root, "chart-label")  # legend
    point_titles = [el.findtext(f"{SVG}title") for el in with_class(root, "circle", "chart-point")]
    assert f"{NASTY}, 2000: 1" in point_titles


def test_line_chart_paths_and_points() -> None:
    series = [
        Series("A", [(2000, 1.0), (2001, 2.0), (2002, 3.0)], css_class="series-published"),
        Series("B", [(2000, 3.0), (2001, 1.0), (2002, 2.5)]),
    ]
    root = parse(line_chart(series, title="T", description="D", y_label="Y", texts=TEXTS))
    paths = with_class(root, "path", "chart-series")
    assert len(paths) == 2
    assert classes(paths[0]) == {"chart-series", "chart-series-0", "series-published"}
    assert classes(paths[1]) == {"chart-series", "chart-series-1"}
    assert all(subpath_count(p.get("d", "")) == 1 for p in paths)
    points = with_class(root, "circle", "chart-point")
    assert len(points) == 6
    titles = [p.findtext(f"{SVG}title") for p in points]
    assert "A, 2001: 2" in titles and "B, 2002: 2.5" in titles
    assert not with_class(root, "circle", "chart-point-estimate")
    assert not with_class(root, "path", "chart-series-estimate")
    assert with_class(root, "g", "chart-legend")  # more than one series


def test_line_chart_gaps_split_the_path() -> None:
    points: list[tuple[int, float | None]] = [
        (2000, 1.0),
        (2001, 2.0),
        (2002, None),
        (2003, 4.0),
        (2004, 5.0),
        (2005, None),
        (2006, math.nan),
        (2007, 3.0),
        (2008, 3.5),
    ]
    root = parse(line_chart([Series("A", points)], title="T", description="D", y_label="Y", texts=TEXTS))
    (path,) = with_class(root, "path", "chart-series")
    d = path.get("d", "")
    assert subpath_count(d) == 3
    assert d.count("L") == 3
    assert len(with_class(root, "circle", "chart-point")) == 6  # one per known point
    assert not with_class(root, "g", "chart-legend")  # a single series without estimates


def test_line_chart_points_are_sorted_by_year() -> None:
    root = parse(
        line_chart(
            [Series("A", [(2002, 1.0), (2000, 2.0), (2001, 3.0)])], title="T", description="D", y_label="Y", texts=TEXTS
        )
    )
    (path,) = with_class(root, "path", "chart-series")
    xs = [float(m) for m in re.findall(r"[ML](-?[\d.]+) ", path.get("d", ""))]
    assert xs == sorted(xs)


def test_line_chart_estimates() -> None:
    series = [Series("A", [(2000, 1.0), (2001, 2.0), (2002, 3.0), (2003, 4.0)], estimated_years=frozenset({2003}))]
    root = parse(
        line_chart(
            series,
            title="T",
            description="D",
            y_label="Y",
            texts=dataclasses.replace(TEXTS, estimate="est.", estimate_key="Est."),
        )
    )
    estimates = with_class(root, "circle", "chart-point-estimate")
    assert len(estimates) == 1
    assert classes(estimates[0]) >= {"chart-point", "chart-point-estimate", "chart-series-0"}
    assert estimates[0].findtext(f"{SVG}title") == "A, 2003: 4 (est.)"
    others = [c for c in with_class(root, "circle", "chart-point") if c not in estimates]
    assert len(others) == 3 and all("est" not in (c.findtext(f"{SVG}title") or "") for c in others)
    (solid,) = with_class(root, "path", "chart-series")
    (dashed,) = with_class(root, "path", "chart-series-estimate")
    assert solid.get("d", "").count("L") == 2  # 2000-2001-2002
    assert dashed.get("d", "").count("L") == 1  # 2002-2003
    assert classes(dashed) >= {"chart-series-0"}
    legend = with_class(root, "g", "chart-legend")
    assert legend and "Est." in texts(legend[0], "chart-label")


def test_line_chart_y_ticks_are_round_and_cover_the_data() -> None:
    series = [Series("A", [(2000, 1234.0), (2001, 4123.0)]), Series("B", [(2000, 17.0), (2001, None)])]
    root = parse(line_chart(series, title="T", description="D", y_label="Y", id_prefix="c", texts=TEXTS))
    labels = [t for t in texts(root, "chart-axis") if "," in t or t == "0"]
    assert labels == ["0", "1,000", "2,000", "3,000", "4,000", "5,000"]
    grid = with_class(root, "line", "chart-grid")
    assert len(grid) == 6
    assert len(with_class(root, "line", "chart-grid-zero")) == 1
    # The highest point is inside the plot, below the top grid line.
    top_grid = min(float(line.get("y1", "0")) for line in grid)
    ys = [float(c.get("cy", "0")) for c in with_class(root, "circle", "chart-point")]
    assert min(ys) > top_grid


def test_line_chart_number_format() -> None:
    svg = simple_line(number_format=lambda v: f"{v:.1f} u")
    root = parse(svg)
    assert "3.0 u" in texts(root, "chart-axis")
    assert "Studies, 2001: 3.0 u" in [c.findtext(f"{SVG}title") for c in with_class(root, "circle", "chart-point")]


def test_line_chart_year_labels_at_most_ten() -> None:
    series = [Series("A", [(y, float(y - 1900)) for y in range(1900, 2026)])]
    for width in (320, 720, 1600):
        root = parse(line_chart(series, title="T", description="D", y_label="Y", width=width, texts=TEXTS))
        years = [t for t in texts(root, "chart-axis") if re.fullmatch(r"\d{4}", t)]
        assert 2 <= len(years) <= 10
        xs = [float(el.get("x", "0")) for el in with_class(root, "text", "chart-axis") if el.text in years]
        assert all(b - a >= 40 for a, b in itertools.pairwise(xs))


def test_line_chart_1975_2025() -> None:
    series = [Series("A", [(y, 1.0) for y in range(1975, 2026)])]
    root = parse(line_chart(series, title="T", description="D", y_label="Y", texts=TEXTS))
    years = [t for t in texts(root, "chart-axis") if re.fullmatch(r"\d{4}", t)]
    assert years == ["1980", "1990", "2000", "2010", "2020"]


def test_line_chart_huge_values() -> None:
    series = [Series("A", [(2000, 2.5e8), (2001, 1e9)])]
    root = parse(line_chart(series, title="T", description="D", y_label="Y", texts=TEXTS))
    labels = texts(root, "chart-axis")
    assert "1,000,000,000" in labels and "0" in labels
    # The long tick labels fit: they end (text-anchor="end") left of the plot, which starts after them.
    label = next(el for el in with_class(root, "text", "chart-axis") if el.text == "1,000,000,000")
    assert label.get("text-anchor") == "end"
    assert float(label.get("x", "0")) >= 90  # 88 units wide in DejaVu Sans, one of the widest fonts


def test_line_chart_single_point() -> None:
    root = parse(
        line_chart([Series("A", [(2020, 42.0)])], title="T", description="D", y_label="Y", width=600, texts=TEXTS)
    )
    points = with_class(root, "circle", "chart-point")
    assert len(points) == 1
    assert points[0].findtext(f"{SVG}title") == "A, 2020: 42"
    assert not with_class(root, "path", "chart-series")  # no segment to draw
    years = [t for t in texts(root, "chart-axis") if re.fullmatch(r"\d{4}", t)]
    assert years == ["2020"]
    cx = float(points[0].get("cx", "0"))
    assert 0 < cx < 600


@pytest.mark.parametrize(
    "series",
    [
        [],
        [Series("A", [])],
        [Series("A", [(2000, None), (2001, None)])],
        [Series("A", [(2000, math.inf)])],
    ],
)
def test_line_chart_empty(series: list[Series]) -> None:
    svg = line_chart(
        series,
        title="T",
        description="D",
        y_label="Y",
        texts=dataclasses.replace(TEXTS, empty="Aucune donnée"),
        width=600,
        height=300,
    )
    root = parse(svg)
    (empty,) = with_class(root, "text", "chart-empty")
    assert empty.text == "Aucune donnée"
    assert empty.get("x") == "300" and empty.get("y") == "150" and empty.get("text-anchor") == "middle"
    assert not list(root.iter(f"{SVG}path")) and not list(root.iter(f"{SVG}circle"))
    assert root.get("role") == "img"


def test_line_chart_small_height_still_fits() -> None:
    series = [Series(f"Series {i}", [(2000, 1.0), (2001, 2.0)]) for i in range(6)]
    root = parse(line_chart(series, title="T", description="D", y_label="Y", width=300, height=100, texts=TEXTS))
    height = float(root.get("viewBox", "").split()[3])
    assert height > 100
    legend_ys = [float(el.get("y", "0")) for el in with_class(root, "text", "chart-label")]
    assert max(legend_ys) < height
    tick_ys = sorted(float(el.get("y1", "0")) for el in with_class(root, "line", "chart-grid"))
    assert all(b - a >= 20 for a, b in itertools.pairwise(tick_ys))  # tick labels do not overlap


# --- bar chart ---------------------------------------------------------------------------------------


def sample_bars() -> list[Bar]:
    return [
        Bar("Agriculture", 120.0, href="/sectors/agri?x=1&y=2"),
        Bar("Housing", None),
        Bar("Banking", 45.5, estimated=True),
        Bar("Zero", 0.0),
    ]


def test_bar_chart_rows() -> None:
    root = parse(
        bar_chart(sample_bars(), title="T", description="D", value_label="Members", id_prefix="b", texts=TEXTS)
    )
    assert classes(root) == {"chart", "chart-bar"}
    rows = with_class(root, "g", "chart-row")
    assert len(rows) == 4
    assert texts(root, "chart-label") == ["Agriculture", "Housing", "Banking", "Zero"]
    assert [r.findtext(f"{SVG}title") for r in rows] == [
        "Agriculture: 120",
        "Housing: unknown",
        "Banking: 45.5 (estimate)",
        "Zero: 0",
    ]
    bars = with_class(root, "rect", "chart-bar")
    assert len(bars) == 3  # no bar for the unknown value
    widths = [float(b.get("width", "0")) for b in bars]
    assert widths[0] > widths[1] > widths[2] == 0
    assert "Members" in texts(root, "chart-axis-title")


def test_bar_chart_values() -> None:
    root = parse(bar_chart(sample_bars(), title="T", description="D", value_label="V", texts=TEXTS))
    assert texts(root, "chart-value") == ["120", "—", "≈ 45.5", "0"]
    assert texts(root, "chart-value-unknown") == ["—"]
    assert texts(root, "chart-value-estimate") == ["≈ 45.5"]


def test_bar_chart_unknown_row_has_no_bar() -> None:
    root = parse(bar_chart(sample_bars(), title="T", description="D", value_label="V", texts=TEXTS))
    housing = with_class(root, "g", "chart-row")[1]
    assert not housing.findall(f"{SVG}rect")
    assert [t.text for t in housing.findall(f"{SVG}text")] == ["Housing", "—"]


def test_bar_chart_estimates() -> None:
    root = parse(bar_chart(sample_bars(), title="T", description="D", value_label="V", texts=TEXTS))
    estimates = with_class(root, "rect", "chart-bar-estimate")
    assert len(estimates) == 1
    assert classes(estimates[0]) == {"chart-bar", "chart-bar-estimate"}


def test_bar_chart_links() -> None:
    svg = bar_chart(sample_bars(), title="T", description="D", value_label="V", texts=TEXTS)
    root = parse(svg)
    links = list(root.iter(f"{SVG}a"))
    assert len(links) == 1
    assert links[0].get("href") == "/sectors/agri?x=1&y=2"
    assert "&amp;y=2" in svg
    assert links[0].get("aria-label") == "Agriculture: 120"
    assert links[0].find(f"{SVG}g") is not None
    assert with_class(links[0], "rect", "chart-row-bg")
    assert root.get("role") == "group"  # an image may not contain links


def test_bar_chart_without_links_is_an_image() -> None:
    bars = [Bar("A", 1.0), Bar("B", 2.0, href="javascript:alert(1)"), Bar("C", 3.0, href=" JavaScript :x")]
    svg = bar_chart(bars, title="T", description="D", value_label="V", texts=TEXTS)
    root = parse(svg)
    assert not list(root.iter(f"{SVG}a"))
    assert "javascript" not in svg.lower()
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_bar_chart_escaping() -> None:
    bars = [Bar(NASTY, 3.0, href='/a?b=1&c="2"'), Bar("B", None)]
    svg = bar_chart(
        bars, title=NASTY, description=NASTY, value_label=NASTY, texts=dataclasses.replace(TEXTS, unknown=NASTY)
    )
    root = parse(svg)
    assert "<b>" not in svg
    assert root.findtext(f"{SVG}title") == NASTY
    assert root.findtext(f"{SVG}desc") == NASTY
    assert texts(root, "chart-label") == [NASTY, "B"]
    assert NASTY in texts(root, "chart-axis-title")
    link = next(root.iter(f"{SVG}a"))
    assert link.get("href") == '/a?b=1&c="2"'
    assert link.get("aria-label") == f"{NASTY}: 3"
    assert with_class(root, "g", "chart-row")[1].findtext(f"{SVG}title") == f"B: {NASTY}"


def test_bar_chart_long_labels_are_truncated() -> None:
    long = "Banking, insurance and other financial services of the co-operative kind"
    root = parse(
        bar_chart([Bar(long, 1.0), Bar("Short", 2.0)], title="T", description="D", value_label="V", texts=TEXTS)
    )
    label = texts(root, "chart-label")[0]
    assert label.endswith("…") and len(label) <= 28
    assert long.startswith(label[:-1])
    assert with_class(root, "g", "chart-row")[0].findtext(f"{SVG}title") == f"{long}: 1"
    assert texts(root, "chart-label")[1] == "Short"


def test_bar_chart_height_grows_with_the_bars() -> None:
    def height(n: int) -> float:
        svg = bar_chart(
            [Bar(f"B{i}", float(i)) for i in range(n)], title="T", description="D", value_label="V", texts=TEXTS
        )
        return float(parse(svg).get("viewBox", "").split()[3])

    assert height(1) < height(5) < height(20)
    assert height(20) - height(10) == pytest.approx(10 * (height(5) - height(4)))


def test_bar_chart_huge_values_fit() -> None:
    width = 480
    bars = [Bar("Big", 1e9), Bar("Small", 1.0)]
    root = parse(bar_chart(bars, title="T", description="D", value_label="V", width=width, texts=TEXTS))
    big = with_class(root, "rect", "chart-bar")[0]
    value = with_class(root, "text", "chart-value")[0]
    assert value.text == "1,000,000,000"
    right_end = float(big.get("x", "0")) + float(big.get("width", "0"))
    assert float(value.get("x", "0")) > right_end
    assert float(value.get("x", "0")) + 13 * 7 <= width


def test_bar_chart_negative_values() -> None:
    root = parse(
        bar_chart([Bar("Up", 10.0), Bar("Down", -5.0)], title="T", description="D", value_label="V", texts=TEXTS)
    )
    up, down = with_class(root, "rect", "chart-bar")
    assert float(down.get("x", "0")) + float(down.get("width", "0")) == pytest.approx(float(up.get("x", "0")))
    assert float(up.get("width", "0")) == pytest.approx(2 * float(down.get("width", "0")), abs=0.2)


@pytest.mark.parametrize("bars", [[], [Bar("A", None), Bar("B", None)]])
def test_bar_chart_empty(bars: list[Bar]) -> None:
    root = parse(
        bar_chart(
            bars,
            title="T",
            description="D",
            value_label="V",
            texts=dataclasses.replace(TEXTS, empty="Sin datos"),
            width=400,
        )
    )
    (empty,) = with_class(root, "text", "chart-empty")
    assert empty.text == "Sin datos"
    assert empty.get("x") == "200" and empty.get("text-anchor") == "middle"
    assert not list(root.iter(f"{SVG}rect"))


def test_bar_chart_is_deterministic_with_a_prefix() -> None:
    first = bar_chart(sample_bars(), title="T", description="D", value_label="V", id_prefix="x", texts=TEXTS)
    second = bar_chart(sample_bars(), title="T", description="D", value_label="V", id_prefix="x", texts=TEXTS)
    assert first == second
    assert 'id="x-title"' in first and 'id="x-desc"' in first


# --- no inline styling ------------------------------------------------------------------------------


def test_no_inline_styles_or_colours() -> None:
    series = [
        Series("A", [(2000, 1.0), (2001, None), (2002, 2.0)], frozenset({2002}), "series-a"),
        Series("B", [(2000, 2.0)]),
    ]
    svgs = [
        line_chart(series, title="T", description="D", y_label="Y", texts=TEXTS),
        bar_chart(sample_bars(), title="T", description="D", value_label="V", texts=TEXTS),
        line_chart([], title="T", description="D", y_label="Y", texts=TEXTS),
    ]
    for svg in svgs:
        for el in parse(svg).iter():
            assert "style" not in el.attrib
            assert el.get("fill") in (None, "none")
            assert "stroke" not in el.attrib and "color" not in el.attrib
    assert "<script" not in "".join(svgs)


def test_a_missing_year_breaks_the_line_like_a_gap() -> None:
    """A year with no figure is a break in the line, whether it is given as None or left out."""
    points = [(2000, 1.0), (2001, 2.0), (2003, 4.0), (2004, 5.0)]
    root = parse(line_chart([Series("A", points)], title="T", description="D", y_label="Y", texts=TEXTS))
    (solid,) = with_class(root, "path", "chart-series")
    assert subpath_count(solid.get("d", "")) == 2  # 2000-2001 and 2003-2004, nothing across 2002
    assert len(with_class(root, "circle", "chart-point")) == 4


def test_a_series_of_scattered_estimates_may_join_its_points() -> None:
    published = Series("P", [(1975, 44000.0), (1998, 60000.0)], connect_missing=True)
    root = parse(line_chart([published], title="T", description="D", y_label="Y", texts=TEXTS))
    (solid,) = with_class(root, "path", "chart-series")
    assert subpath_count(solid.get("d", "")) == 1
