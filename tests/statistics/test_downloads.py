"""The statistics downloads and the return template, as a spreadsheet opens them: text typed by a reporter or
the secretariat never runs as a formula."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from cicopa.statistics import services
from cicopa.statistics.models import PublishedEstimate

HYPERLINK = '=HYPERLINK("http://evil","x")'


def _csv(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


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
                "cooperatives": 91712,
                "members": 4000,
                "estimated": ["members"],
                "source": HYPERLINK,
                "explanation": "@SUM(1+1)",
            }
        ],
    )
    services.return_submit(actor=kenya["wanjiru"], statistical_return=ret)
    services.return_validate(actor=alice, statistical_return=ret)
    PublishedEstimate.objects.create(scope="world", year=2023, measure="cooperatives", value=100, source="-1+1")
    return ret


def test_tidy_csv_neutralises_text_that_begins_like_a_formula(client, figures):
    rows = _csv(client.get("/statistics/data.csv"))
    assert {r["source"] for r in rows} == {"'" + HYPERLINK}


def test_table_downloads_neutralise_text_that_begins_like_a_formula(client, figures):
    rows = _csv(client.get("/statistics/table.csv", {"table": "trend"}))
    assert [r["published_source"] for r in rows] == ["'-1+1"]
    sheet = load_workbook(io.BytesIO(client.get("/statistics/table.xlsx", {"table": "trend"}).content)).active
    header = [c.value for c in sheet[1]]
    source = sheet.cell(2, header.index("published_source") + 1)
    assert (source.data_type, source.value) == ("s", "-1+1")


def test_the_return_template_writes_text_as_text(client, figures, kenya):
    client.force_login(kenya["wanjiru"])
    ret = services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=2024)  # last year's lines
    sheet = load_workbook(io.BytesIO(client.get(f"/statistics/returns/{ret.pk}/template.xlsx").content))["return"]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, sheet[2], strict=False))
    assert (row["source"].data_type, row["source"].value) == ("s", HYPERLINK)
    assert (row["explanation"].data_type, row["explanation"].value) == ("s", "@SUM(1+1)")
    assert (row["cooperatives"].data_type, row["cooperatives"].value) == ("n", 91712)


def test_every_download_writes_values_the_same_way(client, figures):
    """One CSV writer for all (with a byte-order mark), booleans as true/false, whole numbers as integers,
    in CSV, JSON and XLSX alike."""
    import json

    for url, params in (
        ("/statistics/data.csv", {}),
        ("/statistics/table.csv", {"table": "trend"}),
        ("/statistics/table.csv", {"table": "sector"}),
        ("/directory/export.csv", {}),
        ("/import/example-cicopa.csv", {}),
    ):
        r = client.get(url, params)
        data = b"".join(r.streaming_content)
        assert r["Content-Type"] == "text/csv; charset=utf-8" and data.startswith(b"\xef\xbb\xbf"), url
    tidy = {r["measure"]: r for r in _csv(client.get("/statistics/data.csv"))}
    assert (tidy["cooperatives"]["value"], tidy["cooperatives"]["estimate"]) == ("91712", "false")
    assert (tidy["members"]["value"], tidy["members"]["estimate"]) == ("4000", "true")
    for table in ("trend", "sector"):
        for measure, value, estimate in (("cooperatives", "91712", "false"), ("members", "4000", "true")):
            row = _csv(client.get("/statistics/table.csv", {"table": table, "measure": measure}))[-1]
            assert (row["value"], row["estimate"]) == (value, estimate), (table, measure)
        row = json.loads(b"".join(client.get("/statistics/table.json", {"table": table}).streaming_content))[-1]
        assert row["value"] == 91712 and type(row["value"]) is int and row["estimate"] is False
        sheet = load_workbook(io.BytesIO(client.get("/statistics/table.xlsx", {"table": table}).content)).active
        header = [c.value for c in sheet[1]]
        row = dict(zip(header, [c.value for c in sheet[sheet.max_row]], strict=True))
        assert row["value"] == 91712 and type(row["value"]) is int and row["estimate"] is False
    trend = _csv(client.get("/statistics/table.csv", {"table": "trend"}))
    assert trend[-1]["published_estimate"] == "100"
