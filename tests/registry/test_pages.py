import csv
import io
import json
import re
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from cicopa.registry.models import Organisation

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_directory_page_search_and_filters(client, federation):
    r = client.get("/", {"q": "cooperativa"})
    assert r.status_code == 200
    assert "Coopérativa de Taxis Madrid" in r.content.decode()
    r = client.get("/", {"country": "ZZ"})
    assert r.status_code == 200 and "ZZ" in r.content.decode()  # the bad value is named, no crash
    r = client.get("/", {"q": "taxis"}, HTTP_HX_REQUEST="true")
    assert "<html" not in r.content.decode() and "Taxis" in r.content.decode()


def test_facets_and_map_fragments(client, federation):
    r = client.get("/directory/facets/", {"q": "coop"})
    assert r.status_code == 200 and "France" in r.content.decode()
    r = client.get("/directory/map.svg", {"country": "ES"})
    assert r["Content-Type"] == "image/svg+xml"
    svg = r.content.decode()
    # the co-operative without coordinates stands at its country; COCETA too
    assert svg.count("worldmap-marker") >= 1 and "2 organisations" in svg


def test_exports(client, federation):
    r = client.get("/directory/export.csv", {"country": "FR"})
    rows = list(csv.DictReader(io.StringIO(b"".join(r.streaming_content).decode("utf-8-sig"))))
    assert [row["name"] for row in rows] == ["Confédération générale des Scop", "Menuiserie Coopérative de Lyon"]
    assert rows[1]["sectors"] == "construction" and rows[1]["latitude"] == "45.76"
    r = client.get("/directory/export.xlsx", {"q": "taxis"})
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws.cell(2, 2).value == "Coopérativa de Taxis Madrid"
    r = client.get("/directory/export.json", {"kind": "member_organisation"})
    import json

    assert {o["slug"] for o in json.loads(b"".join(r.streaming_content))} == {"cg-scop", "coceta"}
    assert client.get("/directory/export.pdf").status_code == 404
    assert client.get("/directory/export.csv", {"page_size": "x"}).status_code == 422


def test_profile_page(client, federation):
    r = client.get("/organisations/menuiserie/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "Confédération générale des Scop" in html and "application/ld+json" in html
    assert "worldmap" in html
    assert "/organisations/menuiserie/edit/" not in html  # anonymous: no edit link
    assert client.get("/organisations/nope/").status_code == 404


@pytest.mark.parametrize(
    ("user", "slug", "status"),
    [
        ("alice", "taxis-madrid", 200),
        ("bob", "menuiserie", 200),
        ("bob", "taxis-madrid", 403),
        ("charlie", "menuiserie", 200),
        ("charlie", "cg-scop", 403),
        ("dave", "menuiserie", 403),
        (None, "menuiserie", 302),
    ],
)
def test_edit_page_permissions(client, federation, request, user, slug, status):
    if user:
        client.force_login(request.getfixturevalue(user))
    assert client.get(f"/organisations/{slug}/edit/").status_code == status
    org = Organisation.objects.get(slug=slug)
    r = client.post(
        f"/organisations/{slug}/edit/", {"name": "Renamed", "country": "FR", "kind": org.kind, "status": org.status}
    )
    if status == 200:
        assert r.status_code == 302
        assert Organisation.objects.get(slug=slug).name == "Renamed"
    else:
        assert r.status_code == status
        assert Organisation.objects.get(slug=slug).name != "Renamed"


def test_edit_form_shows_service_errors(client, federation, bob):
    client.force_login(bob)
    r = client.post("/organisations/menuiserie/edit/", {"name": "Menuiserie", "latitude": "45"})
    assert r.status_code == 200
    assert "Give both latitude and longitude" in r.content.decode()
    assert Organisation.objects.get(slug="menuiserie").name == "Menuiserie Coopérative de Lyon"


def test_history_is_for_the_secretariat(client, federation, alice, bob):
    client.force_login(bob)
    client.post("/organisations/menuiserie/edit/", {"name": "Menuiserie de Lyon"})
    assert client.get("/organisations/menuiserie/history/").status_code == 403
    client.force_login(alice)
    html = client.get("/organisations/menuiserie/history/").content.decode()
    assert "bob" in html and "Menuiserie de Lyon" in html


def test_officer_adds_a_cooperative_to_own_organisation(client, federation, bob):
    client.force_login(bob)
    r = client.post(
        "/organisations/new/?parent=cg-scop", {"name": "Scop du Vercors", "country": "FR", "parent": "cg-scop"}
    )
    assert r.status_code == 302
    org = Organisation.objects.get(name="Scop du Vercors")
    assert org.memberships.get().parent.slug == "cg-scop"
    assert client.get("/organisations/new/?parent=coceta").status_code == 403


def test_import_page_preview_then_confirm(client, federation, alice, bob, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    client.force_login(bob)
    assert client.get("/import/").status_code == 403
    client.force_login(alice)
    with (FIXTURES / "essglobal-sample.csv").open("rb") as f:
        r = client.post("/import/", {"file": f, "format": "essglobal"})
    html = r.content.decode()
    assert r.status_code == 200 and "10 rows: 10 to create, 0 to update, 0 already up to date." in html
    # The first rows as they will be imported, vocabulary codes shown by the registry's names.
    start = html.index("How the first rows of the file will be imported")
    preview = html[start : html.index("</table>", start)]
    assert preview.count("<tr>") == 11  # the header and ten rows
    assert "R000001" in preview and "Consumer/user" in preview and "General services" in preview
    assert "<td>Company</td>" in preview  # legal form "Company", ESSGlobal's L3
    assert "Other — Community Interest Company" in preview  # no such legal form: other, with the file's text
    assert "United Kingdom" in preview and "created" in preview
    assert not Organisation.objects.filter(name="Brixton Cycles").exists()  # preview writes nothing
    pending = Path(settings.DATA_DIR) / "pending-uploads"
    assert len(list(pending.iterdir())) == 1  # the file waits outside the session
    r = client.post("/import/", {"confirm": "1"})  # the import runs in the background; its page follows it
    assert r.status_code == 302 and r["Location"].startswith("/import/tasks/")
    page = client.get(r["Location"]).content.decode()
    assert "Done: 10 organisations created, 0 updated, 0 already up to date." in page
    assert Organisation.objects.filter(name="Brixton Cycles").exists()
    assert list(pending.iterdir()) == []
    r = client.post("/import/", {"confirm": "1"}, follow=True)  # nothing pending any more
    assert r.redirect_chain == [("/import/", 302)] and "Nothing to import: upload the file again." in r.content.decode()


def test_import_page_rejects_wrong_files(client, federation, alice):
    client.force_login(alice)
    r = client.post("/import/", {"file": io.BytesIO(b"\x00\x01binary"), "format": "cicopa"})
    assert r.status_code == 200
    fake = io.BytesIO(b"not a zip")
    fake.name = "orgs.xlsx"
    r = client.post("/import/", {"file": fake, "format": "cicopa"})
    assert "not an XLSX workbook" in r.content.decode()
    bad = io.BytesIO(b"identifier,name,kind,country\nA,Uno,cooperative,XX\n")
    bad.name = "orgs.csv"
    r = client.post("/import/", {"file": bad, "format": "cicopa"})
    assert "unknown country" in r.content.decode()
    assert not Organisation.objects.filter(name="Uno").exists()


def test_member_organisations_page(client, federation):
    html = client.get("/members/").content.decode()
    assert "Confédération générale des Scop" in html and "COCETA" in html and "Menuiserie" not in html


def test_pages_in_french_and_spanish(client, federation):
    html = client.get("/fr/organisations/menuiserie/").content.decode()
    assert 'lang="fr"' in html and "Construction" in html
    html = client.get("/es/organisations/menuiserie/").content.decode()
    assert 'lang="es"' in html and "Construcción" in html


def test_language_switch_keeps_the_page(client, federation):
    r = client.post("/i18n/setlang/", {"language": "fr", "next": "/organisations/menuiserie/"})
    assert r["Location"] == "/fr/organisations/menuiserie/"
    r = client.post("/i18n/setlang/", {"language": "es", "next": "/fr/organisations/menuiserie/?x=1"})
    assert r["Location"] == "/es/organisations/menuiserie/?x=1"
    r = client.post("/i18n/setlang/", {"language": "en", "next": "/es/organisations/menuiserie/"})
    assert r["Location"] == "/organisations/menuiserie/"


def _queries_for(client, url, params):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/", "/api/v1/organisations"])
@pytest.mark.parametrize("q", ["", "coop"])
def test_directory_page_and_api_queries_do_not_grow_with_page_size(client, federation, alice, url, q):
    from cicopa.registry import services

    for i in range(40):
        services.organisation_create(
            actor=alice,
            parent=federation["cgscop"],
            data={"name": f"Coop Scop {i}", "country": federation["cgscop"].country, "sectors": ["health", "other"]},
        )
    _queries_for(client, url, {"q": q, "page_size": 10})  # the reference lists, read once and kept
    small = _queries_for(client, url, {"q": q, "page_size": 5})
    large = _queries_for(client, url, {"q": q, "page_size": 45})
    assert small == large


def test_map_counts_organisations_per_place(client, federation, alice):
    from cicopa.registry import services

    for i in range(3):
        services.organisation_create(
            actor=alice,
            data={
                "name": f"Lyon Coop {i}",
                "country": federation["cgscop"].country,
                "latitude": 45.75 + i / 100,
                "longitude": 4.85,
            },
        )
    svg = client.get("/directory/map.svg", {"country": "FR"}).content.decode()
    assert "4 organisations" in svg  # Menuiserie and three more around Lyon, in one cell
    assert "<title>Confédération générale des Scop</title>" in svg  # alone, without coordinates: mid-France
    assert "5 organisations shown" in svg


def _links(svg):
    found = re.findall(r'<a class="worldmap-link" href="([^"]*)" aria-label="([^"]*)"', svg)
    return {unescape(label): unescape(href) for href, label in found}


def _view_width(svg):
    return float(re.search(r'viewBox="([^"]+)"', svg).group(1).split()[2])


def test_the_directory_map_zooms_to_its_results_and_links_them(client, federation, alice):
    from cicopa.registry import services

    for i in range(3):
        services.organisation_create(
            actor=alice,
            data={
                "name": f"Lyon Coop {i}",
                "country": federation["cgscop"].country,
                "city": "Lyon",
                "latitude": 45.75 + i / 100,
                "longitude": 4.85,
            },
        )
    svg = client.get("/directory/map.svg", {"country": "FR", "sector": "", "page": "3"}).content.decode()
    assert _view_width(svg) < 1000 / 5  # France, not the world
    links = _links(svg)
    assert links["Confédération générale des Scop"] == "/organisations/cg-scop/"
    cluster = links["4 organisations in Lyon"]
    path, query = cluster.split("?")
    assert path == "/directory/" and parse_qs(query) == {"country": ["FR"], "q": ["Lyon"]}  # no page 3
    found = client.get(cluster).content.decode()
    assert all(f"Lyon Coop {i}" in found for i in range(3)) and "Confédération générale" not in found


def test_a_profile_map_shows_the_place_around_the_organisation(client, federation):
    html = client.get("/organisations/menuiserie/").content.decode()
    svg = re.search(r"<svg[^>]*class=\"worldmap\".*?</svg>", html, re.S).group(0)
    assert _view_width(svg) < 1000 / 5


@pytest.mark.parametrize("fmt", ["cicopa", "essglobal"])
def test_import_example_files_import_cleanly(client, alice, fmt):
    r = client.get(f"/import/example-{fmt}.csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    data = b"".join(r.streaming_content)
    client.force_login(alice)
    assert f"/import/example-{fmt}.csv" in client.get("/import/").content.decode()
    upload = io.BytesIO(data)
    upload.name = f"example-{fmt}.csv"
    html = client.post("/import/", {"file": upload, "format": fmt}).content.decode()
    assert "2 rows: 2 to create, 0 to update, 0 already up to date." in html
    assert client.get("/import/example-other.csv").status_code == 404


def test_history_shows_labels_and_names_in_the_readers_language(client, federation, alice, bob):
    from cicopa.registry import services

    org = Organisation.objects.get(slug="menuiserie")
    services.organisation_update(actor=alice, organisation=org, data={"kind": "other", "city": "Villeurbanne"})
    client.force_login(alice)
    html = client.get("/organisations/menuiserie/history/").content.decode()
    assert "Edited" in html and "Created" in html
    assert "<dt>Kind</dt>" in html and "Co-operative</del>" in html and "Other associative enterprise</ins>" in html
    assert "registry.organisation.update" not in html and "country_id" not in html
    html = client.get("/fr/organisations/menuiserie/history/").content.decode()
    assert "Modifiée" in html and "<dt>Ville</dt>" in html and "Autre entreprise associative</ins>" in html


def test_organisations_without_a_slug_lead_to_the_directory(client, federation):
    r = client.get("/organisations/?q=menuiserie")
    assert r.status_code == 302 and r["Location"] == "/directory/?q=menuiserie"


def test_countries_are_listed_in_the_order_of_the_readers_language(client, federation):
    page = client.get("/fr/directory/").content.decode()
    assert page.index(">Danemark<") < page.index(">Égypte<") < page.index(">Espagne<") < page.index(">Zimbabwe<")
    page = client.get("/es/directory/").content.decode()
    assert page.index(">Bélgica<") < page.index(">Bulgaria<")
    # sorted by country, in French Espagne (COCETA, the taxis) comes before France (CG Scop, the joinery)
    english = client.get("/directory/", {"sort": "country", "kind": "cooperative"}).content.decode()
    french = client.get("/fr/directory/", {"sort": "country", "kind": "cooperative"}).content.decode()
    assert english.index("Menuiserie Coop") < english.index("Taxis Madrid")
    assert french.index("Taxis Madrid") < french.index("Menuiserie Coop")


def test_member_organisations_are_grouped_by_country_in_the_readers_order(client, federation):
    english = client.get("/members/").content.decode()
    french = client.get("/fr/members/").content.decode()
    assert english.index("Confédération générale des Scop") < english.index("COCETA")  # France, Spain
    assert french.index("COCETA") < french.index("Confédération générale des Scop")  # Espagne, France


def test_history_shows_what_happened_to_memberships_officers_and_editing_rights(client, federation, alice, bob, dave):
    from cicopa.registry import access_services, services
    from cicopa.registry.models import Membership, OrganisationAccess

    menuiserie, cgscop = federation["menuiserie"], federation["cgscop"]
    link = Membership.objects.get(member=menuiserie, parent=cgscop)
    services.membership_set_status(actor=bob, membership=link, status="suspended", note="dues unpaid")
    office = services.office_assign(
        actor=bob, organisation=menuiserie, role="president", person_data={"full_name": "Léa Martin"}
    )
    services.office_end(actor=bob, office=office)
    access = access_services.access_grant(actor=bob, user=dave, organisation=menuiserie, role="editor")
    access_services.access_revoke(actor=bob, access=access)
    assert not OrganisationAccess.objects.filter(user=dave).exists()
    client.force_login(alice)
    html = client.get("/organisations/menuiserie/history/").content.decode()
    for seen in (
        "Membership status changed",
        "dues unpaid",
        "Officer recorded",
        "Léa Martin — President, Menuiserie",
        "Officer&#x27;s term ended",
        "Editing rights given",
        "Editing rights withdrawn",
        "dave — Editor",
    ):
        assert seen in html, seen
    changes = re.sub(r"\s+", " ", html)
    assert (
        "<dt>Role</dt> <dd> President" in changes
        and '<del><span class="visually-hidden">was: </span>Active</del>' in changes
    )
    assert "Suspended</ins>" in changes and "president</dd>" not in changes  # codes shown by their names
    # the parent's history shows the membership too, not the member's officers
    html = client.get("/organisations/cg-scop/history/").content.decode()
    assert "Membership status changed" in html and "Léa Martin" not in html


def test_import_page_names_the_columns_it_leaves_out(client, federation, alice, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    client.force_login(alice)
    upload = SimpleUploadedFile(
        "orgs.csv", b"identifier,name,kind,country,sectros\nA1,Uno,cooperative,FR,construction\n"
    )
    html = client.post("/import/", {"file": upload, "format": "cicopa"}).content.decode()
    assert "The file is ready to import" in html
    assert "One column is not part of the format and will be left out: sectros (sectors?)." in html


def test_members_of_an_organisation_are_introduced_by_its_name(client, federation):
    html = client.get("/directory/", {"member_of": "cg-scop"}).content.decode()
    assert "Showing only the members of Confédération générale des Scop" in html
    html = client.get("/directory/", {"member_of": "nope"}).content.decode()
    assert "No organisation has the slug nope." in html


def test_chosen_values_come_first_in_the_counts(client, federation):
    html = client.get("/directory/facets/", {"country": "FR"}).content.decode()
    countries = html[html.index("Filter by country") :]
    assert countries.index("France") < countries.index("Spain")  # chosen first; by count and code, Spain is
    assert 'aria-current="true"' in countries[: countries.index("Spain")]


def test_a_page_past_the_best_matches_says_where_they_end(client, federation, settings):
    settings.CICOPA_SEARCH_RANK_LIMIT = 2
    html = client.get("/directory/", {"q": "coop", "page_size": 1, "page": 5}).content.decode()
    assert "There is no page 5: the results end at page 2." in html


def test_an_import_that_fails_while_writing_says_so_and_leaves_nothing(client, federation, alice, settings, tmp_path):
    from django.db import connection

    settings.DATA_DIR = tmp_path
    client.force_login(alice)
    with (FIXTURES / "essglobal-sample.csv").open("rb") as f:
        assert (
            "The file is ready to import"
            in client.post("/import/", {"file": f, "format": "essglobal"}).content.decode()
        )
    with connection.cursor() as cursor:  # the database itself refuses the write, as a full disk would
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
    r = client.post("/import/", {"confirm": "1"}, follow=True)
    page = r.content.decode()
    assert "The import stopped on an unexpected error, and nothing was imported." in page
    assert not Organisation.objects.filter(name="Brixton Cycles").exists()


HOSTILE = "</script><!--<script>"


def test_json_ld_in_a_profile_survives_any_name(client, federation, alice):
    from cicopa.registry import services

    org = federation["menuiserie"]
    services.organisation_update(
        actor=alice, organisation=org, data={"name": HOSTILE, "description": "A & B <b> " + HOSTILE}
    )
    html = client.get("/organisations/menuiserie/").content.decode()
    embedded = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in embedded and ">" not in embedded and "&" not in embedded  # nothing for HTML to read
    doc = json.loads(embedded)
    assert doc["name"] == HOSTILE and doc["description"] == "A & B <b> " + HOSTILE
    assert html.count("<script") == html.count("</script>")
    assert "&lt;/script&gt;&lt;!--&lt;script&gt;" in html  # the heading, escaped
    assert "site-footer" in html.split("application/ld+json", 2)[2]  # the page goes on after it


def test_the_api_docs_embed_their_settings_as_inert_json(client, db):
    html = client.get("/api/v1/docs").content.decode()
    embedded = re.search(r'<script type="application/json" id="swagger-settings">(.*?)</script>', html, re.S).group(1)
    assert json.loads(embedded)["url"] == "/api/v1/openapi.json"


def test_the_print_button_of_a_profile_needs_no_inline_script(client, federation):
    html = client.get("/organisations/menuiserie/").content.decode()
    button = re.search(r"<button[^>]*data-print[^>]*>", html).group(0)
    assert "onclick" not in button and "js-only" in button  # shown only where its script runs
    assert "/static/cicopa/print.js" in html
