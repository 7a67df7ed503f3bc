"""Imports: good files, re-imports, and broken files that must change nothing."""

from __future__ import annotations

import codecs
import io
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from cicopa.core.errors import PermissionDenied
from cicopa.core.models import AuditEntry
from cicopa.registry.importing import ImportFileError, import_organisations
from cicopa.registry.models import ExternalIdentifier, Organisation
from craft import SHEET, declare_size, declared_dimension, rewrite, with_doctype, xlsx

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def run(actor, path: Path, fmt="cicopa", **kw):
    with path.open("rb") as f:
        return import_organisations(actor=actor, stream=f, filename=path.name, fmt=fmt, **kw)


def test_cicopa_file_creates_then_reimport_updates(alice, tmp_path):
    report = run(alice, FIXTURES / "cicopa-organisations.csv")
    assert report.ok, report.errors
    assert (report.rows, report.created, report.updated) == (3, 3, 0)
    sbr = Organisation.objects.get(acronym="SBR")
    assert sbr.country_id == "FR" and sbr.latitude == 45.764 and sbr.founded == 1983
    assert sorted(sbr.sectors.values_list("code", flat=True)) == ["artisanal", "construction"]
    assert Organisation.objects.get(name__startswith="Cooperativa de Limpieza").country_id == "ES"
    assert AuditEntry.objects.filter(action="registry.organisation.import").count() == 3
    # The same file with one change: updates, no duplicates.
    changed = tmp_path / "again.csv"
    changed.write_text((FIXTURES / "cicopa-organisations.csv").read_text().replace("Lyon,69001", "Villeurbanne,69100"))
    report = run(alice, changed)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)  # only SBR moved
    assert Organisation.objects.count() == 3
    assert Organisation.objects.get(acronym="SBR").city == "Villeurbanne"
    assert sorted(Organisation.objects.get(acronym="SBR").sectors.values_list("code", flat=True)) == [
        "artisanal",
        "construction",
    ]


def test_essglobal_file_maps_vocabularies(alice):
    report = run(alice, FIXTURES / "essglobal-sample.csv", fmt="essglobal")
    assert report.ok, [str(e) for e in report.errors]
    assert report.created == 10
    group = Organisation.objects.get(identifiers__value="R000001")
    assert group.kind == "cooperative" and group.country_id == "GB"
    assert group.membership_type_id == "consumer_user" and group.legal_form_id == "cooperative_society"
    assert list(group.sectors.values_list("code", flat=True)) == ["general_services"]
    cycles = Organisation.objects.get(identifiers__value="R000149")
    # OS50 (a company) owned by its workers: a worker co-operative registered as a company
    assert cycles.membership_type_id == "worker" and cycles.kind == "cooperative"
    assert cycles.legal_form_id == "company" and cycles.legal_form_text == ""
    hcd = Organisation.objects.get(identifiers__value="R000168")
    assert hcd.legal_form_text == "Community Interest Company"
    growers = Organisation.objects.get(identifiers__value="R000039")
    assert growers.membership_type_id == "producer" and list(growers.sectors.values_list("code", flat=True)) == [
        "other"
    ]
    assert ExternalIdentifier.objects.filter(scheme="essglobal").count() == 10
    # re-import with another scheme name creates separate records; with the same, updates
    audited = AuditEntry.objects.filter(object_type="registry.organisation").count()
    again = run(alice, FIXTURES / "essglobal-sample.csv", fmt="essglobal")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 10)  # nothing to write, nothing to audit
    assert AuditEntry.objects.filter(object_type="registry.organisation").count() == audited
    assert (
        AuditEntry.objects.latest("id").action == "registry.import.run"
    )  # the import itself is in the history of imports


def test_xlsx_import(alice, tmp_path):
    import csv

    rows = list(csv.reader((FIXTURES / "cicopa-organisations.csv").open(encoding="utf-8")))
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append([float(c) if c.replace(".", "", 1).replace("-", "", 1).isdigit() and "." in c else c for c in row])
    ws["V2"] = 51  # workers as a number cell
    path = tmp_path / "orgs.xlsx"
    wb.save(path)
    report = run(alice, path)
    assert report.ok, [str(e) for e in report.errors]
    assert Organisation.objects.get(acronym="NACS").latitude == -1.286
    assert Organisation.objects.get(acronym="SBR").workers_count == 51


XLSX_ROWS = [
    ["identifier", "name", "kind", "country"],
    ["A1", "Uno", "cooperative", "FR"],
    ["A2", "Dos", "cooperative", "ES"],
]


def test_a_workbook_declaring_every_cell_of_a_sheet_imports_the_cells_it_has(alice, tmp_path):
    path = tmp_path / "dimension.xlsx"
    path.write_bytes(declared_dimension(xlsx(XLSX_ROWS), "A1:XFD1048576"))
    report = run(alice, path)
    assert report.ok and report.created == 2 and report.ignored_columns == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            rewrite(
                xlsx(XLSX_ROWS), SHEET, lambda xml: xml.replace(b"</worksheet>", b" " * 30_000_000 + b"</worksheet>")
            ),
            "possible zip bomb",
        ),
        (declare_size(xlsx(XLSX_ROWS), SHEET, 2_000_000_000), "unpacks to more than 256 MB"),
        (with_doctype(xlsx(XLSX_ROWS), SHEET, b'<!DOCTYPE x [<!ENTITY a "Uno">]>'), "declares XML entities"),
        (xlsx([*XLSX_ROWS, ["A3", "Tres", "cooperative", "FR", *["x"] * 300]]), "Row 4 has more than 200 columns"),
    ],
)
def test_spreadsheet_bombs_are_refused_and_nothing_changes(alice, tmp_path, data, message):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(data)
    with pytest.raises(ImportFileError, match=message):
        run(alice, path)
    assert Organisation.objects.count() == 0


def test_a_csv_cell_too_long_for_the_csv_reader_is_refused(alice, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(HEADER + "A1,Uno,cooperative,FR,,,,,,\nA2,Dos," + "x" * 150_000 + ",FR,,,,,,\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="Line 3 has a cell longer than 131,072 characters"):
        run(alice, path)
    assert Organisation.objects.count() == 0


def _broken(tmp_path, text: str, name="broken.csv", encoding="utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


HEADER = "identifier,name,kind,country,latitude,longitude,founded,members_count,email,sectors\n"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("A1,Uno,cooperative,XX,,,,,,\n", ("country", "XX", "unknown country")),
        ("A1,Uno,cooperative,FR,,,,,,\nA1,Dos,cooperative,FR,,,,,,\n", ("identifier", "A1", "duplicate identifier")),
        ("A1,Uno,cooperative,FR,45.1,north,,,,\n", ("longitude", "north", "not a number")),
        ("A1,Uno,cooperative,FR,,,19x0,,,\n", ("founded", "19x0", "not a whole number")),
        ("A1,Uno,cooperative,FR,,,,-5,,\n", ("members_count", "-5", "must be between")),
        ("A1,Uno,cooperative,FR,91,10,,,,\n", ("latitude", "91", "must be between")),
        ("A1,Uno,bank,FR,,,,,,\n", ("kind", "bank", "must be one of")),
        ("A1,Uno,cooperative,FR,,,,,nope@,\n", ("email", "nope@", "not a valid e-mail")),
        ("A1,Uno,cooperative,FR,,,,,,fishing\n", ("sectors", "fishing", "unknown sector")),
        ("A1,,cooperative,FR,,,,,,\n", ("name", "", "a name is required")),
        ("A1,Uno\x00,cooperative,FR,,,,,,\n", ("name", "Uno\x00", "control character (U+0000) at position 4")),
        ("A1,Uno\x0bDos,cooperative,FR,,,,,,\n", ("name", "Uno\x0bDos", "control character (U+000B)")),
        ("A1,Uno,cooperative,FR,,,,9" + "9" * 30 + ",,\n", ("members_count", "9" * 31, "must be between")),
    ],
)
def test_broken_rows_are_reported_and_nothing_changes(alice, federation, tmp_path, body, expected):
    before = Organisation.objects.count()
    report = run(alice, _broken(tmp_path, HEADER + "OK1,Fine,cooperative,FR,,,,,,\n" + body))
    assert not report.ok
    error = report.errors[0]
    assert (error.column, error.value) == expected[:2] and expected[2] in error.message
    assert error.row >= 3  # the good row 2 passed; the problem is on the bad one
    assert Organisation.objects.count() == before


def test_missing_column_and_bad_encoding_and_empty(alice, tmp_path):
    report = run(alice, _broken(tmp_path, "identifier,name\nA,B\n"))
    assert report.errors[0].row == 1 and "kind" in report.errors[0].column and "missing" in report.errors[0].message
    with pytest.raises(ImportFileError, match="UTF-8"):  # neither UTF-8 nor Windows-1252
        run(alice, _broken(tmp_path, HEADER + "A1,Façade,cooperative,FR,,,,,,\n", encoding="mac-roman"))
    with pytest.raises(ImportFileError, match="empty"):
        run(alice, _broken(tmp_path, ""))
    with pytest.raises(ImportFileError, match="XLSX"):
        run(alice, _broken(tmp_path, "not a workbook", name="fake.xlsx"))
    assert Organisation.objects.count() == 0


def test_essglobal_unknown_codes_reported(alice, tmp_path):
    text = (FIXTURES / "essglobal-sample.csv").read_text(encoding="utf-8")
    text = text.replace("base-membership-type/BMT10", "base-membership-type/BMT99", 1)
    text = text.replace("activities-ica/ICA260", "activities-ica/ICA999", 1)
    report = run(alice, _broken(tmp_path, text), fmt="essglobal")
    assert {(e.column, e.message) for e in report.errors} >= {
        ("Membership Type", "unknown ESSGlobal base-membership-type code"),
        ("Primary Activity", "unknown ESSGlobal ICA activity code"),
    }
    assert Organisation.objects.count() == 0


@pytest.mark.parametrize("who", ["bob", "charlie", "dave"])
def test_only_secretariat_imports(request, federation, who):
    with pytest.raises(PermissionDenied):
        run(request.getfixturevalue(who), FIXTURES / "cicopa-organisations.csv")


def test_cli_import_and_exit_codes(alice, tmp_path):
    out = io.StringIO()
    call_command("import_organisations", str(FIXTURES / "essglobal-sample.csv"), "--format", "essglobal", stdout=out)
    assert "10 organisations were created" in out.getvalue()
    bad = _broken(tmp_path, HEADER + "A1,Uno,cooperative,XX,,,,,,\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_organisations", str(bad), stderr=err)
    assert "row 2, country = 'XX': unknown country" in err.getvalue()
    with pytest.raises(CommandError, match="No file"):
        call_command("import_organisations", str(tmp_path / "missing.csv"))
    copy = tmp_path / "dry.csv"
    shutil.copy(FIXTURES / "cicopa-organisations.csv", copy)
    out = io.StringIO()
    call_command("import_organisations", str(copy), "--dry-run", stdout=out)
    assert "would be created" in out.getvalue()
    assert Organisation.objects.count() == 10


def _found(q: str, **filters: str) -> set[str]:
    from cicopa.registry import directory_queries

    return {
        o.name for o in directory_queries.search_directory(directory_queries.parse_filters({"q": q, **filters})).items
    }


def test_imported_organisations_are_searchable_and_the_index_keeps_following(alice, tmp_path):
    from cicopa.registry import services
    from cicopa.registry.checks import search_index_check

    assert run(alice, FIXTURES / "cicopa-organisations.csv").ok
    assert _found("batisseurs") == {"Scop Bâtisseurs du Rhône"}
    assert _found("nairobi", sector="artisanal", country="KE") == {"Nairobi Artisans Co-operative Society"}
    assert _found("limpieza", membership_type="worker") == {"Cooperativa de Limpieza Aurora"}
    # After the import the database indexes single writes again as it did before.
    assert search_index_check(None, databases=["default"]) == []
    services.organisation_create(actor=alice, data={"name": "Zanzibar Weavers"})
    assert _found("zanzibar") == {"Zanzibar Weavers"}
    # A re-import that renames an organisation: found by its new name only.
    renamed = tmp_path / "renamed.csv"
    renamed.write_text(
        (FIXTURES / "cicopa-organisations.csv").read_text(encoding="utf-8").replace("Aurora", "Amanecer"),
        encoding="utf-8",
    )
    assert run(alice, renamed).updated == 1
    assert _found("amanecer") == {"Cooperativa de Limpieza Amanecer"}
    assert _found("aurora") == set()
    _check_index()


def _check_index():
    """SQLite: FTS5 compares its index with the organisation table, and raises if they differ."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO registry_organisation_fts(registry_organisation_fts, rank) VALUES ('integrity-check', 1)"
            )


def test_index_integrity_through_imports_and_reimports(alice, tmp_path):
    from cicopa.registry import directory_queries, services

    header = "identifier,name,kind,country,city,sectors\n"
    rows = "".join(f"ID{i},Cooperativa {i},cooperative,ES,Sevilla,construction\n" for i in range(300))
    first = tmp_path / "first.csv"
    first.write_text(header + rows, encoding="utf-8")
    assert run(alice, first).created == 300
    _check_index()
    services.organisation_create(actor=alice, data={"name": "Cooperativa Manual"})
    # Half renamed and moved, a hundred new, the rest as they were.
    rows = "".join(
        f"ID{i},{'Sociedad' if i % 2 else 'Cooperativa'} {i},cooperative,ES,{'Cádiz' if i % 2 else 'Sevilla'},"
        f"{'transport' if i % 2 else 'construction'}\n"
        for i in range(400)
    )
    second = tmp_path / "second.csv"
    second.write_text(header + rows, encoding="utf-8")
    preview = run(alice, second, dry_run=True)  # the check says beforehand what the import will do
    assert (preview.created, preview.updated, preview.unchanged) == (100, 150, 150)
    assert [p.action for p in preview.sample[:3]] == ["unchanged", "update", "unchanged"]
    report = run(alice, second)
    assert (report.created, report.updated, report.unchanged) == (100, 150, 150)
    _check_index()

    assert (
        directory_queries.search_directory(
            directory_queries.parse_filters({"q": "sociedad cadiz", "sector": "transport"})
        ).total
        == 200
    )
    assert _found("sociedad sevilla") == set() and "Cooperativa Manual" in _found("manual")


def test_import_audit_records_values_then_only_what_a_reimport_changed(alice, tmp_path):
    run(alice, FIXTURES / "cicopa-organisations.csv")
    sbr = Organisation.objects.get(acronym="SBR")
    created = AuditEntry.objects.get(action="registry.organisation.import", object_id=str(sbr.pk))
    assert created.changes["identifier"] == "cicopa:FR-001"
    assert created.changes["name"] == [None, "Scop Bâtisseurs du Rhône"]
    assert created.changes["latitude"] == [None, 45.764] and created.changes["founded"] == [None, 1983]
    assert created.changes["sectors"] == [None, ["construction", "artisanal"]]
    assert created.changes["slug"] == [None, sbr.slug]
    moved = tmp_path / "moved.csv"
    text = (FIXTURES / "cicopa-organisations.csv").read_text(encoding="utf-8")
    moved.write_text(text.replace("Lyon,69001", "Villeurbanne,69100").replace("construction;artisanal", "construction"))
    run(alice, moved)
    update = AuditEntry.objects.filter(action="registry.organisation.import", object_id=str(sbr.pk)).latest("id")
    assert update.changes == {
        "identifier": "cicopa:FR-001",
        "city": ["Lyon", "Villeurbanne"],
        "postcode": ["69001", "69100"],
        "sectors": [["artisanal", "construction"], ["construction"]],
    }
    nacs = Organisation.objects.get(acronym="NACS")
    assert AuditEntry.objects.filter(object_id=str(nacs.pk)).count() == 1  # unchanged by the re-import


def test_bulk_indexing_is_undone_with_its_transaction(alice):
    from cicopa.registry import services
    from cicopa.registry.search import bulk_indexing

    with pytest.raises(RuntimeError), bulk_indexing():
        services.organisation_create(actor=alice, data={"name": "Quixotic Printers"})
        raise RuntimeError("the import failed half-way")
    assert not Organisation.objects.filter(name="Quixotic Printers").exists()
    with bulk_indexing():
        services.organisation_create(actor=alice, data={"name": "Quixotic Makers"})
    services.organisation_create(actor=alice, data={"name": "Quixotic Bakers"})
    assert _found("quixotic") == {"Quixotic Makers", "Quixotic Bakers"}


def test_reimport_across_batches_with_two_identifiers_for_one_organisation(alice, tmp_path, monkeypatch):
    """An organisation reached twice in one re-import (two identifiers of the scheme) leaves the index once."""
    from cicopa.registry import import_writes

    monkeypatch.setattr(import_writes, "BATCH", 1)
    first = tmp_path / "first.csv"
    first.write_text("identifier,name,kind,country\nA1,Uno Cooperativa,cooperative,ES\n", encoding="utf-8")
    run(alice, first)
    org = Organisation.objects.get(identifiers__value="A1")
    ExternalIdentifier.objects.create(organisation=org, scheme="cicopa", value="A1-old")
    again = tmp_path / "again.csv"
    again.write_text(
        "identifier,name,kind,country\nA1,Dos Cooperativa,cooperative,ES\nA1-old,Tres Cooperativa,cooperative,ES\n",
        encoding="utf-8",
    )
    report = run(alice, again)
    assert report.ok and report.updated == 2
    _check_index()
    assert _found("tres") == {"Tres Cooperativa"} and _found("dos") == set() and _found("uno") == set()


def test_identifiers_longer_than_the_registry_keeps_are_reported(alice, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(f"identifier,name,kind,country\n{'X' * 121},Uno,cooperative,ES\n", encoding="utf-8")
    report = run(alice, path)
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (2, "identifier", "an identifier has at most 120 characters")
    ]
    assert Organisation.objects.count() == 0


def test_a_file_with_a_header_and_no_rows_is_refused(alice, tmp_path):
    report = run(alice, _broken(tmp_path, HEADER), dry_run=True)
    assert not report.ok and "no rows" in report.errors[0].message


def test_columns_the_format_does_not_have_are_named_with_a_guess(alice, tmp_path):
    path = _broken(tmp_path, "identifier,name,kind,country,sectros,colour\nA1,Uno,cooperative,FR,construction,red\n")
    report = run(alice, path, dry_run=True)
    assert report.ok and report.ignored_columns == ["sectros (sectors?)", "colour"]


def test_errors_quote_the_cell_as_the_file_has_it(alice, tmp_path):
    body = "identifier,name,kind,country,website\nA1,Uno,cooperative,Atlantis,not a url\n"
    report = run(alice, _broken(tmp_path, body))
    assert {(e.column, e.value) for e in report.errors} == {("country", "Atlantis"), ("website", "not a url")}


def test_csv_is_read_as_rfc_4180_whatever_its_first_kilobytes_look_like(alice, tmp_path):
    """Quotes are doubled inside quoted cells, and a quoted cell may run over several lines, however far into
    the file the first doubled quote comes: only the delimiter is guessed."""
    rows = [f'ID{i},Cooperativa {i},cooperative,ES,"Line one of {i};\nline two, with a comma"\n' for i in range(1500)]
    rows.append('LAST,"The ""Quoted"" One",cooperative,ES,"She said ""hello"",\nthen left."\n')
    text = "identifier,name,kind,country,description\n" + "".join(rows)
    assert text.index('""') > 100_000
    report = run(alice, _broken(tmp_path, text), dry_run=True)
    assert report.ok, [str(e) for e in report.errors[:3]]
    assert report.rows == 1501
    report = run(alice, _broken(tmp_path, text))
    assert report.created == 1501
    last = Organisation.objects.get(identifiers__value="LAST")
    assert last.name == 'The "Quoted" One' and last.description == 'She said "hello",\nthen left.'
    assert Organisation.objects.get(identifiers__value="ID7").description == "Line one of 7;\nline two, with a comma"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_found_in_the_header(alice, tmp_path, delimiter):
    header = delimiter.join(["identifier", "name", "kind", "country", "description"])
    row = delimiter.join(["A1", '"Uno, Dos; Tres"', "cooperative", "FR", '"a\tb, c; d"'])
    report = run(alice, _broken(tmp_path, header + "\n" + row + "\n"), dry_run=True)
    assert report.ok, [str(e) for e in report.errors]
    values = report.sample[0].values
    assert values["name"] == "Uno, Dos; Tres" and values["description"] == "a\tb, c; d"


PEOPLE_HEADER = "identifier,name,kind,country,city\n"
OEUVRE = "Coop\u00e9rative l\u2019\u0152uvre"  # Coopérative l'Œuvre with a typographic apostrophe, as in Word
GREEK = "\u03a3\u03c5\u03bd\u03b5\u03c4\u03b1\u03b9\u03c1\u03b9\u03c3\u03bc\u03cc\u03c2"  # a co-operative, in Greek


@pytest.mark.parametrize(
    ("text", "encoding", "name"),
    [
        (PEOPLE_HEADER + f"A1,{OEUVRE},cooperative,FR,Besançon\n", "utf-8-sig", OEUVRE),
        (PEOPLE_HEADER + f"A1,{OEUVRE},cooperative,FR,Besançon\n", "cp1252", OEUVRE),
        (PEOPLE_HEADER + "A1,Coopérative Ouvrière,cooperative,FR,Besançon\n", "latin-1", "Coopérative Ouvrière"),
        (PEOPLE_HEADER + "A1,Коопер Œuvre,cooperative,FR,Besançon\n", "utf-16", "Коопер Œuvre"),  # with its BOM
        (  # Excel's "Unicode text": UTF-16 little-endian with a byte-order mark, tab-separated
            PEOPLE_HEADER.replace(",", "\t") + f"A1\t{GREEK}\tcooperative\tFR\tBesançon\n",
            "utf-16",
            GREEK,
        ),
        (
            "\ufeff" + PEOPLE_HEADER.replace(",", ";") + "A1;Coopérative, Lyon;cooperative;FR;Besançon\n",
            "utf-16-be",
            "Coopérative, Lyon",
        ),
        (PEOPLE_HEADER.replace(",", ";") + 'A1;"Scop; Lyon";cooperative;FR;Besançon\n', "utf-8", "Scop; Lyon"),
        (  # a title and a blank line above the header, as exports from other software have
            "Organisations, exported 12/03/2024;;\n\n"
            + PEOPLE_HEADER.replace(",", ";")
            + "A1;Uno;cooperative;FR;Besançon\n",
            "cp1252",
            "Uno",
        ),
    ],
)
def test_files_people_really_have_are_read(alice, tmp_path, text, encoding, name):
    report = run(alice, _broken(tmp_path, text, encoding=encoding))
    assert report.ok, [str(e) for e in report.errors]
    assert report.created == 1 and report.ignored_columns == []
    org = Organisation.objects.get(identifiers__value="A1")
    assert (org.name, org.city, org.country_id) == (name, "Besançon", "FR")


def test_rows_are_numbered_as_the_spreadsheet_shows_them(alice, tmp_path):
    text = "CICOPA members\n\n" + PEOPLE_HEADER + "A1,Uno,cooperative,FR,\n\nA2,Dos,cooperative,XX,\n"
    report = run(alice, _broken(tmp_path, text))
    assert [(e.row, e.column, e.value) for e in report.errors] == [(6, "country", "XX")]
    report = run(alice, _broken(tmp_path, "CICOPA members\n\nidentifier,name,country\nA1,Uno,FR\n"))
    assert [(e.row, e.column, e.message) for e in report.errors] == [(3, "kind", "missing column")]
    wb = xlsx([["CICOPA members"], [], ["identifier", "name", "kind", "country"], ["A1", "Uno", "bank", "FR"]])
    path = tmp_path / "titled.xlsx"
    path.write_bytes(wb)
    assert [(e.row, e.column) for e in run(alice, path).errors] == [(4, "kind")]
    assert Organisation.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"identifier,name,kind,country,name\nA1,Uno,cooperative,FR,Dos\n",
            'The header (row 1) has more than one column named "name"; rename or remove the others.',
        ),
        (
            (",".join(["identifier", "name", "kind", "country"] + [f"extra {i}" for i in range(3000)]) + "\n").encode(),
            "Row 1 has more than 200 columns, the most a file may have.",
        ),
        (
            codecs.BOM_UTF16_LE + PEOPLE_HEADER.encode("utf-16-le") + b"\x00\xd8A\x00",  # a lone surrogate
            "The file begins as UTF-16 text but is not. Save it as CSV UTF-8 and try again.",
        ),
        (
            PEOPLE_HEADER.encode("utf-16-le") + "A1,Uno,cooperative,FR,\n".encode("utf-16-le"),  # no BOM
            "The file's first line holds NUL characters",
        ),
        (
            PEOPLE_HEADER.encode() + "A1,Façade,cooperative,FR,\n".encode("mac-roman"),
            "The file is not UTF-8 text (byte 40 cannot be read). Save it as CSV UTF-8 and try again.",
        ),
    ],
)
def test_files_that_cannot_be_read_rightly_are_refused_in_one_sentence(alice, federation, tmp_path, data, message):
    before = Organisation.objects.count()
    path = tmp_path / "people.csv"
    path.write_bytes(data)
    with pytest.raises(ImportFileError) as exc:
        run(alice, path)
    assert exc.value.message.startswith(message)
    assert Organisation.objects.count() == before


def test_a_utf16_file_is_checked_on_the_import_page(client, alice, tmp_path):
    client.force_login(alice)
    upload = io.BytesIO((PEOPLE_HEADER + f"A1,{GREEK},cooperative,FR,\n").encode("utf-16"))
    upload.name = "unicode.csv"
    r = client.post("/import/", {"file": upload, "format": "cicopa"})
    assert r.status_code == 200
    assert GREEK in r.content.decode()
    assert Organisation.objects.count() == 0
