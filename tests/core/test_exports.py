"""Downloads of the directory as a spreadsheet opens them: text that begins like a formula stays text (in
XLSX a text cell, in CSV behind a single quote, as OWASP advises), and numbers stay numbers."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from cicopa.registry import services

HYPERLINK = '=HYPERLINK("http://evil","x")'


@pytest.fixture
def formulas(federation, alice):
    """Organisations whose names and descriptions a spreadsheet would run as formulas."""
    from cicopa.core.models import Country

    fr = Country.objects.get(iso2="FR")
    services.organisation_create(
        actor=alice,
        data={
            "name": HYPERLINK,
            "description": "+1+2",
            "city": "-Lyon",
            "latitude": -33.5,
            "longitude": -70.25,
            "phone": "+33 4 00 00 00 00",
            "country": fr,
        },
    )
    services.organisation_create(
        actor=alice, data={"name": "@SUM(1+1)", "description": "\tcmd|' /C calc'!A0", "country": fr}
    )
    services.organisation_create(
        actor=alice, data={"name": "Zero", "description": "\r=2+5", "founded": 1950, "country": fr}
    )


def _csv_rows(response) -> dict[str, dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return {row["slug"]: row for row in csv.DictReader(io.StringIO(text))}


def _slug(name: str) -> str:
    from cicopa.registry.models import Organisation

    return Organisation.objects.get(name=name).slug


def test_csv_export_neutralises_cells_that_begin_like_a_formula(client, formulas):
    rows = _csv_rows(client.get("/directory/export.csv"))
    evil = rows[_slug(HYPERLINK)]
    assert evil["name"] == "'" + HYPERLINK and evil["description"] == "'+1+2" and evil["city"] == "'-Lyon"
    assert evil["phone"] == "'+33 4 00 00 00 00"
    assert (evil["latitude"], evil["longitude"]) == ("-33.5", "-70.25")  # numbers, not text: left as they are
    at = rows[_slug("@SUM(1+1)")]
    assert at["name"] == "'@SUM(1+1)" and at["description"] == "'\tcmd|' /C calc'!A0"
    zero = rows[_slug("Zero")]
    assert zero["description"] == "'\r=2+5" and zero["founded"] == "1950"
    assert rows["menuiserie"]["name"] == "Menuiserie Coopérative de Lyon"  # ordinary text untouched


def test_xlsx_export_writes_text_as_text_and_numbers_as_numbers(client, formulas):
    r = client.get("/directory/export.xlsx")
    sheet = load_workbook(io.BytesIO(r.content)).active
    header = [c.value for c in sheet[1]]
    rows = {row[0].value: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)}
    evil = rows[_slug(HYPERLINK)]
    assert (evil["name"].data_type, evil["name"].value) == ("s", HYPERLINK)
    assert (evil["description"].data_type, evil["description"].value) == ("s", "+1+2")
    assert (evil["latitude"].data_type, evil["latitude"].value) == ("n", -33.5)
    at = rows[_slug("@SUM(1+1)")]
    assert (at["name"].data_type, at["name"].value) == ("s", "@SUM(1+1)")
    assert rows[_slug("Zero")]["founded"].value == 1950


def test_a_csv_export_imported_again_reads_as_it_was_written(client, formulas, alice, tmp_path):
    """The single quote is the download's guard only: the importer takes it off again."""
    from cicopa.registry.importing import import_organisations
    from cicopa.registry.models import Organisation

    text = b"".join(client.get("/directory/export.csv", {"country": "FR"}).streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    slug = _slug(HYPERLINK)
    path = tmp_path / "again.csv"
    path.write_text(text.replace("slug,", "identifier,", 1), encoding="utf-8")
    with path.open("rb") as f:
        report = import_organisations(actor=alice, stream=f, filename=path.name, scheme="export")
    assert report.ok, [str(e) for e in report.errors]
    again = Organisation.objects.get(identifiers__scheme="export", identifiers__value=slug)
    assert (again.name, again.description, again.city, again.latitude) == (HYPERLINK, "+1+2", "-Lyon", -33.5)
    assert again.phone == "+33 4 00 00 00 00"
