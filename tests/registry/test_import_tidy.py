"""Cells as people write them: countries by name, placeholders, web addresses without a scheme, several
addresses in a cell. Each tidy-up is a warning of the report, never an error."""

from __future__ import annotations

from pathlib import Path

from cicopa.registry.importing import import_organisations
from cicopa.registry.models import Organisation


def run(actor, tmp_path: Path, text: str, **kw):
    path = tmp_path / "orgs.csv"
    path.write_text(text, encoding="utf-8")
    with path.open("rb") as f:
        return import_organisations(actor=actor, stream=f, filename=path.name, fmt=kw.pop("fmt", "cicopa"), **kw)


def test_countries_by_code_or_name_in_any_language(alice, tmp_path):
    rows = ["A1,Uno,FRA", "A2,Dos,Deutschland", "A3,Tres,Royaume-Uni", "A4,Cuatro,Ivory Coast", "A5,Cinco,brasil"]
    report = run(alice, tmp_path, "identifier,name,country,kind\n" + "".join(f"{r},cooperative\n" for r in rows))
    assert report.ok, [str(e) for e in report.errors]
    got = dict(Organisation.objects.values_list("name", "country_id"))
    assert got == {"Uno": "FR", "Dos": "DE", "Tres": "GB", "Cuatro": "CI", "Cinco": "BR"}
    assert report.warnings == []  # a name is not a tidy-up: it is how the file says it


def test_an_unknown_country_quotes_the_cell_and_suggests_the_closest(alice, tmp_path):
    text = "identifier,name,kind,country\nA1,Uno,cooperative,Rawanda\nA2,Dos,cooperative,Atlantis\n"
    report = run(alice, tmp_path, text)
    assert [str(e) for e in report.errors] == [
        "row 2, country = 'Rawanda': unknown country; did you mean Rwanda?",
        "row 3, country = 'Atlantis': unknown country; write its ISO code, such as FR, or its name",
    ]
    assert [e.suggestion for e in report.errors] == ["RW", ""]
    assert Organisation.objects.count() == 0
    # The country chosen for a value (on the import page) is used for every row with it, and said.
    report = run(alice, tmp_path, text.replace("Atlantis", "Rawanda"), country_fixes={"Rawanda": "RW"})
    assert report.ok and report.created == 2
    assert set(Organisation.objects.values_list("country_id", flat=True)) == {"RW"}
    assert [(w.row, w.value, w.message) for w in report.warnings] == [
        (2, "Rawanda", "read as Rwanda, as chosen on the import page"),
        (3, "Rawanda", "read as Rwanda, as chosen on the import page"),
    ]


def test_placeholders_are_empty_and_said(alice, tmp_path):
    text = (
        "identifier,name,kind,country,city,email,website,founded,latitude,longitude\n"
        "A1,Uno,cooperative,FR,n/a,N/A,-,none,NULL,null\n"
    )
    report = run(alice, tmp_path, text)
    assert report.ok, [str(e) for e in report.errors]
    org = Organisation.objects.get()
    assert (org.city, org.email, org.website, org.founded, org.latitude) == ("", "", "", None, None)
    assert [(w.column, w.value, w.message) for w in report.warnings] == [
        ("city", "n/a", "read as empty"),
        ("email", "N/A", "read as empty"),
        ("website", "-", "read as empty"),
        ("founded", "none", "read as empty"),
        ("latitude", "NULL", "read as empty"),
        ("longitude", "null", "read as empty"),
    ]


def test_web_addresses_get_their_scheme_and_a_cell_of_several_addresses_keeps_the_first(alice, tmp_path):
    text = (
        "identifier,name,kind,country,email,website\n"
        "A1,Uno,cooperative,FR,contact@uno.coop; ventes@uno.coop,www.uno.coop\n"
        'A2,Dos,cooperative,FR,dos@dos.coop,"dos.coop, www.dos.org"\n'
        "A3,Tres,cooperative,FR,tres@tres.coop,http://tres.coop\n"
    )
    report = run(alice, tmp_path, text)
    assert report.ok, [str(e) for e in report.errors]
    got = {o.name: (o.email, o.website) for o in Organisation.objects.all()}
    assert got == {
        "Uno": ("contact@uno.coop", "https://www.uno.coop"),
        "Dos": ("dos@dos.coop", "https://dos.coop"),
        "Tres": ("tres@tres.coop", "http://tres.coop"),
    }
    assert [(w.row, w.column, w.message) for w in report.warnings] == [
        (2, "email", "several addresses: the first is kept, ventes@uno.coop left out"),
        (2, "website", "read as https://www.uno.coop"),
        (3, "website", "several addresses: the first is kept, www.dos.org left out"),
        (3, "website", "read as https://dos.coop"),
    ]


def test_text_that_is_not_an_address_is_still_an_error(alice, tmp_path):
    text = "identifier,name,kind,country,email,website\nA1,Uno,cooperative,FR,write to us,see our page\n"
    report = run(alice, tmp_path, text)
    assert {(e.column, e.value) for e in report.errors} == {("email", "write to us"), ("website", "see our page")}
