"""Tests of the offline SVG world map (pure Python, no Django needed)."""

from __future__ import annotations

import itertools
import json
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from cicopa.core import worldmap
from cicopa.core.worldmap import (
    HEIGHT,
    WIDTH,
    Marker,
    build_cache,
    country_paths,
    label_points,
    project,
    render_map,
)

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def fresh_cache(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Forget the in-memory map data before and after the test, with CICOPA_MAP_CACHE unset."""
    monkeypatch.delenv("CICOPA_MAP_CACHE", raising=False)
    worldmap._data.cache_clear()
    yield
    worldmap._data.cache_clear()


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


# --- projection -------------------------------------------------------------------------------------


def test_origin_maps_to_centre() -> None:
    x, y = project(0.0, 0.0)
    assert x == pytest.approx(WIDTH / 2)
    assert y == pytest.approx(HEIGHT / 2)


def test_box_size() -> None:
    assert 900 <= WIDTH <= 1100
    # Equal Earth is about 2.05 times as wide as it is tall.
    assert abs(WIDTH / HEIGHT - 2.055) < 0.02


def test_equal_earth_extents() -> None:
    # The unit-sphere extents given by Šavrič, Patterson & Jenny (2018).
    assert worldmap._equal_earth(0.0, 180.0)[0] == pytest.approx(2.7066, abs=1e-4)
    assert worldmap._equal_earth(90.0, 0.0)[1] == pytest.approx(1.3173, abs=1e-4)


def _band_area(lat1: float, lat2: float) -> float:
    """Projected area of the 10°-wide cell lon 0..10, lat lat1..lat2 (shoelace on a dense outline)."""
    steps = 200
    outline = [(lat1, 10.0 * i / steps) for i in range(steps + 1)]
    outline += [(lat1 + (lat2 - lat1) * i / steps, 10.0) for i in range(1, steps + 1)]
    outline += [(lat2, 10.0 - 10.0 * i / steps) for i in range(1, steps + 1)]
    outline += [(lat2 - (lat2 - lat1) * i / steps, 0.0) for i in range(1, steps)]
    pts = [project(lat, lon) for lat, lon in outline]
    twice = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1], strict=True))
    return abs(twice) / 2


def test_projection_is_equal_area() -> None:
    ratio = _band_area(60.0, 70.0) / _band_area(0.0, 10.0)
    expected = (math.sin(math.radians(70)) - math.sin(math.radians(60))) / math.sin(math.radians(10))
    assert ratio == pytest.approx(expected, rel=1e-3)


@pytest.mark.parametrize("lat", [-80.0, -30.0, 0.0, 45.0, 89.0])
def test_x_grows_eastwards(lat: float) -> None:
    xs = [project(lat, float(lon))[0] for lon in range(-180, 181, 10)]
    assert all(a < b for a, b in itertools.pairwise(xs))


@pytest.mark.parametrize("lon", [-180.0, -75.0, 0.0, 120.0, 180.0])
def test_y_decreases_northwards(lon: float) -> None:
    ys = [project(float(lat), lon)[1] for lat in range(-90, 91, 5)]
    assert all(a > b for a, b in itertools.pairwise(ys))


def test_extreme_points_stay_in_the_box() -> None:
    for lat in (-90.0, -89.9, 0.0, 89.9, 90.0):
        for lon in (-180.0, -179.9, 0.0, 179.9, 180.0):
            x, y = project(lat, lon)
            assert 0 <= x <= WIDTH
            assert 0 <= y <= HEIGHT
    assert project(0, 180)[0] > WIDTH - 10
    assert project(0, -180)[0] < 10
    assert project(90, 0)[1] < 10
    assert project(-90, 0)[1] > HEIGHT - 10


def test_out_of_range_input() -> None:
    assert project(0.0, 190.0) == pytest.approx(project(0.0, -170.0))
    assert project(95.0, 10.0) == project(90.0, 10.0)
    with pytest.raises(ValueError):
        project(math.nan, 0.0)


def test_not_mirrored() -> None:
    paris, tokyo, rio = project(48.85, 2.35), project(35.7, 139.7), project(-22.9, -43.2)
    assert rio[0] < paris[0] < tokyo[0]
    assert paris[1] < tokyo[1] < rio[1]


# --- country shapes ---------------------------------------------------------------------------------


def test_country_paths() -> None:
    paths = country_paths()
    assert len(paths) > 180
    for iso in ("FR", "NO", "BR", "JP", "KE", "US", "AQ", "TW", "XK"):
        assert iso in paths, iso
    assert all(re.fullmatch(r"[A-Z]{2}", iso) for iso in paths)
    assert all(re.fullmatch(r"(M[-\d. ]+L[-\d. ]+Z)+", d) for d in paths.values())
    total = sum(len(d) for d in paths.values())
    assert total < 400_000
    assert len(paths["FR"]) > 200  # a real outline, not a placeholder


def test_country_paths_lie_where_the_country_is() -> None:
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d)?", country_paths()["FR"])]
    xs, ys = numbers[0::2], numbers[1::2]
    # Mainland France is among the rings; its label point must be inside the path's bounding box.
    x, y = project(*label_points()["FR"])
    assert min(xs) <= x <= max(xs)
    assert min(ys) <= y <= max(ys)
    assert all(0 <= v <= WIDTH for v in xs)
    assert all(0 <= v <= HEIGHT for v in ys)


def test_country_paths_returns_a_copy() -> None:
    country_paths()["FR"] = "broken"
    assert country_paths()["FR"] != "broken"


def test_label_points() -> None:
    labels = label_points()
    lat, lon = labels["FR"]
    assert 42.3 < lat < 51.1
    assert -4.8 < lon < 8.2
    lat, lon = labels["NO"]
    assert 57 < lat < 72 and 4 < lon < 31
    lat, lon = labels["BR"]  # not the "Brazilian Island" record
    assert -20 < lat < 0 and -60 < lon < -40
    assert set(labels) == set(country_paths())


def test_disk_cache_round_trip(fresh_cache: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built_paths, built_labels = country_paths(), label_points()
    cache = tmp_path / "sub" / "worldmap.json"
    build_cache(cache)
    assert cache.is_file()
    payload = json.loads(cache.read_text(encoding="utf-8"))
    assert payload["paths"] == built_paths

    monkeypatch.setenv("CICOPA_MAP_CACHE", str(cache))
    worldmap._data.cache_clear()
    monkeypatch.setattr(worldmap, "_build", lambda: pytest.fail("the cache file was not used"))
    assert country_paths() == built_paths
    assert label_points() == built_labels


FAKE = ({"FR": "M1 1L2 2 3 1Z"}, {"FR": (46.7, 2.6)})


def test_missing_cache_file_is_written(fresh_cache: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worldmap, "_build", lambda: FAKE)
    cache = tmp_path / "worldmap.json"
    monkeypatch.setenv("CICOPA_MAP_CACHE", str(cache))
    assert country_paths() == FAKE[0]
    assert json.loads(cache.read_text(encoding="utf-8"))["paths"] == FAKE[0]


def test_stale_or_corrupt_cache_is_rebuilt(fresh_cache: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worldmap, "_build", lambda: FAKE)
    cache = tmp_path / "worldmap.json"
    monkeypatch.setenv("CICOPA_MAP_CACHE", str(cache))
    cache.write_text(json.dumps({"source": {"format": -1}, "paths": {"ZZ": "M0 0Z"}, "labels": {}}))
    assert country_paths() == FAKE[0]  # built from another source: ignored
    assert json.loads(cache.read_text(encoding="utf-8"))["paths"] == FAKE[0]  # and rewritten
    worldmap._data.cache_clear()
    cache.write_text("{not json")
    assert label_points() == FAKE[1]
    assert json.loads(cache.read_text(encoding="utf-8"))["paths"] == FAKE[0]


# --- rendering --------------------------------------------------------------------------------------


def test_render_structure() -> None:
    svg = render_map(markers=[], title="World", description="All countries")
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == f"0 0 {WIDTH} {HEIGHT}"
    assert root.get("role") == "img"
    assert root.get("class") == "worldmap"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and title.text == "World"
    assert desc is not None and desc.text == "All countries"
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == desc.get("id")
    assert len(root.findall(f".//{SVG}path[@class='worldmap-ocean']")) == 1
    assert len(root.findall(f".//{SVG}path[@class='worldmap-graticule']")) == 1
    countries = root.findall(f".//{SVG}path[@class='worldmap-country']")
    assert len(countries) == len(country_paths())
    assert {c.get("data-iso") for c in countries} == set(country_paths())
    assert root.findall(f".//{SVG}circle") == []


def test_no_inline_styling_or_scripts() -> None:
    svg = render_map(markers=[Marker(0, 0, 3, "x", href="/x")], shading={"FR": 1.0}, title="t", description="d")
    for attribute in ("style=", "fill=", "stroke=", "<script", "<style", "http://", "https://"):
        assert attribute not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_ids_are_unique_per_render() -> None:
    first = parse(render_map(markers=[], title="a", description="b"))
    second = parse(render_map(markers=[], title="a", description="b"))
    assert first.get("aria-labelledby") != second.get("aria-labelledby")


def test_text_is_escaped() -> None:
    nasty = "Co-ops <b>&amp; \"friends\"</b> & 'others'"
    svg = render_map(
        markers=[Marker(48.85, 2.35, 5, nasty, href='/search?q="a"&b=<c>')],
        shading={"FR": 3.0},
        title=nasty,
        description=nasty,
        shading_label=lambda iso, value: f'{iso} <{value}> & "x"',
    )
    assert "<b>" not in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == nasty  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text == nasty  # type: ignore[union-attr]
    circle_title = root.find(f".//{SVG}circle/{SVG}title")
    assert circle_title is not None and circle_title.text == nasty
    link = root.find(f".//{SVG}a")
    assert link is not None
    assert link.get("href") == '/search?q="a"&b=<c>'
    assert link.get("aria-label") == nasty
    france = root.find(f".//{SVG}path[@data-iso='FR']/{SVG}title")
    assert france is not None and france.text == 'FR <3.0> & "x"'


def test_shading_classes() -> None:
    codes = ["FR", "DE", "IT", "ES", "PT", "BR", "AR", "KE", "JP", "IN"]
    shading = {iso: float(i + 1) for i, iso in enumerate(codes)}
    shading["NO"] = 0.0
    shading["ZZ"] = 7.0  # unknown codes are ignored
    root = parse(render_map(markers=[], shading=shading, title="t", description="d"))
    classes = {}
    for path in root.findall(f".//{SVG}path[@data-iso]"):
        classes[path.get("data-iso")] = path.get("class")
    found = {int(m.group(1)) for c in classes.values() if (m := re.search(r"worldmap-shade-(\d)", c or ""))}
    assert found == {1, 2, 3, 4, 5}
    assert classes["FR"] == "worldmap-country worldmap-shade-1"
    assert classes["IN"] == "worldmap-country worldmap-shade-5"
    assert classes["NO"] == "worldmap-country"  # a zero gets a tooltip, not a shade
    assert classes["US"] == "worldmap-country"
    tooltip = root.find(f".//{SVG}path[@data-iso='DE']/{SVG}title")
    assert tooltip is not None and tooltip.text == "DE: 2"
    assert root.find(f".//{SVG}path[@data-iso='NO']/{SVG}title") is not None
    assert root.find(f".//{SVG}path[@data-iso='US']/{SVG}title") is None


def test_single_shaded_country_is_darkest() -> None:
    root = parse(render_map(markers=[], shading={"KE": 4}, title="t", description="d"))
    kenya = root.find(f".//{SVG}path[@data-iso='KE']")
    assert kenya is not None and kenya.get("class") == "worldmap-country worldmap-shade-5"


def test_markers() -> None:
    markers = [
        Marker(-1.29, 36.82, 1, "Nairobi"),
        Marker(48.85, 2.35, 10_000, "Paris", href="/registry/?city=paris"),
        Marker(35.68, 139.69, 2_500, "Tokyo", href="javascript:alert(1)"),
        Marker(math.nan, 0, 50, "Nowhere"),
    ]
    root = parse(render_map(markers=markers, title="t", description="d", zoom=False))
    assert root.get("role") == "group"  # an img may not contain links
    circles = root.findall(f".//{SVG}circle")
    assert [c.get("class") for c in circles] == ["worldmap-marker"] * 3
    labels = [c.find(f"{SVG}title").text for c in circles]  # type: ignore[union-attr]
    assert labels == ["Paris", "Tokyo", "Nairobi"]  # largest first, drawn below the small ones
    radii = [float(c.get("r", "0")) for c in circles]
    assert radii[0] == 18.0
    assert radii[2] == 2.5
    assert radii[1] == 9.0  # area proportional to count: a quarter of the largest count, half its radius
    links = root.findall(f".//{SVG}a")
    assert len(links) == 1
    assert links[0].get("href") == "/registry/?city=paris"
    assert links[0].get("class") == "worldmap-link"
    assert links[0].find(f"{SVG}circle") is not None
    x, y = project(48.85, 2.35)
    assert float(circles[0].get("cx", "0")) == pytest.approx(x, abs=0.05)
    assert float(circles[0].get("cy", "0")) == pytest.approx(y, abs=0.05)


def test_markers_without_links_keep_role_img() -> None:
    root = parse(render_map(markers=[Marker(0, 0, 1, "a")], title="t", description="d"))
    assert root.get("role") == "img"
    assert root.findall(f".//{SVG}a") == []


# --- aggregation ------------------------------------------------------------------------------------


# --- zoom and links -----------------------------------------------------------------------------------


def view_box(root: ET.Element) -> tuple[float, float, float, float]:
    x, y, w, h = (float(v) for v in root.get("viewBox", "").split())
    return x, y, w, h


def inside(box: tuple[float, float, float, float], point: tuple[float, float]) -> bool:
    x, y, w, h = box
    return x <= point[0] <= x + w and y <= point[1] <= y + h


def test_a_map_of_nothing_shows_the_world() -> None:
    assert view_box(parse(render_map(markers=[], title="t", description="d"))) == (0, 0, WIDTH, HEIGHT)


def test_the_map_zooms_to_its_markers_keeping_its_shape() -> None:
    lyon, paris = (45.76, 4.84), (48.85, 2.35)
    root = parse(render_map(markers=[Marker(*lyon, 1, "a"), Marker(*paris, 11, "b")], title="t", description="d"))
    box = view_box(root)
    assert box[2] < WIDTH / 5  # France, not the world: twelve results are not one dot any more
    assert box[2] / box[3] == pytest.approx(WIDTH / HEIGHT, rel=1e-3)
    assert inside(box, project(*lyon)) and inside(box, project(*paris))
    assert not inside(box, project(38.72, -9.14))  # Lisbon is off this map
    assert root.get("width") is None and root.get("height") is None


def test_zoom_has_a_minimum_extent_and_stays_on_the_world() -> None:
    one = view_box(parse(render_map(markers=[Marker(45.76, 4.84, 1, "a")], title="t", description="d")))
    assert WIDTH / 20 <= one[2] <= WIDTH / 5  # a city with its country around it, not a street
    assert inside(one, project(45.76, 4.84))
    corner = view_box(parse(render_map(markers=[Marker(-89.0, 179.0, 1, "a")], title="t", description="d")))
    assert corner[0] >= 0 and corner[1] >= 0
    assert corner[0] + corner[2] <= WIDTH + 0.1 and corner[1] + corner[3] <= HEIGHT + 0.1


def test_zoomed_markers_keep_their_size_on_screen() -> None:
    markers = [Marker(45.76, 4.84, 1, "a"), Marker(48.85, 2.35, 4, "b")]
    root = parse(render_map(markers=markers, title="t", description="d"))
    scale = view_box(root)[2] / WIDTH
    radii = sorted(float(c.get("r", "0")) for c in root.iter(f"{SVG}circle"))
    assert radii == pytest.approx([9.0 * scale, 18.0 * scale], abs=0.06)


def test_the_map_zooms_to_its_shaded_countries() -> None:
    box = view_box(parse(render_map(markers=[], shading={"FR": 1.0, "ES": 2.0}, title="t", description="d")))
    assert box[2] < WIDTH / 3
    for lat, lon in ((51.0, 2.5), (36.0, -5.6), (43.5, 3.0), (41.0, 9.5)):  # Dunkirk, Tarifa, the coast, Corsica
        assert inside(box, project(lat, lon)), (lat, lon)
    assert not inside(box, project(4.9, -52.3))  # French Guiana does not drag the map across the ocean


def test_zoom_can_be_turned_off() -> None:
    root = parse(render_map(markers=[Marker(45.76, 4.84, 1, "a")], title="t", description="d", zoom=False))
    assert view_box(root) == (0, 0, WIDTH, HEIGHT)


def test_shaded_countries_are_links_with_accessible_names() -> None:
    root = parse(
        render_map(
            markers=[],
            shading={"FR": 3.0, "KE": 1.0, "DE": 2.0},
            title="t",
            description="d",
            shading_label=lambda iso, value: f"{iso}: {value:g}",
            shading_href=lambda iso: "javascript:alert(1)" if iso == "DE" else f"/statistics/countries/{iso}/",
        )
    )
    assert root.get("role") == "group"
    links = {a.get("href"): a for a in root.iter(f"{SVG}a")}
    assert set(links) == {"/statistics/countries/FR/", "/statistics/countries/KE/"}
    france = links["/statistics/countries/FR/"]
    assert france.get("aria-label") == "FR: 3"
    assert france.get("class") == "worldmap-country-link"
    assert france.find(f"{SVG}path").get("data-iso") == "FR"  # type: ignore[union-attr]
    germany = root.find(f".//{SVG}path[@data-iso='DE']")
    assert germany is not None and "worldmap-shade" in (germany.get("class") or "")


def test_micro_states_drawn_as_dots_do_not_grow_into_diamonds_when_zoomed() -> None:
    """Monaco is too small for a shape at world scale and stands as a small dot: on a map zoomed to France that
    dot would be a large diamond, so it is left out, unless it is shaded."""
    dots = [iso for iso, d in country_paths().items() if worldmap._is_dot(d)]
    assert "MC" in dots
    zoomed = render_map(markers=[Marker(45.76, 4.84, 1, "a")], title="t", description="d")
    assert 'data-iso="MC"' not in zoomed and 'data-iso="FR"' in zoomed
    world = render_map(markers=[], title="t", description="d")
    assert 'data-iso="MC"' in world
    shaded = render_map(markers=[Marker(45.76, 4.84, 1, "a")], shading={"MC": 1.0}, title="t", description="d")
    assert 'data-iso="MC"' in shaded
