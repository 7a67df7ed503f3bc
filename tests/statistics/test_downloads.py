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
