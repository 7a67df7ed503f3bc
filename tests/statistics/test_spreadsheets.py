"""The XLSX template round trip, malformed uploads, and the secretariat's bulk import."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from cicopa.statistics import services
from cicopa.statistics.models import ReturnLine, StatisticalReturn
from craft import SHEET, declared_dimension, rewrite, with_doctype, xlsx


def _validated(kenya, alice, year, **figures):
    ret = services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=year)
    services.return_save_lines(
        actor=kenya["wanjiru"],
        statistical_return=ret,
        lines=[{"sector": "construction", "membership_type": "worker", **figures}],
    )
    services.return_submit(actor=kenya["wanjiru"], statistical_return=ret)
    services.return_validate(actor=alice, statistical_return=ret)


def test_template_round_trip(client, kenya, alice):
    _validated(kenya, alice, 2022, cooperatives=100, members=4000)
    client.force_login(kenya["wanjiru"])
    ret = services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=2023)
    r = client.get(f"/statistics/returns/{ret.pk}/template.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb["return"]
    header = [c.value for c in ws[1]]
    row = dict(zip(header, [c.value for c in ws[2]], strict=False))
    assert row["sector"] == "construction" and row["cooperatives"] == 100  # pre-filled with last year
    ws.cell(2, header.index("cooperatives") + 1, 110)
    ws.append(["transport", "worker", "", 7])  # no subdivision: the whole country
    out = io.BytesIO()
    wb.save(out)
    upload = io.BytesIO(out.getvalue())
    upload.name = "filled.xlsx"
    r = client.post(f"/statistics/returns/{ret.pk}/", {"action": "upload", "file": upload})
    assert r.status_code == 302
    assert sorted(ret.lines.values_list("sector_id", "cooperatives")) == [("construction", 110), ("transport", 7)]


def test_malformed_uploads_change_nothing(client, kenya):
    client.force_login(kenya["wanjiru"])
    ret = services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=2023)
    services.return_save_lines(
        actor=kenya["wanjiru"],
        statistical_return=ret,
        lines=[{"sector": "health", "membership_type": "worker", "cooperatives": 3}],
    )
    wb = Workbook()
    wb.active.append(["sector", "membership_type", "members", "members_women"])
    wb.active.append(["health", "worker", 10, 20])
    good_shape = io.BytesIO()
    wb.save(good_shape)
    cases = [
        ("notes.xlsx", b"not a workbook", "not a readable XLSX"),
        ("lines.csv", b"sector,members\nhealth,3\n", "Missing column"),
        ("lines.csv", b"sector,membership_type,cooperatives\nhealth,worker,-4\n", "cannot be negative"),
        ("wrong.xlsx", good_shape.getvalue(), "cannot be more than members"),
        ("mac.csv", "sector,membership_type,source\nhealth,worker,Façade\n".encode("mac-roman"), "UTF-8"),
        (
            "bomb.xlsx",
            rewrite(
                good_shape.getvalue(), SHEET, lambda x: x.replace(b"</worksheet>", b" " * 30_000_000 + b"</worksheet>")
            ),
            "possible zip bomb",
        ),
        (
            "entities.xlsx",
            with_doctype(good_shape.getvalue(), SHEET, b'<!DOCTYPE x [<!ENTITY a "b">]>'),
            "XML entities",
        ),
        ("wide.xlsx", xlsx([["sector", "membership_type", *[f"c{i}" for i in range(250)]]]), "more than 200 columns"),
        ("long.csv", b"sector,membership_type,source\nhealth,worker," + b"x" * 140_000 + b"\n", "longer than 131,072"),
    ]
    for name, content, message in cases:
        upload = io.BytesIO(content)
        upload.name = name
        r = client.post(f"/statistics/returns/{ret.pk}/", {"action": "upload", "file": upload}, follow=True)
        assert message in r.content.decode(), name
        assert list(ret.lines.values_list("sector_id", "cooperatives")) == [("health", 3)], name


def test_a_filled_template_declaring_every_cell_reads_the_cells_it_has(client, kenya):
    client.force_login(kenya["wanjiru"])
    ret = services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=2023)
    upload = io.BytesIO(
        declared_dimension(
            xlsx([["sector", "membership_type", "cooperatives"], ["health", "worker", 5]]), "A1:XFD1048576"
        )
    )
    upload.name = "filled.xlsx"
    r = client.post(f"/statistics/returns/{ret.pk}/", {"action": "upload", "file": upload})
    assert r.status_code == 302
    assert list(ret.lines.values_list("sector_id", "cooperatives")) == [("health", 5)]


def test_template_is_for_the_reporter(client, kenya):
    ret = services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=2023)
    client.force_login(kenya["otieno"])
    assert client.get(f"/statistics/returns/{ret.pk}/template.xlsx").status_code == 403


def test_cli_import_statistics_all_or_nothing(kenya, alice, tmp_path):
    good = tmp_path / "returns.csv"
    good.write_text(
        "reporter,year,sector,membership_type,cooperatives,members,estimated\n"
        "kupc,2020,construction,worker,90,3000,members\n"
        "kupc,2020,transport,worker,10,200,\n"
        "afk,2020,artisanal,producer,40,900,\n"
    )
    out = io.StringIO()
    call_command("import_statistics", str(good), stdout=out)
    assert "2 returns imported" in out.getvalue()
    assert StatisticalReturn.objects.filter(status="validated").count() == 2
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "reporter,year,sector,membership_type,cooperatives,members,members_women\n"
        "kupc,2021,construction,worker,90,3000,100\n"
        "afk,2021,artisanal,producer,40,900,901\n"
        "nobody,2021,artisanal,producer,1,1,\n"
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_statistics", str(bad), stderr=err)
    assert "row 3" in err.getvalue() and "row 4" in err.getvalue()
    assert not StatisticalReturn.objects.filter(year=2021).exists()
    assert ReturnLine.objects.count() == 3


def test_cli_import_statistics_reads_the_files_people_have(kenya, alice, tmp_path):
    """Windows-1252, semicolons, a title above the header: read; a header without a required column: the row
    it is on is named."""
    path = tmp_path / "returns.csv"
    path.write_bytes(
        (
            "Recensement coopératif 2020;;;\n\n"
            "reporter;year;sector;membership_type;cooperatives;source\n"
            "kupc;2020;construction;worker;90;Enquête « Coopératives » 2020\n"
        ).encode("cp1252")
    )
    out = io.StringIO()
    call_command("import_statistics", str(path), stdout=out)
    assert "1 returns imported" in out.getvalue()
    assert ReturnLine.objects.get().source == "Enquête « Coopératives » 2020"
    path.write_text("Census 2021\nreporter,year,sector\nkupc,2021,construction\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_statistics", str(path), stderr=err)
    assert err.getvalue().strip() == "row 2: missing column membership_type"
