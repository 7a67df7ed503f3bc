"""The import page while an import runs and once it is done: its title and its heading say where it stands."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _checked(client, alice, settings, tmp_path, upload):
    settings.DATA_DIR = tmp_path
    client.force_login(alice)
    html = client.post("/import/", {"file": upload, "format": "essglobal"}).content.decode()
    assert "The file is ready to import" in html
    response = client.post("/import/", {"confirm": "1"})
    return b"".join(response.streaming_content).decode()


def _headings(html):
    return [re.sub(r"<[^>]+>|\s+", " ", h).strip() for h in re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)]


def test_the_running_import_names_the_site_once_in_its_title(client, federation, alice, settings, tmp_path):
    with (FIXTURES / "essglobal-sample.csv").open("rb") as f:
        page = _checked(client, alice, settings, tmp_path, SimpleUploadedFile("orgs.csv", f.read()))
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert title.strip() == "Importing organisations · CICOPA"


def test_a_finished_import_says_so_in_its_heading(client, federation, alice, settings, tmp_path):
    with (FIXTURES / "essglobal-sample.csv").open("rb") as f:
        page = _checked(client, alice, settings, tmp_path, SimpleUploadedFile("orgs.csv", f.read()))
    # The heading sent first says the import runs; the result comes with the heading that replaces it.
    assert _headings(page) == ["Importing organisations", "Organisations imported"]
    result = page[page.index('class="import-result"') :]
    assert "Organisations imported" in result and "Done: 10 organisations created" in result
    assert 'class="import-running-only"' in page  # what the stylesheet hides once the result is in


def test_an_import_that_fails_says_so_in_its_heading(client, federation, alice, settings, tmp_path):
    from django.db import connection

    with connection.cursor() as cursor:  # the database refuses the write, as a full disk would
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
    with (FIXTURES / "essglobal-sample.csv").open("rb") as f:
        page = _checked(client, alice, settings, tmp_path, SimpleUploadedFile("orgs.csv", f.read()))
    assert _headings(page) == ["Importing organisations", "The import failed"]
