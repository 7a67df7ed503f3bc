"""Accessible, dependency-free charts rendered on the server as inline SVG.

No JavaScript, no CDN, no third-party library: :func:`line_chart` and :func:`bar_chart` return an SVG
string to be inlined in HTML. Each chart is an ``<svg role="img">`` named by its ``<title>`` and ``<desc>``
(``aria-labelledby``); every data point or bar also carries a ``<title>`` tooltip ("label, year: value").

This module imports nothing from Django. All colours are left to CSS; the SVG only carries classes:

* root: ``chart`` plus ``chart-line`` or ``chart-bar``; ``chart-empty`` text when there is nothing to draw;
* text: ``chart-axis`` (tick labels, plus ``chart-axis-title`` for the axis name), ``chart-label``
  (legend and bar labels), ``chart-value`` (bar values, plus ``chart-value-estimate`` /
  ``chart-value-unknown``);
* lines: ``chart-grid`` (``chart-grid-zero`` for the zero line), ``chart-axis-line``, ``chart-tick``;
* line chart: ``chart-series chart-series-N`` paths (N = index of the series; solid segments),
  ``chart-series-estimate chart-series-N`` paths (segments touching an estimated point, to be dashed),
  ``chart-point chart-series-N`` circles (``chart-point-estimate`` for estimates, to be hollow),
  ``chart-legend`` with ``chart-legend-item``, ``chart-swatch`` (``chart-swatch-estimate``) and
  ``chart-swatch-point`` (``chart-swatch-point-estimate``);
* bar chart: ``chart-row`` groups, ``chart-bar`` rects (``chart-bar-estimate``), ``chart-link`` anchors
  with a ``chart-row-bg`` rect (transparent hit area of the whole row, for hover styles).

A series' extra ``css_class`` is added to every shape of that series (paths, points, legend swatch).
The colour of series N is best given as ``.chart-series-N { color: … }`` and used through
``currentColor`` (``.chart-series, .chart-series-estimate { stroke: currentColor }`` etc.).

The layout assumes a 12-unit sans-serif font (set as the ``font-size`` attribute of the root element);
text widths are estimated generously so that labels do not overlap or get clipped.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from cicopa.core.svg import safe_href

__all__ = [
    "Bar",
    "ChartTexts",
    "Series",
    "bar_chart",
    "default_format",
    "line_chart",
    "nice_ticks",
    "year_ticks",
]

FONT_SIZE = 12
_SVG_NS = "http://www.w3.org/2000/svg"
_ELLIPSIS = "…"
_LABEL_MAX_CHARS = 28
_MAX_YEAR_LABELS = 10
_MIN_YEAR_LABEL_GAP = 44.0  # viewBox units between the centres of two year labels ("2025" is ~31 wide)
_MAX_Y_TICKS = 6


# --------------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """One line of a line chart: ``(year, value)`` points. A year with a ``None`` value, or missing between two
    points, is a gap: the line breaks there. ``connect_missing`` joins points across missing years instead, for
    figures that are scattered by nature (estimates published now and then)."""

    label: str
    points: Sequence[tuple[int, float | None]]
    estimated_years: frozenset[int] = frozenset()
    css_class: str = ""
    connect_missing: bool = False


@dataclass(frozen=True)
class ChartTexts:
    """The words a chart writes besides its data, in the reader's language. This module has no gettext, so
    the caller must give them (``cicopa.core.i18n.chart_texts()`` gives them translated): there is no English
    default to leak into a French page."""

    estimate: str  # after an estimated value in a tooltip: "…: 1,200 (estimate)"
    estimate_key: str  # the legend's entry for estimated points
    unknown: str  # the value of a bar whose figure is unknown, in its tooltip
    empty: str  # centred in a chart with nothing to draw


@dataclass(frozen=True)
class Bar:
    """One row of a bar chart; a ``None`` value is shown as "—" without a bar."""

    label: str
    value: float | None
    estimated: bool = False
    href: str | None = None


# --------------------------------------------------------------------------------------------------
# Numbers and text
# --------------------------------------------------------------------------------------------------


def default_format(v: float) -> str:
    """A plain number with thousands separators: ``1234567`` -> ``"1,234,567"``, ``12.5`` -> ``"12.5"``.

    Non-integers keep two decimals (three significant digits below 1), trailing zeros dropped. This is English:
    this module knows no language, so a page passes ``number_format`` written by ``cicopa.core.formats`` (or
    ``money``) in the reader's language ("1 234 567", "1.234.567").
    """
    v = float(v)
    if not math.isfinite(v):
        return str(v)
    if v.is_integer():
        return f"{int(v):,}"
    digits = 2 if abs(v) >= 1 else min(12, 2 - math.floor(math.log10(abs(v))))
    text = f"{v:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _fmt(tenths: int) -> str:
    sign = "-" if tenths < 0 else ""
    whole, frac = divmod(abs(tenths), 10)
    return f"{sign}{whole}.{frac}" if frac else f"{sign}{whole}"


def _num(value: float) -> str:
    """A coordinate rounded to 0.1 unit, as short as possible."""
    return _fmt(round(value * 10.0))


def _attr(value: str) -> str:
    """Escape a string for a double-quoted XML attribute."""
    return escape(value, {'"': "&quot;"})


def _classes(*parts: str) -> str:
    tokens: list[str] = []
    for part in parts:
        for token in part.split():
            if token not in tokens:
                tokens.append(token)
    return " ".join(tokens)


_NARROW = set("iljI|!'.,:;` ")
_SEMI = set('frt()[]{}-/\\"*')
_WIDE = set("mwMW@%")


def _text_width(text: str, font_size: float = FONT_SIZE) -> float:
    """A generous estimate of the advance width of ``text`` in a common sans-serif font."""
    em = 0.0
    for ch in text:
        if ch in _NARROW:
            em += 0.32
        elif ch in _SEMI:
            em += 0.45
        elif ch in _WIDE:
            em += 0.95
        elif ch.isdigit():
            em += 0.66
        elif ch.isupper():
            em += 0.74
        else:
            em += 0.62
    return em * font_size


def _truncate(label: str, max_width: float) -> str:
    """``label`` cut to at most 28 characters and ``max_width`` units, with an ellipsis when cut."""
    text = " ".join(label.split())
    if len(text) <= _LABEL_MAX_CHARS and _text_width(text) <= max_width:
        return text
    cut = min(len(text), _LABEL_MAX_CHARS - 1)
    while cut > 1 and _text_width(text[:cut].rstrip() + _ELLIPSIS) > max_width:
        cut -= 1
    return text[:cut].rstrip() + _ELLIPSIS


def _finite(value: float | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


# --------------------------------------------------------------------------------------------------
# Ticks
# --------------------------------------------------------------------------------------------------


def nice_ticks(lo: float, hi: float) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 times a power of ten) covering ``[lo, hi]`` and 0; 4 to 6 of them."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi - lo <= 0.0:
        hi = 1.0
    exponent = math.floor(math.log10(hi - lo)) - 1
    while True:
        for mantissa in (1.0, 2.0, 2.5, 5.0):
            step = mantissa * 10.0**exponent
            first = math.floor(lo / step + 1e-9)
            last = math.ceil(hi / step - 1e-9)
            if last - first + 1 <= _MAX_Y_TICKS:
                digits = max(0, 1 - exponent)
                return [round(i * step, digits) + 0.0 for i in range(first, last + 1)]
        exponent += 1


def _year_steps() -> list[int]:
    steps: list[int] = []
    scale = 1
    while scale <= 10**6:
        steps += [scale, 2 * scale, 5 * scale] if scale == 1 else [scale, 2 * scale, int(2.5 * scale), 5 * scale]
        scale *= 10
    return steps


def year_ticks(first: int, last: int, plot_width: float) -> list[int]:
    """Years to label on an axis ``plot_width`` units wide: multiples of a round step, at most 10."""
    if last <= first:
        return [first]
    per_year = plot_width / (last - first)
    for step in _year_steps():
        start = -(-first // step) * step
        ticks = list(range(start, last + 1, step))
        if len(ticks) <= _MAX_YEAR_LABELS and (len(ticks) < 2 or step * per_year >= _MIN_YEAR_LABEL_GAP):
            return ticks or [first]
    return [first]


# --------------------------------------------------------------------------------------------------
# Shared SVG pieces
# --------------------------------------------------------------------------------------------------


def _uid(id_prefix: str | None) -> str:
    return id_prefix if id_prefix else f"chart-{uuid.uuid4().hex[:12]}"


def _open(uid: str, kind: str, width: float, height: float, title: str, description: str, role: str) -> list[str]:
    title_id, desc_id = f"{uid}-title", f"{uid}-desc"
    return [
        f'<svg xmlns="{_SVG_NS}" viewBox="0 0 {_num(width)} {_num(height)}" width="{_num(width)}" '
        f'height="{_num(height)}" role="{role}" aria-labelledby="{_attr(title_id)} {_attr(desc_id)}" '
        f'class="chart {kind}" font-size="{FONT_SIZE}">',
        f'<title id="{_attr(title_id)}">{escape(title)}</title>',
        f'<desc id="{_attr(desc_id)}">{escape(description)}</desc>',
    ]


def _text(x: float, y: float, text: str, css: str, anchor: str = "start") -> str:
    anchor_attr = "" if anchor == "start" else f' text-anchor="{anchor}"'
    return f'<text class="{_attr(css)}" x="{_num(x)}" y="{_num(y)}" dy="0.35em"{anchor_attr}>{escape(text)}</text>'


def _line(x1: float, y1: float, x2: float, y2: float, css: str) -> str:
    return f'<line class="{_attr(css)}" x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}"/>'


def _empty(out: list[str], width: float, height: float, empty_text: str) -> str:
    out.append(_text(width / 2.0, height / 2.0, empty_text, "chart-label chart-empty", "middle"))
    out.append("</svg>")
    return "\n".join(out)


# --------------------------------------------------------------------------------------------------
# Line chart
# --------------------------------------------------------------------------------------------------

_LINE_TOP = 40.0  # room for the y-axis title
_LINE_RIGHT = 24.0
_X_LABELS_H = 28.0  # tick marks and year labels below the plot
_LEGEND_ROW_H = 20.0
_LEGEND_SWATCH = 22.0
_LEGEND_GAP = 20.0
_MIN_TICK_GAP = 22.0  # minimum vertical distance between two y tick labels


def _clean_points(series: Series) -> list[tuple[int, float | None]]:
    """The points sorted by year, with non-finite values turned into gaps."""
    return sorted(((int(year), _finite(value)) for year, value in series.points), key=lambda p: p[0])


def _subpaths(runs: list[list[tuple[float, float]]]) -> str:
    pieces: list[str] = []
    for run in runs:
        (x0, y0), rest = run[0], run[1:]
        pieces.append(f"M{_num(x0)} {_num(y0)}" + "".join(f"L{_num(x)} {_num(y)}" for x, y in rest))
    return "".join(pieces)


def _legend_rows(items: list[str], x_start: float, x_end: float) -> list[list[tuple[int, float]]]:
    """Lay the legend items out in rows: (item index, x) per item, wrapping at ``x_end``."""
    rows: list[list[tuple[int, float]]] = [[]]
    x = x_start
    for i, label in enumerate(items):
        item_w = _LEGEND_SWATCH + 6.0 + _text_width(label)
        if rows[-1] and x + item_w > x_end:
            rows.append([])
            x = x_start
        rows[-1].append((i, x))
        x += item_w + _LEGEND_GAP
    return rows


def line_chart(
    series: Sequence[Series],
    *,
    title: str,
    description: str,
    y_label: str,
    texts: ChartTexts,
    number_format: Callable[[float], str] = default_format,
    width: int = 720,
    height: int = 320,
    id_prefix: str | None = None,
) -> str:
    """A line chart of yearly values as an SVG string (one line per series, broken at gaps: ``None`` values and
    missing years).

    The y axis starts at (or includes) 0 and has 4 to 6 round ticks labelled with ``number_format``;
    at most 10 years are labelled. Estimated points are hollow (class ``chart-point-estimate``) and the
    segments touching them are drawn by a separate ``chart-series-estimate`` path (to be dashed); their
    tooltips end with ``" (estimate)"`` (``texts.estimate``). A legend is drawn when there is more than one
    series, and an estimate key (``texts.estimate_key``) when any point is an estimate. With no known
    value at all, ``texts.empty`` is centred in the chart. ``id_prefix`` makes the element ids
    deterministic (otherwise they are random, so that several charts can share a page). The chart is
    ``height`` units tall unless a long legend needs more room (it then grows rather than squash the plot).
    """
    uid = _uid(id_prefix)
    cleaned = [(s, _clean_points(s)) for s in series]
    known = [v for _, points in cleaned for _, v in points if v is not None]
    if not known:
        return _empty(_open(uid, "chart-line", width, height, title, description, "img"), width, height, texts.empty)

    ticks = nice_ticks(min(known), max(known))
    tick_labels = [number_format(t) for t in ticks]
    y_lo, y_hi = ticks[0], ticks[-1]
    left = max(36.0, max(_text_width(label) for label in tick_labels) + 16.0)
    right = width - _LINE_RIGHT
    plot_w = max(right - left, 10.0)

    any_estimate = any(y in s.estimated_years for s, points in cleaned for y, v in points if v is not None)
    legend_labels = [s.label for s in series] if len(series) > 1 else []
    if any_estimate:
        legend_labels.append(texts.estimate_key)
    legend_rows = _legend_rows(legend_labels, left, width - 8.0) if legend_labels else []
    bottom_space = _X_LABELS_H + (len(legend_rows) * _LEGEND_ROW_H + 8.0 if legend_rows else 0.0)
    min_plot_h = (len(ticks) - 1) * _MIN_TICK_GAP
    total_h = max(float(height), _LINE_TOP + min_plot_h + bottom_space + 4.0)
    out = _open(uid, "chart-line", width, total_h, title, description, "img")
    top = _LINE_TOP
    base = total_h - bottom_space - 4.0
    plot_h = base - top

    years = [year for _, points in cleaned for year, _ in points]
    first_year, last_year = min(years), max(years)

    def x_of(year: int) -> float:
        if last_year == first_year:
            return left + plot_w / 2.0
        return left + (year - first_year) * plot_w / (last_year - first_year)

    def y_of(value: float) -> float:
        return top + (y_hi - value) * plot_h / (y_hi - y_lo)

    # Axis title, grid lines and y tick labels.
    out.append(_text(8.0, 14.0, y_label, "chart-axis chart-axis-title"))
    out.append('<g class="chart-grid-lines">')
    for tick, label in zip(ticks, tick_labels, strict=True):
        y = y_of(tick)
        out.append(_line(left, y, right, y, "chart-grid chart-grid-zero" if tick == 0 else "chart-grid"))
        out.append(_text(left - 8.0, y, label, "chart-axis", "end"))
    out.append("</g>")

    # X axis: years.
    out.append('<g class="chart-x-axis">')
    out.append(_line(left, base, right, base, "chart-axis-line"))
    for year in year_ticks(first_year, last_year, plot_w):
        x = x_of(year)
        out.append(_line(x, base, x, base + 5.0, "chart-tick"))
        out.append(_text(x, base + 16.0, str(year), "chart-axis", "middle"))
    out.append("</g>")

    # Series.
    spacing = plot_w / max(1, last_year - first_year)
    radius = min(3.5, max(1.5, spacing / 4.0))
    for index, (s, points) in enumerate(cleaned):
        shape_class = _classes(f"chart-series-{index}", s.css_class)
        solid: list[list[tuple[float, float]]] = []
        dashed: list[list[tuple[float, float]]] = []
        prev: tuple[float, float, bool] | None = None
        prev_year: int | None = None
        circles: list[str] = []
        for year, value in points:
            if value is None:
                prev = None
                continue
            if prev_year is not None and year - prev_year > 1 and not s.connect_missing:
                prev = None  # a year without figures between the two
            prev_year = year
            estimated = year in s.estimated_years
            here = (x_of(year), y_of(value), estimated)
            if prev is not None:
                runs = dashed if (prev[2] or estimated) else solid
                if runs and runs[-1][-1] == prev[:2]:
                    runs[-1].append(here[:2])
                else:
                    runs.append([prev[:2], here[:2]])
            prev = here
            tip = f"{s.label}, {year}: {number_format(value)}" + (f" ({texts.estimate})" if estimated else "")
            css = _classes("chart-point", shape_class, "chart-point-estimate" if estimated else "")
            circles.append(
                f'<circle class="{_attr(css)}" cx="{_num(here[0])}" cy="{_num(here[1])}" r="{_num(radius)}">'
                f"<title>{escape(tip)}</title></circle>"
            )
        out.append('<g class="chart-series-group">')
        if solid:
            css = _classes("chart-series", shape_class)
            out.append(f'<path class="{_attr(css)}" fill="none" d="{_subpaths(solid)}"/>')
        if dashed:
            css = _classes("chart-series-estimate", shape_class)
            out.append(f'<path class="{_attr(css)}" fill="none" d="{_subpaths(dashed)}"/>')
        out.extend(circles)
        out.append("</g>")

    # Legend.
    if legend_rows:
        out.append('<g class="chart-legend">')
        for row_index, row in enumerate(legend_rows):
            y = base + _X_LABELS_H + 8.0 + row_index * _LEGEND_ROW_H + _LEGEND_ROW_H / 2.0
            for item, x in row:
                is_estimate_key = any_estimate and item == len(legend_labels) - 1
                if is_estimate_key:
                    swatch = "chart-swatch chart-swatch-estimate"
                    point = "chart-swatch-point chart-swatch-point-estimate"
                else:
                    shape_class = _classes(f"chart-series-{item}", series[item].css_class)
                    swatch = _classes("chart-swatch", shape_class)
                    point = _classes("chart-swatch-point", shape_class)
                mid = x + _LEGEND_SWATCH / 2.0
                out.append('<g class="chart-legend-item">')
                out.append(_line(x, y, x + _LEGEND_SWATCH, y, swatch))
                out.append(f'<circle class="{_attr(point)}" cx="{_num(mid)}" cy="{_num(y)}" r="3.5"/>')
                out.append(_text(x + _LEGEND_SWATCH + 6.0, y, legend_labels[item], "chart-label"))
                out.append("</g>")
        out.append("</g>")

    out.append("</svg>")
    return "\n".join(out)


# --------------------------------------------------------------------------------------------------
# Bar chart
# --------------------------------------------------------------------------------------------------

_BAR_TOP = 30.0  # room for the value axis title
_BAR_BOTTOM = 8.0
_ROW_H = 28.0
_BAR_H = 18.0
_BAR_PAD = 8.0
_EMPTY_BAR_H = 120.0


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    description: str,
    value_label: str,
    texts: ChartTexts,
    number_format: Callable[[float], str] = default_format,
    width: int = 720,
    id_prefix: str | None = None,
) -> str:
    """A horizontal bar chart as an SVG string, one row per bar in the given order; its height grows with
    the number of bars.

    Labels longer than about 28 characters are cut with an ellipsis; the full label, the value and
    "(estimate)" (``texts.estimate``) are in the row's ``<title>`` (and in the ``aria-label`` of a link). Rows with an
    ``href`` are wrapped in ``<a class="chart-link">``; the chart is then a ``role="group"`` instead of an
    ``img`` (an image may not contain focusable content). Bars of unknown value show "—" and no bar
    (``texts.unknown`` is used in the tooltip); estimated bars have the class ``chart-bar-estimate`` and
    their value is prefixed with "≈". Negative values are drawn leftwards of a zero line. With no known
    value at all, ``texts.empty`` is centred in the chart.
    """
    uid = _uid(id_prefix)
    links = [safe_href(b.href) for b in bars]
    role = "group" if any(links) else "img"
    values = [_finite(b.value) for b in bars]
    known = [v for v in values if v is not None]
    if not known:
        out = _open(uid, "chart-bar", width, _EMPTY_BAR_H, title, description, role)
        return _empty(out, width, _EMPTY_BAR_H, texts.empty)

    height = _BAR_TOP + len(bars) * _ROW_H + _BAR_BOTTOM
    out = _open(uid, "chart-bar", width, height, title, description, role)

    label_room = width * 0.4
    labels = [_truncate(b.label, label_room) for b in bars]
    label_w = max(_text_width(label) for label in labels)
    value_texts = [
        "—" if v is None else ("≈ " if b.estimated else "") + number_format(v)
        for b, v in zip(bars, values, strict=True)
    ]
    value_w = max(_text_width(text) for text in value_texts) + 6.0
    lo, hi = min(0.0, *known), max(0.0, *known)
    if hi == lo:
        hi = 1.0
    area_left = _BAR_PAD + label_w + 10.0 + (value_w if lo < 0 else 0.0)
    area_right = width - _BAR_PAD - (value_w if hi > 0 else 0.0)
    scale = max(area_right - area_left, 10.0) / (hi - lo)
    x0 = area_left - lo * scale

    out.append(_text(x0, 14.0, value_label, "chart-axis chart-axis-title"))
    out.append(_line(x0, _BAR_TOP - 4.0, x0, height - _BAR_BOTTOM + 2.0, "chart-axis-line"))
    for i, (bar, value, label, value_text, href) in enumerate(
        zip(bars, values, labels, value_texts, links, strict=True)
    ):
        row_top = _BAR_TOP + i * _ROW_H
        cy = row_top + _ROW_H / 2.0
        shown = texts.unknown if value is None else number_format(value)
        tip = f"{bar.label}: {shown}" + (f" ({texts.estimate})" if bar.estimated and value is not None else "")
        row: list[str] = [f'<g class="chart-row"><title>{escape(tip)}</title>']
        if href:
            row.append(
                f'<rect class="chart-row-bg" x="0" y="{_num(row_top)}" width="{_num(width)}" '
                f'height="{_num(_ROW_H)}" fill="none" pointer-events="all"/>'
            )
        row.append(_text(_BAR_PAD + label_w, cy, label, "chart-label", "end"))
        if value is None:
            row.append(_text(x0 + 6.0, cy, value_text, "chart-value chart-value-unknown"))
        else:
            end = x0 + value * scale
            bar_x, bar_w = min(x0, end), abs(end - x0)
            if value != 0 and bar_w < 1.0:
                bar_w = 1.0
                bar_x = x0 if value > 0 else x0 - 1.0
            css = "chart-bar chart-bar-estimate" if bar.estimated else "chart-bar"
            row.append(
                f'<rect class="{css}" x="{_num(bar_x)}" y="{_num(cy - _BAR_H / 2.0)}" '
                f'width="{_num(bar_w)}" height="{_num(_BAR_H)}"/>'
            )
            value_css = "chart-value chart-value-estimate" if bar.estimated else "chart-value"
            if value >= 0:
                row.append(_text(bar_x + bar_w + 6.0, cy, value_text, value_css))
            else:
                row.append(_text(bar_x - 6.0, cy, value_text, value_css, "end"))
        row.append("</g>")
        if href:
            out.append(f'<a class="chart-link" href="{_attr(href)}" aria-label="{_attr(tip)}">')
            out.extend(row)
            out.append("</a>")
        else:
            out.extend(row)
    out.append("</svg>")
    return "\n".join(out)
