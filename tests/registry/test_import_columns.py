"""Files of any layout: the file's own headers mapped onto the platform's columns, proposed from their names in
English, French and Spanish; re-imports without identifiers matched on name and country."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cicopa.core.errors import PermissionDenied, ValidationError
from cicopa.core.models import AuditEntry
from cicopa.registry import import_columns, import_services
from cicopa.registry.importing import ImportFileError, import_organisations
from cicopa.registry.models import ImportMapping, Organisation
from craft import xlsx


def run(actor, path: Path, **kw):
    with path.open("rb") as f:
        return import_organisations(actor=actor, stream=f, filename=path.name, fmt="columns", **kw)


def write(tmp_path: Path, text: str, name="own.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            ["Name", "Country", "Town", "E-mail", "Web site", "Sectors", "Members", "Founded", "Notes"],
            ["name", "country", "city", "email", "website", "sectors", "members_count", "founded", ""],
        ),
        (
            ["Nom", "Pays", "Ville", "Code postal", "Courriel", "Site web", "Secteur d'activité", "Nombre de salariés"],
            ["name", "country", "city", "postcode", "email", "website", "sectors", "workers_count"],
        ),
        (
            ["Nombre", "País", "Ciudad", "Correo electrónico", "Teléfono", "Sitio web", "Socios", "Forma jurídica"],
            ["name", "country", "city", "email", "phone", "website", "members_count", "legal_form"],
        ),
        (
            ["ID", "Raison sociale", "PAYS ", "Adress", "Secteurs"],
            ["identifier", "name", "country", "address", "sectors"],
        ),
        (["Name", "Nom", "Country"], ["name", "", "country"]),  # a field is proposed once: the first column wins
    ],
)
def test_the_mapping_is_proposed_from_english_french_and_spanish_headers(header, expected):
    assert list(import_columns.propose(header).values()) == expected


SPANISH = (
    "Cooperativas de la federación\n"  # a title above the header, as exports have
    "Nombre;País;Ciudad;Sitio web;Sector;Socios;Observaciones\n"
    "Cooperativa Textil Aurora;España;Sevilla;www.aurora.coop;Producción industrial, actividades artesanales;42;n/a\n"
    "Taxis Unidos;Argentina;Rosario;;Transporte;120;\n"
)


def test_a_file_of_its_own_layout_imports_and_its_reimport_matches_on_name_and_country(alice, tmp_path):
    path = write(tmp_path, SPANISH)
    report = run(alice, path)
    assert report.ok, [str(e) for e in report.errors]
    assert (report.created, report.updated) == (2, 0)
    assert report.mapping == {
        "Nombre": "name",
        "País": "country",
        "Ciudad": "city",
        "Sitio web": "website",
        "Sector": "sectors",
        "Socios": "members_count",
        "Observaciones": "",
    }
    assert report.ignored_columns == ["Observaciones"]
    aurora = Organisation.objects.get(name="Cooperativa Textil Aurora")
    assert (aurora.kind, aurora.country_id, aurora.website, aurora.members_count) == (
        "cooperative",
        "ES",
        "https://www.aurora.coop",
        42,
    )
    assert sorted(aurora.sectors.values_list("code", flat=True)) == ["artisanal", "industrial_production"]
    assert not aurora.identifiers.exists()  # the file has none
    # The same file again, with the names in other case and accents: nothing new, one update.
    again = write(tmp_path, SPANISH.replace("Taxis Unidos", "TAXIS UNÍDOS").replace(";120;", ";130;"), "again.csv")
    report = run(alice, again)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert Organisation.objects.count() == 2
    assert Organisation.objects.get(country_id="AR").members_count == 130


def test_the_same_name_in_another_country_is_another_organisation(alice, tmp_path):
    run(alice, write(tmp_path, "Name,Country\nUnity Co-operative,GB\n"))
    report = run(alice, write(tmp_path, "Name,Country\nUnity Co-operative,IE\nunity co-operative,GB\n", "b.csv"))
    assert (report.created, report.updated) == (1, 1)  # found, whatever the case: the file now writes it so


def test_two_rows_of_one_name_and_country_or_a_name_two_organisations_share_are_reported(alice, tmp_path):
    report = run(alice, write(tmp_path, "Name,Country\nUno,FR\nUNO,France\n"))
    assert [(e.row, e.column, e.message) for e in report.errors] == [(3, "Name", "the same name and country as row 2")]
    from cicopa.core.models import Country
    from cicopa.registry import services

    for _n in range(2):
        services.organisation_create(actor=alice, data={"name": "Dos", "country": Country.objects.get(iso2="FR")})
    report = run(alice, write(tmp_path, "Name,Country\nDos,FR\n", "dos.csv"))
    assert [(e.column, e.value) for e in report.errors] == [("Name", "Dos")]
    assert "add an identifier column" in report.errors[0].message


def test_the_mapping_given_overrides_the_proposal_and_an_identifier_column_is_matched_on(alice, tmp_path):
    text = "Code,Nom,Pays,Contact,Type\nF-1,Scop Uno,France,uno@scop.coop,Alliance\n"
    report = run(alice, write(tmp_path, text), mapping={"Contact": "email", "Type": "kind"}, dry_run=True)
    assert report.ok, [str(e) for e in report.errors]
    assert report.mapping == {
        "Code": "identifier",
        "Nom": "name",
        "Pays": "country",
        "Contact": "email",
        "Type": "kind",
    }
    assert report.sample[0].values["kind"] == "alliance"  # a kind by its name, in any of the three languages
    report = run(alice, write(tmp_path, text), mapping={"Contact": "email", "Type": ""}, kind="other")
    org = Organisation.objects.get()
    assert (org.kind, org.email, org.identifiers.get().value) == ("other", "uno@scop.coop", "F-1")
    report = run(alice, write(tmp_path, text.replace("Scop Uno", "Scop Una")), mapping={"Type": ""})
    assert (report.created, report.updated) == (0, 1)  # matched on the code: the name may change


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"Colour": "name"}, 'The file has no column "Colour" to read as name.'),
        ({"Nom": "title"}, "title is not a column of the cicopa format"),
        ({"Ville": "name"}, "More than one column is read as name: Nom, Ville."),
    ],
)
def test_a_mapping_that_cannot_be_is_refused_in_one_sentence(alice, tmp_path, mapping, message):
    with pytest.raises(ImportFileError, match=message):
        run(alice, write(tmp_path, "Nom,Pays,Ville\nUno,FR,Lyon\n"), mapping=mapping)


def test_a_file_without_a_name_or_country_column_says_so(alice, tmp_path):
    report = run(alice, write(tmp_path, "Nom,Ville\nUno,Lyon\n"))
    assert [(e.column, e.message) for e in report.errors] == [("country", "no column of the file is read as this")]


def test_sectors_in_free_text_map_to_the_registry_s_and_the_rest_to_other(alice, tmp_path):
    text = 'Name,Country,Activity\nUno,FR,"Construcción; Santé / Social care services, Fishing"\n'
    report = run(alice, write(tmp_path, text))
    assert report.ok
    assert list(Organisation.objects.get().sectors.values_list("code", flat=True)) == [
        "construction",
        "health",
        "social_care",
        "other",
    ]
    assert [(w.column, w.value, w.message) for w in report.warnings] == [
        ("Activity", "Fishing", "none of the registry's sectors: read as Other")
    ]


def test_a_spreadsheet_of_its_own_layout(alice, tmp_path):
    path = tmp_path / "own.xlsx"
    path.write_bytes(xlsx([["Nombre", "País", "Trabajadores"], ["Uno", "Perú", 12], ["Dos", "PER", None]]))
    report = run(alice, path)
    assert report.ok and report.created == 2
    assert set(Organisation.objects.values_list("country_id", "workers_count")) == {("PE", 12), ("PE", None)}


def test_mappings_are_saved_through_a_service_audited_and_reused_on_the_command_line(alice, bob, tmp_path):
    with pytest.raises(PermissionDenied):
        import_services.import_mapping_save(actor=bob, name="Coceta", columns={"Nombre": "name"}, kind="cooperative")
    with pytest.raises(ValidationError):
        import_services.import_mapping_save(actor=alice, name=" ", columns={}, kind="cooperative")
    with pytest.raises(ValidationError):
        import_services.import_mapping_save(actor=alice, name="X", columns={"A": "colour"}, kind="cooperative")
    saved = import_services.import_mapping_save(
        actor=alice, name="Coceta", columns={"Observaciones": "description", "Socios": ""}, kind="other"
    )
    assert AuditEntry.objects.filter(action="registry.import_mapping.save", object_id=str(saved.pk)).exists()
    out, err = io.StringIO(), io.StringIO()
    path = write(tmp_path, SPANISH.replace(";n/a", ";Tejidos"))
    call_command(
        "import_organisations", str(path), "--format", "columns", "--mapping", "Coceta", stdout=out, stderr=err
    )
    assert "2 organisations were created" in out.getvalue()
    assert "Observaciones → description" in err.getvalue() and "Socios" in err.getvalue()
    aurora = Organisation.objects.get(name="Cooperativa Textil Aurora")
    assert (aurora.kind, aurora.description, aurora.members_count) == ("other", "Tejidos", None)
    # --map over the saved mapping, and --kind over its kind
    path = write(tmp_path, "Nom,Pays,Effectif\nScop Tres,FR,12\n", "fr.csv")
    call_command(
        "import_organisations",
        str(path),
        "--format=columns",
        "--map",
        "Effectif=workers_count",
        "--kind",
        "cooperative",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert Organisation.objects.filter(name="Scop Tres", workers_count=12, kind="cooperative").exists()
    with pytest.raises(CommandError, match="No column mapping is named Nope"):
        call_command("import_organisations", str(path), "--format", "columns", "--mapping", "Nope")
    with pytest.raises(CommandError, match="SOURCE=FIELD"):
        call_command("import_organisations", str(path), "--format", "columns", "--map", "Effectif")
    with pytest.raises(CommandError, match="staff is not a column of the cicopa format"):
        call_command("import_organisations", str(path), "--format", "columns", "--map", "Effectif=staff")
    assert ImportMapping.objects.count() == 1


def test_the_import_page_maps_the_columns_fixes_a_country_and_imports(client, alice, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    client.force_login(alice)
    upload = io.BytesIO("Nombre;País;Contacto;Notas\nTaller Uno;Rawanda;uno@taller.coop;-\n".encode())
    upload.name = "talleres.csv"
    page = client.post("/import/", {"file": upload, "format": "columns"}).content.decode()
    assert "Read the columns of the file" in page and "uno@taller.coop" in page  # a sample of each column
    assert '<option value="name" selected>' in page and "Taller Uno" in page
    # The person reads "Contacto" as the e-mail address and keeps the mapping.
    data = {"step": "columns", "column-0": "name", "column-1": "country", "column-2": "email", "column-3": ""}
    page = client.post("/import/", {**data, "kind": "cooperative", "save_as": "Talleres"}).content.decode()
    assert "Nothing was imported" in page and "did you mean Rwanda?" in page
    assert "Use Rwanda for this row" in page
    assert ImportMapping.objects.get(name="Talleres").columns["Contacto"] == "email"
    page = client.post("/import/", {"step": "country", "value": "Rawanda", "country": "RW"}).content.decode()
    assert "The file is ready to import" in page and "read as Rwanda, as chosen on the import page" in page
    body = client.post("/import/", {"confirm": "1"}, follow=True).content.decode()
    assert "Done: 1 organisations created" in body
    org = Organisation.objects.get()
    assert (org.name, org.country_id, org.email) == ("Taller Uno", "RW", "uno@taller.coop")
    from cicopa.registry.models import ImportRun

    recorded = ImportRun.objects.get()
    assert (recorded.format, recorded.mapping_name, recorded.report["country_fixes"]) == (
        "columns",
        "Talleres",
        {"Rawanda": "RW"},
    )
    assert f"/import/history/{recorded.pk}/" in body


@pytest.mark.parametrize(("who", "status"), [("bob", 403), ("charlie", 403), ("dave", 403), ("anonymous", 302)])
def test_only_the_secretariat_maps_and_imports_on_the_page(request, client, federation, who, status):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    assert client.post("/import/", {"step": "columns", "column-0": "name"}).status_code == status
    assert client.post("/import/", {"step": "country", "value": "X", "country": "FR"}).status_code == status
    assert ImportMapping.objects.count() == 0
