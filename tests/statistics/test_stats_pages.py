import csv
import io

import pytest

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
