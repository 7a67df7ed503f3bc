import csv
import io
import re
from html import unescape

import pytest
from django.utils import translation

from cicopa.statistics import services
from cicopa.statistics.models import PublishedEstimate


@pytest.fixture
def figures(kenya, alice):
    ret = services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=2023)
    services.return_save_lines(
        actor=kenya["wanjiru"],
        statistical_return=ret,
        lines=[
            {
                "sector": "construction",
                "membership_type": "worker",
                "cooperatives": 4321,
                "members": 98000,
                "estimated": ["members"],
                "source": "KUPC census",
            }
        ],
    )
    services.return_submit(actor=kenya["wanjiru"], statistical_return=ret)
    services.return_validate(actor=alice, statistical_return=ret)
    draft = services.return_create(actor=kenya["otieno"], reporter=kenya["other"], year=2023)
    services.return_save_lines(
        actor=kenya["otieno"],
        statistical_return=draft,
        lines=[{"sector": "artisanal", "membership_type": "producer", "cooperatives": 7771}],
    )
    PublishedEstimate.objects.create(
        scope="world", year=1975, measure="cooperatives", value=44000, source="What is CICOPA? (1998)"
    )
    return ret


def test_public_dashboard_shows_validated_figures_only(client, figures):
    html = client.get("/statistics/").content.decode()
    assert "4,321" in html and "7,771" not in html
    assert "44,000" in html  # the published 1975 estimate, apart from the sums
    assert "chart" in html and "worldmap" in html
    html = client.get("/statistics/", {"measure": "members", "region": "002"}).content.decode()
    assert "98,000" in html and "estimate" in html.lower()
    html = client.get("/statistics/", {"region": "150"}).content.decode()
    assert "4,321" not in html
    html = client.get("/statistics/", {"measure": "luck"}).content.decode()
    assert "luck" in html  # the bad filter is named, the page still works


def test_pages_in_french_and_spanish(client, figures):
    assert 'lang="fr"' in client.get("/fr/statistics/").content.decode()
    assert 'lang="es"' in client.get("/es/statistics/").content.decode()


def _csv_download(response) -> str:
    """A CSV download's text: every one of the platform's begins with a byte-order mark (which spreadsheets
    need to read UTF-8 rightly)."""
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    data = b"".join(response.streaming_content)
    assert data.startswith(b"\xef\xbb\xbf"), data[:20]
    return data.decode("utf-8-sig")


def test_tidy_csv(client, figures):
    rows = list(csv.DictReader(io.StringIO(_csv_download(client.get("/statistics/data.csv")))))
    members = next(r for r in rows if r["measure"] == "members")
    assert members == {
        "year": "2023",
        "country_iso": "KE",
        "subdivision": "",  # the whole country
        "m49_region": "002",
        "m49_subregion": "202",
        "sector": "construction",
        "isic": "F",
        "membership_type": "worker",
        "measure": "members",
        "value": "98000",
        "estimate": "true",
        "source": "KUPC census",
        "reporter": "kupc",
    }
    assert not any(r["value"] == "7771" for r in rows)


@pytest.mark.parametrize(
    ("who", "status"), [("wanjiru", 200), ("otieno", 403), ("amina", 403), ("alice", 200), ("dave", 403)]
)
def test_return_page_permissions(client, figures, kenya, request, who, status):
    user = kenya.get(who) or request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(f"/statistics/returns/{figures.pk}/").status_code == status


def test_anonymous_is_sent_to_login(client, figures):
    assert client.get("/statistics/returns/").status_code == 302
    assert client.get(f"/statistics/returns/{figures.pk}/").status_code == 302


def test_country_page(client, figures):
    html = client.get("/statistics/countries/ke/").content.decode()
    assert "Kenya" in html and "4,321" in html
    assert client.get("/statistics/countries/QQ/").status_code == 404
    html = client.get("/statistics/countries/FR/").content.decode()
    assert "4,321" not in html


def test_turnover_is_not_summed(client, figures):
    html = client.get("/statistics/", {"measure": "turnover"}).content.decode()
    assert "several currencies" in html


@pytest.mark.parametrize("table", ["trend", "sector", "region", "membership_type", "development", "country"])
def test_every_table_downloads(client, figures, table):
    import json as jsonlib

    from openpyxl import load_workbook

    rows = list(csv.DictReader(io.StringIO(_csv_download(client.get("/statistics/table.csv", {"table": table})))))
    assert any(row["value"] == "4321" for row in rows), rows
    r = client.get("/statistics/table.json", {"table": table, "measure": "members"})
    assert any(row["value"] == 98000 for row in jsonlib.loads(b"".join(r.streaming_content)))
    r = client.get("/statistics/table.xlsx", {"table": table})
    assert load_workbook(io.BytesIO(r.content)).active.max_row >= 2


def test_table_download_rejects_bad_input(client, figures):
    assert client.get("/statistics/table.pdf").status_code == 404
    assert client.get("/statistics/table.csv", {"table": "planets"}).status_code == 404
    assert client.get("/statistics/table.csv", {"country": "XX"}).status_code == 422


@pytest.mark.parametrize("params", [{}, {"sector": "construction"}, {"carry": "true"}, {"region": "002"}])
def test_headline_figures_are_the_series_of_each_measure(kenya, alice, params):
    """The headline reads every measure in one query; it must say what each measure's own series says."""
    from cicopa.statistics import queries
    from cicopa.statistics.models import COUNT_MEASURES

    for year, coops, members in ((2022, 100, 5000), (2023, 120, 5600)):
        ret = services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=year)
        services.return_save_lines(
            actor=kenya["wanjiru"],
            statistical_return=ret,
            lines=[
                {
                    "sector": "construction",
                    "membership_type": "worker",
                    "cooperatives": coops,
                    "members": members,
                    "employees": 300,
                    "estimated": ["employees"] if year == 2023 else [],
                },
                {"sector": "transport", "membership_type": "worker", "cooperatives": 7, "members": 70},
            ],
        )
        services.return_submit(actor=kenya["wanjiru"], statistical_return=ret)
        services.return_validate(actor=alice, statistical_return=ret)
    filters = queries.parse_filters(params)
    head = queries.headline(filters)
    assert head["year"] == 2023
    for measure, _label in COUNT_MEASURES:
        one = queries.series(queries.parse_filters({**params, "measure": measure}), "world").get("world", {})
        assert head["figures"][measure]["figure"] == one.get(2023), measure
    expected = 127 if not params.get("sector") else 120
    assert head["figures"]["cooperatives"]["figure"].value == expected
    assert head["figures"]["employees"]["figure"].estimated and not head["figures"]["members"]["figure"].estimated
    assert round(head["figures"]["cooperatives"]["growth"], 4) == round(
        expected / (107 if expected == 127 else 100) - 1, 4
    )


def _download(client, fmt, params):
    import json as jsonlib

    from openpyxl import load_workbook

    r = client.get(f"/statistics/table.{fmt}", {"table": "trend", **params})
    body = b"".join(r.streaming_content) if r.streaming else r.content
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    if fmt == "json":
        return jsonlib.loads(body)
    sheet = load_workbook(io.BytesIO(body)).active
    header, *rows = [[c.value for c in row] for row in sheet.iter_rows()]
    return [dict(zip(header, row, strict=True)) for row in rows]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
@pytest.mark.parametrize(
    "params",
    [
        {"region": "150", "sector": "construction", "year_from": "1990", "year_to": "2020"},
        {"year_from": "1990"},
        {"sector": "construction"},
        {"country": "KE"},
    ],
)
def test_trend_downloads_carry_the_published_estimates_the_chart_shows(client, figures, fmt, params):
    """The 1975 world estimate belongs to the world view over years that include 1975: a download of a view
    the chart shows without it must not carry it either."""
    html = client.get("/statistics/", params).content.decode()
    assert "44,000" not in html
    rows = _download(client, fmt, params)
    assert not any(str(r["year"]) == "1975" for r in rows), rows
    assert not any(r["published_estimate"] not in (None, "") for r in rows), rows


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_trend_downloads_of_the_world_keep_the_published_estimate(client, figures, fmt):
    assert "44,000" in client.get("/statistics/", {"year_to": "2000"}).content.decode()
    rows = _download(client, fmt, {"year_to": "2000"})
    assert [str(r["year"]) for r in rows] == ["1975"]
    assert float(rows[0]["published_estimate"]) == 44000


def test_series_api_gives_the_published_estimates_of_its_filters(client, figures):
    world = client.get("/api/v1/statistics/series").json()
    assert [p["year"] for p in world["published"]] == [1975]
    for params in ({"year_from": 1990}, {"region": "150"}, {"sector": "construction"}):
        assert client.get("/api/v1/statistics/series", params).json()["published"] == [], params


def _region_options(html, select_id):
    select = re.search(rf'<select id="{select_id}".*?</select>', html, re.S).group(0)
    return [(code, unescape(text)) for code, text in re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', select)]


@pytest.mark.parametrize(("lang", "prefix"), [("en", ""), ("fr", "/fr"), ("es", "/es")])
@pytest.mark.parametrize(("path", "select_id"), [("/statistics/", "stats-region"), ("/", "filter-region")])
def test_region_filters_list_each_region_with_its_sub_regions(client, db, lang, prefix, path, select_id):
    """As UN M49 does: a region, then its sub-regions (each with its intermediate regions), each level sorted by
    name in the reader's language; the directory and the statistics alike."""
    from cicopa.core.i18n import by_name
    from cicopa.core.models import Region

    options = _region_options(client.get(prefix + path).content.decode(), select_id)
    codes = [code for code, _text in options]
    assert len(codes) == Region.objects.count()
    with translation.override(lang):
        expected: list[str] = []

        def walk(parent):
            for region in by_name(Region.objects.filter(parent=parent)):
                expected.append(region.m49)
                walk(region)

        walk(None)
    assert codes == expected
    depth = {code: len(text) - len(text.lstrip("\u00a0")) for code, text in options}
    assert depth["150"] < depth["154"] < depth["830"]  # Europe > Northern Europe > Channel Islands
    assert codes[codes.index("150") + 1 : codes.index("150") + 6] == (
        ["151", "154", "830", "039", "155"] if lang == "en" else codes[codes.index("150") + 1 : codes.index("150") + 6]
    )


def test_the_directory_filters_by_a_sub_region(client, federation):
    html = client.get("/", {"region": "155"}).content.decode()  # Western Europe: France
    assert "Menuiserie Coopérative de Lyon" in html and "Taxis Madrid" not in html


def test_a_country_page_has_its_own_title(client, figures):
    html = client.get("/statistics/countries/ke/").content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "Kenya" in title
    assert "World" not in title


def test_the_map_zooms_to_its_countries_and_links_each_to_its_page(client, figures):
    html = client.get("/statistics/", {"measure": "members", "year_from": "2000"}).content.decode()
    svg = re.search(r'<svg[^>]*class="worldmap".*?</svg>', html, re.S).group(0)
    assert float(re.search(r'viewBox="([^"]+)"', svg).group(1).split()[2]) < 1000 / 2  # Kenya, not the world
    (href, label) = re.findall(r'<a class="worldmap-country-link" href="([^"]*)" aria-label="([^"]*)"', svg)[0]
    path, query = unescape(href).split("?")
    assert path == "/statistics/countries/KE/"
    assert "measure=members" in query and "year_from=2000" in query and "country" not in query
    assert label == "Kenya: 98,000"
    assert client.get(unescape(href)).status_code == 200
    country = client.get("/statistics/countries/KE/").content.decode()
    assert "worldmap-country-link" not in country  # the country's own page does not link to itself


def test_the_dashboards_chosen_filters_stay_chosen_in_the_readers_language(client, figures):
    """The form's lists are drawn once per language and kept (core.queries.filter_choices): the reader's choices
    are still marked in them."""
    for _ in range(2):  # drawn, then kept
        html = client.get(
            "/es/statistics/", {"region": "002", "country": ["KE", "FR"], "sector": "construction"}
        ).content.decode()
        country = re.search(r'<select id="stats-country".*?</select>', html, re.S).group(0)
        assert "multiple" in country and country.count(" selected") == 2
        assert '<option value="KE" selected>Kenia</option>' in country
        assert '<option value="FR" selected>Francia</option>' in country
        assert '<option value="ES">España</option>' in country
        assert '<option value="002" selected>África</option>' in html
        assert '<option value="construction" selected>Construcción</option>' in html
        assert '<option value="health">Salud</option>' in html
        membership = re.search(r'<select id="stats-membership_type".*?</select>', html, re.S).group(0)
        assert " selected" not in membership and '<option value="worker">Trabajadores</option>' in membership


NNBSP = "\u202f"  # CLDR's French group separator, a narrow no-break space


@pytest.mark.parametrize(
    ("prefix", "count", "published", "members"),
    [
        ("", "4,321", "44,000", "98,000"),
        ("/fr", f"4{NNBSP}321", f"44{NNBSP}000", f"98{NNBSP}000"),
        ("/es", "4.321", "44.000", "98.000"),
    ],
)
def test_the_dashboard_writes_its_figures_the_readers_way(client, figures, prefix, count, published, members):
    html = client.get(f"{prefix}/statistics/").content.decode()
    cards = re.findall(r'class="stat-card-value">([^<]*)<', html)
    assert cards[:2] == [count, members]
    assert f">{published}<" in html  # the published estimate's cell in the table of years
    html = client.get(f"{prefix}/statistics/", {"measure": "members", "year_from": "2000"}).content.decode()
    map_svg = re.search(r'<svg[^>]*class="worldmap".*?</svg>', html, re.S).group(0)
    assert re.findall(r'aria-label="[^"]*: ([^"]*)"', map_svg) == [members]


@pytest.mark.parametrize(
    ("prefix", "ticks", "tips", "bar"),
    [
        (
            "/fr",
            ["0", f"10{NNBSP}000", f"20{NNBSP}000", f"30{NNBSP}000", f"40{NNBSP}000", f"50{NNBSP}000"],
            [f"Somme des déclarations validées, 2023: 4{NNBSP}321", f"Estimations publiées, 1975: 44{NNBSP}000"],
            f"4{NNBSP}321",
        ),
        (
            "/es",
            ["0", "10.000", "20.000", "30.000", "40.000", "50.000"],
            ["Suma de las declaraciones validadas, 2023: 4.321", "Estimaciones publicadas, 1975: 44.000"],
            "4.321",
        ),
    ],
)
def test_the_charts_write_their_ticks_values_and_tooltips_the_readers_way(client, figures, prefix, ticks, tips, bar):
    html = client.get(f"{prefix}/statistics/").content.decode()
    charts = re.findall(r'<svg[^>]*class="chart chart-[^"]*".*?</svg>', html, re.S)
    trend, breakdowns = charts[0], charts[1:]
    labels = re.findall(r'<text class="chart-axis"[^>]*>([^<]*)</text>', trend)
    assert [t for t in labels if not re.fullmatch(r"\d{4}", t)] == ticks  # the values; years are not grouped
    assert re.findall(r"<circle[^>]*><title>([^<]*)</title>", trend) == tips
    assert breakdowns and all(
        re.search(rf'class="chart-value"[^>]*>{re.escape(bar)}</text>', svg) for svg in breakdowns
    )
    assert all(re.search(rf"<title>[^<]*: {re.escape(bar)}</title>", svg) for svg in breakdowns)


def test_a_fourth_language_writes_the_dashboard_its_own_way_with_nothing_typed(client, figures, settings):
    """German is not one of the platform's languages: offered by the setting alone, without a catalogue, its
    pages speak English words but write figures the German way, from CLDR."""
    settings.LANGUAGES = [*settings.LANGUAGES, ("de", "Deutsch")]
    html = client.get("/de/statistics/").content.decode()
    assert 'lang="de"' in html
    assert re.findall(r'class="stat-card-value">([^<]*)<', html)[:2] == ["4.321", "98.000"]
    trend = re.findall(r'<svg[^>]*class="chart chart-line".*?</svg>', html, re.S)[0]
    assert "10.000" in re.findall(r'<text class="chart-axis"[^>]*>([^<]*)</text>', trend)
