"""The import confirmed on the page runs in the background: the page it leads to follows it, its title and its
heading say where the import stands, and only the person who confirmed it sees it. (In the tests, tasks run at
once, inside the request that enqueues them.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from cicopa.core import uploads
from cicopa.core.models import TaskProgress
from cicopa.registry import tasks
from cicopa.registry.models import ImportRun, Organisation

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SAMPLE = (FIXTURES / "essglobal-sample.csv").read_bytes()


def _checked(client, alice, settings, tmp_path, data=SAMPLE):
    settings.DATA_DIR = tmp_path
    client.force_login(alice)
    html = client.post("/import/", {"file": SimpleUploadedFile("orgs.csv", data), "format": "essglobal"})
    assert "The file is ready to import" in html.content.decode()


def _confirmed(client):
    """Confirm the checked import; the address of the page that follows it, and that page."""
    response = client.post("/import/", {"confirm": "1"})
    assert response.status_code == 302
    address = response["Location"]
    assert re.fullmatch(r"/import/tasks/[0-9a-f-]{36}/", address)
    return address, client.get(address).content.decode()


def _headings(html):
    return [re.sub(r"<[^>]+>|\s+", " ", h).strip() for h in re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)]


def _title(html):
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def _refuse_writes():
    """The database refuses the import's writes, as a full disk would."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON registry_externalidentifier"
                " BEGIN SELECT RAISE(ABORT, 'full'); END"
            )
        else:
            cursor.execute(
                "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'full'; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON registry_externalidentifier EXECUTE FUNCTION refuse()"
            )


def _accept_writes():
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TRIGGER refuse"
            if connection.vendor == "sqlite"
            else "DROP TRIGGER refuse ON registry_externalidentifier"
        )


def test_a_running_import_says_so_and_is_followed_on_its_own_address(client, federation, alice):
    followed = TaskProgress.objects.create(owner=alice, title="Import of orgs.csv", status="running", done=10, total=20)
    client.force_login(alice)
    page = client.get(f"/import/tasks/{followed.pk}/").content.decode()
    assert _title(page) == "Importing organisations · CICOPA"
    assert _headings(page) == ["Importing organisations"]
    assert '<progress max="20" value="10"' in page
    # htmx asks this page, not core's, so that the end of the import can bring the whole page back.
    assert f'hx-get="/import/tasks/{followed.pk}/" hx-trigger="every 2s"' in page
    fragment = client.get(f"/import/tasks/{followed.pk}/", HTTP_HX_REQUEST="true")
    assert fragment.content.decode().startswith('<div class="task-progress task-running"')
    assert "HX-Refresh" not in fragment


def test_a_finished_import_brings_back_the_whole_page_that_says_so(client, federation, alice, settings, tmp_path):
    _checked(client, alice, settings, tmp_path)
    address, page = _confirmed(client)
    assert _title(page) == "Organisations imported · CICOPA"
    assert _headings(page) == ["Organisations imported"]
    assert "Done: 10 organisations created, 0 updated, 0 already up to date." in page
    run = ImportRun.objects.get()
    assert f'href="/import/history/{run.pk}/"' in page and "See this import among past imports" in page
    assert 'href="/directory/?sort=-updated"' in page and "See them in the directory" in page
    assert "Import another file" in page and "hx-get" not in page  # it has ended: nothing polls any more
    # The page that was polling when the import ended is told to load itself again, with this heading.
    polled = client.get(address, HTTP_HX_REQUEST="true")
    assert polled.status_code == 200 and polled["HX-Refresh"] == "true"


def test_an_import_that_fails_says_so_and_writes_nothing(client, federation, alice, settings, tmp_path):
    _checked(client, alice, settings, tmp_path)
    _refuse_writes()
    _address, page = _confirmed(client)
    assert _title(page) == "The import failed · CICOPA"
    assert _headings(page) == ["The import failed"]
    assert "The import stopped on an unexpected error, and nothing was imported." in page
    assert not Organisation.objects.filter(name="Brixton Cycles").exists() and not ImportRun.objects.exists()
    assert list((tmp_path / "pending-uploads").iterdir()) == []  # given up: its file goes


def test_a_file_that_no_longer_passes_the_checks_imports_nothing(client, federation, alice, settings, tmp_path):
    _checked(client, alice, settings, tmp_path)
    (kept,) = (tmp_path / "pending-uploads").iterdir()
    kept.write_bytes(SAMPLE.replace(b"R000039,", b"R000001,", 1))  # changed since it was checked: an identifier twice
    _address, page = _confirmed(client)
    assert _title(page) == "Nothing was imported · CICOPA"
    assert _headings(page) == ["Nothing was imported"]
    assert "Nothing was imported: the file no longer passes the checks. row 3, Identifier = &#x27;R000001&#x27;" in page
    assert not Organisation.objects.filter(name="Brixton Cycles").exists()
    assert list((tmp_path / "pending-uploads").iterdir()) == []


@pytest.mark.parametrize("who", ["another secretary", "bob", "dave"])
def test_nobody_else_sees_an_import_in_the_background(client, federation, alice, dave, who):
    followed = TaskProgress.objects.create(owner=alice, title="Import of orgs.csv", status="running")
    if who == "another secretary":
        other = get_user_model().objects.create_user("erin", "erin@example.org", "erin-password-1", is_staff=True)
    else:
        other = get_user_model().objects.get(username=who)
    client.force_login(other)
    assert client.get(f"/import/tasks/{followed.pk}/").status_code == 404
    assert client.get(f"/import/tasks/{followed.pk}/", HTTP_HX_REQUEST="true").status_code == 404
    client.logout()
    answer = client.get(f"/import/tasks/{followed.pk}/")
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")


def _task_kwargs(token, followed):
    options = {"country_fixes": {}, "mapping": None, "kind": "cooperative", "mapping_name": ""}
    return {
        "token": token,
        "name": "orgs.csv",
        "fmt": "essglobal",
        "options": options,
        "rows": 10,
        "progress_id": str(followed.pk),
    }


def test_an_import_run_again_after_its_worker_died_imports_once(federation, alice, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    token = uploads.keep(SAMPLE)
    followed = TaskProgress.objects.create(owner=alice, title="Import of orgs.csv")
    attempt = tasks.import_upload.func.__wrapped__  # one run of the task, as a worker runs it
    # The worker stops in the middle of the writing (here the database refuses it): the transaction goes with it.
    _refuse_writes()
    with pytest.raises(Exception, match="full"):
        attempt(**_task_kwargs(token, followed))
    _accept_writes()
    assert not Organisation.objects.filter(name="Brixton Cycles").exists() and not ImportRun.objects.exists()
    assert uploads.kept(token)  # read, not taken: the run that takes the task over finds it
    # Another worker runs the task again: the import is made, the file taken.
    attempt(**_task_kwargs(token, followed))
    assert Organisation.objects.filter(name="Brixton Cycles").count() == 1 and ImportRun.objects.count() == 1
    assert not uploads.kept(token)
    # A worker that died after the import committed, before it took the file: the run after it imports nothing more.
    (tmp_path / "pending-uploads" / token).write_bytes(SAMPLE)
    attempt(**_task_kwargs(token, followed))
    assert Organisation.objects.filter(name="Brixton Cycles").count() == 1 and ImportRun.objects.count() == 1
    assert not uploads.kept(token)
    followed.refresh_from_db()
    assert followed.status == "done" and followed.message.startswith("Done: 10 organisations created")
    assert followed.result_url == ImportRun.objects.get().get_absolute_url()
    assert ImportRun.objects.get().task == followed.pk
