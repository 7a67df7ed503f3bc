"""The history of imports and undoing one: what it created goes, what it updated comes back, unless changed
since (then left alone and listed); every role's access to the pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from cicopa.core.errors import PermissionDenied, ValidationError
from cicopa.core.models import AuditEntry
from cicopa.registry import import_services, services
from cicopa.registry.importing import import_organisations
from cicopa.registry.models import ExternalIdentifier, ImportRun, Organisation

HEADER = "identifier,name,kind,country,city,sectors\n"
FIRST = HEADER + "A1,Uno,cooperative,FR,Lyon,construction\nA2,Dos,cooperative,ES,Sevilla,\n"


def run(actor, tmp_path: Path, text: str, name="orgs.csv", fmt="cicopa", **kw):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with path.open("rb") as f:
        return import_organisations(actor=actor, stream=f, filename=path.name, fmt=fmt, **kw)


def test_every_import_that_writes_is_recorded_with_its_report(alice, tmp_path):
    report = run(alice, tmp_path, FIRST.replace("Lyon", "n/a"))
    recorded = ImportRun.objects.get()
    assert report.run_id == recorded.pk
    assert (recorded.actor, recorded.filename, recorded.format, recorded.scheme) == (
        alice,
        "orgs.csv",
        "cicopa",
        "cicopa",
    )
    assert recorded.size == len(FIRST.replace("Lyon", "n/a").encode())
    assert (recorded.rows, recorded.created, recorded.updated, recorded.unchanged, recorded.warnings) == (2, 2, 0, 0, 1)
    assert recorded.report["warnings"] == [[2, "city", "n/a", "read as empty"]]
    run(alice, tmp_path, FIRST, dry_run=True)  # a check writes nothing, and is no import
    run(alice, tmp_path, FIRST.replace("A2", "A1"))  # nor is a file with errors
    assert ImportRun.objects.count() == 1


def test_undo_removes_what_the_import_created_and_gives_back_what_it_updated(alice, tmp_path):
    from cicopa.registry import directory_queries

    run(alice, tmp_path, FIRST)
    moved = FIRST.replace("Lyon,construction", "Villeurbanne,transport") + "A3,Tres,cooperative,PT,Porto,\n"
    second = run(alice, tmp_path, moved)
    assert (second.created, second.updated) == (1, 1)
    third = run(alice, tmp_path, moved.replace("Uno,cooperative,FR,Villeurbanne", "Una,cooperative,FR,Grenoble"))
    assert (third.created, third.updated, third.unchanged) == (0, 1, 2)
    uno = Organisation.objects.get(identifiers__value="A1")
    plan = import_services.undo_plan(ImportRun.objects.get(pk=third.run_id))
    assert plan.restore == {uno.pk: {"name": "Uno", "city": "Villeurbanne"}}
    assert plan.changed_since == [] and plan.remove == []
    import_services.import_undo(actor=alice, run=ImportRun.objects.get(pk=third.run_id))
    uno.refresh_from_db()
    assert (uno.name, uno.city) == ("Uno", "Villeurbanne")
    assert directory_queries.search_directory(directory_queries.parse_filters({"q": "uno villeurbanne"})).total == 1
    # Undoing the import that created Tres removes it, identifiers and all, and gives Uno back its city and sectors.
    second_run = ImportRun.objects.get(pk=second.run_id)
    plan = import_services.import_undo(actor=alice, run=second_run)
    assert [name for _pk, name in plan.remove] == ["Tres"]
    assert not Organisation.objects.filter(name="Tres").exists()
    assert not ExternalIdentifier.objects.filter(value="A3").exists()
    uno.refresh_from_db()
    assert (uno.city, list(uno.sectors.values_list("code", flat=True))) == ("Lyon", ["construction"])
    assert (
        directory_queries.search_directory(
            directory_queries.parse_filters({"q": "uno", "sector": "construction"})
        ).total
        == 1
    )
    assert AuditEntry.objects.filter(action="registry.organisation.import_undo", object_repr="Tres").exists()
    assert AuditEntry.objects.filter(action="registry.import.undo", object_id=str(second_run.pk)).exists()
    second_run.refresh_from_db()
    assert second_run.undone_at is not None and second_run.undone_by == "alice"
    with pytest.raises(ValidationError):  # once only
        import_services.import_undo(actor=alice, run=second_run)


def test_undo_leaves_alone_what_changed_since_and_lists_it(alice, federation, tmp_path):
    first = run(alice, tmp_path, FIRST)
    uno = Organisation.objects.get(identifiers__value="A1")
    dos = Organisation.objects.get(identifiers__value="A2")
    update = run(alice, tmp_path, FIRST.replace("Uno,cooperative,FR,Lyon", "Una,cooperative,FR,Grenoble"))
    # Since the update: someone renames Una again; her city stays as the import wrote it.
    services.organisation_update(actor=alice, organisation=uno, data={"name": "Una Scop"})
    plan = import_services.undo_plan(ImportRun.objects.get(pk=update.run_id))
    assert plan.restore == {uno.pk: {"city": "Lyon"}}
    assert plan.changed_since == [(uno.pk, "Una Scop", "name", "Una", "Una Scop")]
    import_services.import_undo(actor=alice, run=ImportRun.objects.get(pk=update.run_id))
    uno.refresh_from_db()
    assert (uno.name, uno.city) == ("Una Scop", "Lyon")
    # The first import's organisations: Uno was edited since, Dos joined a federation since; a third
    # created by it and left untouched would go.
    services.membership_create(actor=alice, member=dos, parent=federation["coceta"], status="active")
    plan = import_services.undo_plan(ImportRun.objects.get(pk=first.run_id))
    assert plan.remove == []
    assert {(pk, why.split(" ")[0]) for pk, _name, why in plan.keep} == {(uno.pk, "changed"), (dos.pk, "has")}
    import_services.import_undo(actor=alice, run=ImportRun.objects.get(pk=first.run_id))
    assert Organisation.objects.filter(pk__in=[uno.pk, dos.pk]).count() == 2


def test_undoing_the_later_import_first_lets_the_earlier_one_be_undone_whole(alice, tmp_path):
    first = run(alice, tmp_path, FIRST)
    later = run(alice, tmp_path, FIRST.replace("Lyon", "Grenoble"))
    import_services.import_undo(actor=alice, run=ImportRun.objects.get(pk=later.run_id))
    plan = import_services.import_undo(actor=alice, run=ImportRun.objects.get(pk=first.run_id))
    assert sorted(name for _pk, name in plan.remove) == ["Dos", "Uno"] and plan.keep == []
    assert not Organisation.objects.exists()


def test_undo_takes_away_the_identifiers_an_import_gave_to_organisations_it_matched(alice, tmp_path):
    header = "Identifier,Name,Country ID,Companies House Number\n"
    run(alice, tmp_path, header + "R1,Brixton Cycles,GB,01772005\n", fmt="essglobal")
    report = run(alice, tmp_path, header + "X-77,Brixton Cycles Ltd,GB,01772005\n", fmt="essglobal")
    assert report.updated == 1  # matched on the company number, and given the file's identifier
    org = Organisation.objects.get()
    assert set(org.identifiers.values_list("value", flat=True)) == {"R1", "X-77", "01772005"}
    import_services.import_undo(actor=alice, run=ImportRun.objects.get(pk=report.run_id))
    org.refresh_from_db()
    assert org.name == "Brixton Cycles"
    assert set(org.identifiers.values_list("value", flat=True)) == {"R1", "01772005"}


@pytest.mark.parametrize("who", ["bob", "charlie", "dave"])
def test_only_the_secretariat_undoes(request, alice, federation, tmp_path, who):
    report = run(alice, tmp_path, FIRST)
    with pytest.raises(PermissionDenied):
        import_services.import_undo(actor=request.getfixturevalue(who), run=ImportRun.objects.get(pk=report.run_id))
    assert Organisation.objects.filter(identifiers__value="A1").exists()


@pytest.mark.parametrize(
    ("who", "status"), [("alice", 200), ("bob", 403), ("charlie", 403), ("dave", 403), ("anonymous", 302)]
)
def test_the_history_report_and_undo_pages_are_the_secretariat_s(
    request, client, alice, federation, tmp_path, who, status
):
    report = run(alice, tmp_path, FIRST)
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    pages = ["/import/history/", f"/import/history/{report.run_id}/", f"/import/history/{report.run_id}/undo/"]
    for url in pages:
        assert client.get(url).status_code == status, url
    undone = client.post(f"/import/history/{report.run_id}/undo/")
    assert undone.status_code == (302 if who == "alice" else status)  # done, then back to the report
    assert Organisation.objects.filter(identifiers__value="A1").exists() == (who != "alice")


def test_the_history_lists_imports_with_their_figures_and_the_undo_asks_first(
    client, alice, tmp_path, django_assert_max_num_queries
):
    client.force_login(alice)
    for n in range(3):
        run(alice, tmp_path, FIRST.replace("A1", f"B{n}").replace("A2", f"C{n}"), name=f"file-{n}.csv")
    with django_assert_max_num_queries(13):  # the header counts unread notifications too
        page = client.get("/import/history/").content.decode()
    assert all(f"file-{n}.csv" in page for n in range(3)) and "alice" in page
    latest = ImportRun.objects.first()
    assert latest is not None
    confirm = client.get(f"/import/history/{latest.pk}/undo/").content.decode()
    assert "2 organisations it created will be removed" in confirm
    assert Organisation.objects.count() == 6  # asking changes nothing
    response = client.post(f"/import/history/{latest.pk}/undo/", follow=True)
    assert "The import was undone" in response.content.decode()
    assert Organisation.objects.count() == 4
    assert "undone" in client.get("/import/history/").content.decode()
