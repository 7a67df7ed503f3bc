"""The library's studies: described, given their PDF (its text read and searched), submitted, published or
returned, by the rules of each role, through the pages and the API; a PDF that cannot be read kept and
flagged; a file that is not a PDF refused."""

from __future__ import annotations

import pytest
from study_pdfs import encrypted_pdf, image_only_pdf, study_pdf

from cicopa.core.errors import EditConflict, PermissionDenied, ValidationError
from cicopa.core.models import AuditEntry
from cicopa.knowledge import study_queries, study_services
from cicopa.knowledge.models import ExperienceStatus, Extraction, LibraryEntry, Study

pytestmark = pytest.mark.django_db
API = "/api/v1/knowledge/studies"


def data(**overrides):
    values = {
        "language": "fr",
        "title": "Les coopératives de production en France",
        "authors": "Claire Dubois\nMarc Lefèvre",
        "year": 2021,
        "abstract": "Une étude des Scop industrielles.",
        "topics": ["finance"],
        "sectors": ["construction"],
    }
    values.update(overrides)
    return values


@pytest.fixture
def draft(federation, charlie):
    from cicopa.core.models import Profile

    Profile.objects.update_or_create(user=charlie, defaults={"language": "fr"})
    study = study_services.study_create(actor=charlie, organisation=federation["menuiserie"], data=data())
    study_services.study_upload_file(actor=charlie, study=study, filename="étude.pdf", data=study_pdf("zanzibarite"))
    return Study.objects.get(pk=study.pk)


@pytest.fixture
def submitted(draft, charlie):
    return study_services.study_submit(actor=charlie, study=draft)


@pytest.fixture
def published(submitted, alice):
    return study_services.study_publish(actor=alice, study=submitted)


# --- services: the workflow ---------------------------------------------------------------------------------


def test_upload_reads_the_text_and_the_workflow_publishes(published, charlie):
    s = Study.objects.get(pk=published.pk)
    assert s.status == ExperienceStatus.PUBLISHED and s.published_at
    assert s.extraction == Extraction.DONE and s.pages == 4 and "zanzibarite" in s.text
    assert [c.iso2 for c in s.countries.all()] == ["FR"]  # the organisation's country by default
    assert s.author_names() == ["Claire Dubois", "Marc Lefèvre"]
    actions = list(
        AuditEntry.objects.filter(object_id=str(s.pk), action__startswith="knowledge.study").values_list(
            "action", flat=True
        )
    )
    for action in ("create", "upload", "extract", "submit", "publish"):
        assert f"knowledge.study.{action}" in actions
    note = charlie.notifications.get(kind="knowledge.published")
    assert "Les coopératives de production en France" in note.subject
    item = study_queries.library_item(s)
    assert item.kind == "study" and item.countries == ["FR"] and item.topics == ["finance"] and item.year == 2021
    assert any("zanzibarite" in t for t in item.texts)
    card = study_queries.library_cards([s.pk])[s.pk]
    assert card.url == s.get_absolute_url() and "zanzibarite" in card.text and card.original_language == "fr"
    assert LibraryEntry.objects.filter(kind="study", object_id=s.pk).exists()


def test_return_with_comment_then_change_and_submit_again(submitted, alice, charlie):
    with pytest.raises(ValidationError):
        study_services.study_return(actor=alice, study=submitted, comment="  ")
    s = study_services.study_return(actor=alice, study=submitted, comment="Ajoutez la méthode.")
    assert s.status == ExperienceStatus.RETURNED and s.review_comment == "Ajoutez la méthode."
    assert charlie.notifications.filter(kind="knowledge.returned").exists()
    s = study_services.study_update(actor=charlie, study=s, data={"abstract": "Avec la méthode."})
    assert study_services.study_submit(actor=charlie, study=s).status == ExperienceStatus.SUBMITTED


def test_illegal_steps_are_refused_with_the_status(draft, published, alice, charlie):
    with pytest.raises(ValidationError, match="Publi"):
        study_services.study_update(actor=alice, study=published, data={"title": "Autre"})
    with pytest.raises(ValidationError):
        study_services.study_submit(actor=charlie, study=published)
    with pytest.raises(ValidationError):
        study_services.study_return(actor=alice, study=published, comment="Non")
    with pytest.raises(ValidationError):
        study_services.study_publish(actor=alice, study=published)
    with pytest.raises(PermissionDenied):
        study_services.study_upload_file(actor=charlie, study=published, filename="x.pdf", data=study_pdf())


def test_a_study_needs_its_pdf_before_it_is_submitted(federation, charlie):
    s = study_services.study_create(actor=charlie, organisation=federation["menuiserie"], data=data())
    with pytest.raises(ValidationError, match="PDF"):
        study_services.study_submit(actor=charlie, study=s)


def test_the_secretariat_adds_and_publishes_its_own_study_at_once(alice, charlie):
    s = study_services.study_create(actor=alice, organisation=None, data=data(language="en", title="Our study"))
    study_services.study_upload_file(actor=alice, study=s, filename="ours.pdf", data=study_pdf())
    assert study_services.study_publish(actor=alice, study=s).status == ExperienceStatus.PUBLISHED
    with pytest.raises(PermissionDenied):
        study_services.study_create(actor=charlie, organisation=None, data=data())


def test_only_the_secretariat_publishes_or_returns(submitted, bob, charlie):
    for user in (bob, charlie):
        with pytest.raises(PermissionDenied):
            study_services.study_publish(actor=user, study=submitted)
        with pytest.raises(PermissionDenied):
            study_services.study_return(actor=user, study=submitted, comment="x")


def test_who_writes_for_which_organisation(federation, bob, charlie, dave):
    study_services.study_create(actor=bob, organisation=federation["menuiserie"], data=data())  # its federation
    with pytest.raises(PermissionDenied):
        study_services.study_create(actor=charlie, organisation=federation["taxi"], data=data())
    with pytest.raises(PermissionDenied):
        study_services.study_create(actor=dave, organisation=federation["menuiserie"], data=data())


def test_bad_input_is_refused_by_field(federation, charlie):
    with pytest.raises(ValidationError) as exc:
        study_services.study_create(
            actor=charlie,
            organisation=federation["menuiserie"],
            data={"title": " ", "language": "de", "year": 1200, "topics": ["nope"], "countries": ["XX"], "x": 1},
        )
    assert set(exc.value.message_dict) == {"x"}
    with pytest.raises(ValidationError) as exc:
        study_services.study_create(
            actor=charlie,
            organisation=federation["menuiserie"],
            data={"title": " ", "language": "de", "year": 1200, "topics": ["nope"], "countries": ["XX"]},
        )
    assert {"title", "language", "year", "topics", "countries"} <= set(exc.value.message_dict)


def test_edit_conflict(draft, charlie):
    version = study_services.study_version(draft)
    study_services.study_update(actor=charlie, study=draft, data={"year": 2020}, based_on=version)
    with pytest.raises(EditConflict):
        study_services.study_update(actor=charlie, study=draft, data={"year": 2019}, based_on=version)


# --- the PDF: checked at upload, read in the background, flagged when it cannot be read --------------------


def test_a_file_that_is_not_a_pdf_is_refused_at_upload(draft, charlie):
    with pytest.raises(ValidationError, match="not a PDF"):
        study_services.study_upload_file(actor=charlie, study=draft, filename="study.pdf", data=b"PK\x03\x04 zip")
    with pytest.raises(ValidationError, match=r"\.pdf"):
        study_services.study_upload_file(actor=charlie, study=draft, filename="study.docx", data=study_pdf())
    with pytest.raises(ValidationError, match="empty"):
        study_services.study_upload_file(actor=charlie, study=draft, filename="study.pdf", data=b"")
    assert Study.objects.get(pk=draft.pk).file.size == len(study_pdf("zanzibarite"))  # the old one is kept


def test_too_large_is_refused(draft, charlie, settings):
    settings.CICOPA_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ValidationError, match="larger"):
        study_services.study_upload_file(actor=charlie, study=draft, filename="s.pdf", data=study_pdf())


@pytest.mark.parametrize("make", [image_only_pdf, encrypted_pdf, lambda: study_pdf()[:400]])
def test_a_pdf_that_cannot_be_read_is_kept_and_flagged(draft, charlie, alice, make):
    pdf = make()
    study_services.study_upload_file(actor=charlie, study=draft, filename="scan.pdf", data=pdf)
    s = Study.objects.get(pk=draft.pk)
    assert s.extraction == Extraction.UNREADABLE and s.extraction_error
    assert bytes(s.file.data) == pdf
    s = study_services.study_publish(actor=alice, study=study_services.study_submit(actor=charlie, study=s))
    assert s.status == ExperienceStatus.PUBLISHED  # found by its title and abstract


# --- pages, per role ------------------------------------------------------------------------------------------

ROLES = ["anonymous", "dave", "charlie", "bob", "alice"]


def _login(client, who, users):
    if who != "anonymous":
        client.force_login(users[who])


@pytest.fixture
def users(alice, bob, charlie, dave):
    return {"alice": alice, "bob": bob, "charlie": charlie, "dave": dave}


@pytest.mark.parametrize("who", ROLES)
def test_a_draft_is_seen_only_by_its_people_by_page_pdf_and_api(client, draft, users, who):
    _login(client, who, users)
    sees = who in ("charlie", "bob", "alice")
    expected = 200 if sees else 404
    assert client.get(draft.get_absolute_url()).status_code == expected
    assert client.get(f"/library/studies/{draft.pk}/pdf/").status_code == expected
    assert client.get(f"{API}/{draft.pk}").status_code == expected
    assert client.get(f"{API}/{draft.pk}/file").status_code == expected
    assert draft.pk not in [s["id"] for s in client.get(API).json()["results"]]


@pytest.mark.parametrize("who", ROLES)
def test_a_published_study_is_public(client, published, users, who):
    _login(client, who, users)
    r = client.get(published.get_absolute_url())
    assert r.status_code == 200
    page = r.content.decode()
    assert "Les coopératives de production en France" in page and "Download PDF" in page
    assert "4 pages" in page
    r = client.get(f"/library/studies/{published.pk}/pdf/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"].startswith("attachment;") and r.content.startswith(b"%PDF-")
    assert published.pk in [s["id"] for s in client.get(API).json()["results"]]


def test_the_page_shows_an_excerpt_around_the_words_searched_for(client, published):
    r = client.get(published.get_absolute_url() + "?q=Zanzibarite")
    assert "<mark>zanzibarite</mark>" in r.content.decode()
    r = client.get(published.get_absolute_url() + "?q=absentword")
    assert "<mark>" not in r.content.decode()


def test_the_page_flags_an_unreadable_pdf(client, draft, charlie):
    study_services.study_upload_file(actor=charlie, study=draft, filename="scan.pdf", data=image_only_pdf())
    client.force_login(charlie)
    assert "could not be read" in client.get(draft.get_absolute_url()).content.decode()


def test_pages_add_upload_submit_publish(client, federation, charlie, alice):
    client.force_login(charlie)
    assert client.get("/library/studies/new/").status_code == 200
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client.post(
        "/library/studies/new/",
        {
            "organisation": str(federation["menuiserie"].pk),
            "language": "fr",
            "title": "Étude des Scop",
            "authors": "Claire",
            "year": "2022",
            "abstract": "Résumé",
            "topics": ["finance"],
            "file": SimpleUploadedFile("étude.pdf", study_pdf("zanzibarite"), "application/pdf"),
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    s = Study.objects.get(title="Étude des Scop")
    assert s.extraction == Extraction.DONE and "zanzibarite" in s.text
    assert client.get("/library/mine/studies/").content.decode().count("Étude des Scop") == 1
    r = client.post(f"/library/studies/{s.pk}/edit/", {"language": "fr", "title": "Étude des Scop (2)", "year": "2022"})
    assert r.status_code == 302
    r = client.post(
        f"/library/studies/{s.pk}/upload/",
        {"file": SimpleUploadedFile("x.pdf", b"GIF89a not a pdf", "application/pdf")},
    )
    assert r.status_code == 302
    assert Study.objects.get(pk=s.pk).file.filename == "étude.pdf"
    assert client.post(f"/library/studies/{s.pk}/submit/").status_code == 302
    assert client.post(f"/library/studies/{s.pk}/publish/").status_code == 403
    assert Study.objects.get(pk=s.pk).status == ExperienceStatus.SUBMITTED  # not charlie's to publish
    client.force_login(alice)
    assert "Étude des Scop (2)" in client.get("/library/review/studies/").content.decode()
    client.post(f"/library/studies/{s.pk}/publish/", {"next": "review"})
    assert Study.objects.get(pk=s.pk).status == ExperienceStatus.PUBLISHED


@pytest.mark.parametrize("who", ["dave", "charlie", "bob"])
def test_only_the_secretariat_sees_the_review_queue(client, users, federation, who):
    client.force_login(users[who])
    assert client.get("/library/review/studies/").status_code == 403


def test_the_review_queue_and_the_forms_render(client, submitted, alice):
    client.force_login(alice)
    page = client.get("/library/review/studies/").content.decode()
    assert "Les coopératives de production en France" in page
    assert client.get(f"/library/studies/{submitted.pk}/").status_code == 200
    assert client.get("/library/studies/new/").status_code == 200  # the secretariat may add its own


def test_dave_may_not_add_a_study(client, dave, federation):
    client.force_login(dave)
    assert client.get("/library/studies/new/").status_code == 403


# --- API ------------------------------------------------------------------------------------------------------


def bearer(user):
    from cicopa.core.services import api_token_create

    return {"HTTP_AUTHORIZATION": "Bearer " + api_token_create(actor=user, user=user, name="test")[1]}


def test_api_describe_upload_submit_publish(client, federation, charlie, alice):
    body = {"organisation": "menuiserie", **data(authors="Ana, Ben")}
    r = client.post(API, body, content_type="application/json", **bearer(charlie))
    assert r.status_code == 201, r.content
    sid = r.json()["id"]
    assert r.json()["authors"] == ["Ana", "Ben"] and r.json()["file"] is None
    r = client.put(
        f"{API}/{sid}/file?filename=étude.pdf",
        study_pdf("zanzibarite"),
        content_type="application/pdf",
        **bearer(charlie),
    )
    assert r.status_code == 200, r.content
    assert r.json()["extraction"] == "done" and r.json()["pages"] == 4 and r.json()["file"]["filename"] == "étude.pdf"
    r = client.put(f"{API}/{sid}/file", b"GIF89a", content_type="application/pdf", **bearer(charlie))
    assert r.status_code == 422 and "not a PDF" in r.content.decode()
    r = client.put(f"{API}/{sid}/file", b"{}", content_type="application/json", **bearer(charlie))
    assert r.status_code == 422
    client.force_login(charlie)
    etag = client.get(f"{API}/{sid}")["ETag"]
    client.logout()
    r = client.patch(
        f"{API}/{sid}", {"year": 2020}, content_type="application/json", HTTP_IF_MATCH=etag, **bearer(charlie)
    )
    assert r.status_code == 200 and r.json()["year"] == 2020
    r = client.patch(
        f"{API}/{sid}", {"year": 2019}, content_type="application/json", HTTP_IF_MATCH=etag, **bearer(charlie)
    )
    assert r.status_code == 412
    assert client.post(f"{API}/{sid}/publish", **bearer(charlie)).status_code == 403
    assert client.post(f"{API}/{sid}/submit", **bearer(charlie)).status_code == 200
    r = client.post(f"{API}/{sid}/return", {"comment": ""}, content_type="application/json", **bearer(alice))
    assert r.status_code == 422
    assert client.post(f"{API}/{sid}/publish", **bearer(alice)).status_code == 200
    assert client.get(f"{API}/{sid}").json()["status"] == "published"
    r = client.get(f"{API}/{sid}/file")
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")


@pytest.mark.parametrize("who", ["dave", "charlie"])
def test_api_refuses_others(client, federation, users, who):
    r = client.post(
        API, {"organisation": "taxis-madrid", **data()}, content_type="application/json", **bearer(users[who])
    )
    assert r.status_code == 403
    r = client.post(API, {"organisation": None, **data()}, content_type="application/json", **bearer(users[who]))
    assert r.status_code == 403


def test_api_errors_by_field(client, federation, charlie):
    r = client.post(
        API,
        {"organisation": "menuiserie", "title": "", "year": 3000},
        content_type="application/json",
        **bearer(charlie),
    )
    assert r.status_code == 422
    assert "title" in r.content.decode() and "year" in r.content.decode()


# --- the demo -------------------------------------------------------------------------------------------------


def test_the_demo_has_cicopas_own_text_as_a_study(client):
    from cicopa.knowledge import demo
    from cicopa.registry import demo as registry_demo

    registry_demo.load_demo(cooperatives=300)
    demo.load_demo()
    seed = Study.objects.get(title="What is CICOPA?")
    assert seed.status == ExperienceStatus.PUBLISHED and seed.organisation is None and seed.year == 1998
    assert seed.extraction == Extraction.DONE and "producers" in seed.text and seed.pages
    assert bytes(seed.file.data).startswith(b"%PDF-")
    assert set(Study.objects.values_list("language", flat=True)) == {"en", "fr", "es"}
    assert Study.objects.filter(status=ExperienceStatus.SUBMITTED).count() == 1
    assert not Study.objects.exclude(extraction=Extraction.DONE).exists()
    page = client.get("/library/?q=producers&kind=study").content.decode()
    assert "What is CICOPA?" in page
    count = Study.objects.count()
    demo.load_demo()  # again: nothing more
    assert Study.objects.count() == count == 4


# --- the studies' search -----------------------------------------------------------------------------------


def test_the_library_search_finds_a_word_inside_a_study_and_shows_it(client, published, federation, charlie):
    other = study_services.study_create(
        actor=charlie, organisation=federation["menuiserie"], data=data(title="Un brouillon")
    )
    study_services.study_upload_file(actor=charlie, study=other, filename="b.pdf", data=study_pdf("zanzibarite"))
    page = client.get("/library/?q=ZANZIBARITE").content.decode()
    assert "Les coopératives de production en France" in page  # the word is only in its PDF's page 3
    assert "<mark>zanzibarite</mark>" in page
    assert "Un brouillon" not in page  # a draft is found by no one's search
    assert "Les coopératives" in client.get("/library/?kind=study").content.decode()
    r = client.get("/api/v1/knowledge/search?q=zanzibar")
    assert [(h["kind"], h["id"]) for h in r.json()["results"]] == [("study", published.pk)]
    feed = client.get("/library/feed.atom").content.decode()
    assert "Les coopératives de production en France" in feed and "Un brouillon" not in feed


def test_a_study_whose_pdf_cannot_be_read_is_found_by_its_abstract(client, draft, charlie, alice):
    study_services.study_upload_file(actor=charlie, study=draft, filename="scan.pdf", data=image_only_pdf())
    s = study_services.study_publish(actor=alice, study=study_services.study_submit(actor=charlie, study=draft))
    assert "Les coopératives de production" in client.get("/library/?q=Scop industrielles").content.decode()
    assert client.get("/library/?q=zanzibarite").content.decode().count("Les coopératives de production") == 0
    assert LibraryEntry.objects.filter(kind="study", object_id=s.pk).exists()


def test_the_back_office_reads_studies_without_writing_them(client, alice, bob, published):
    client.force_login(alice)
    assert "Les coopératives de production" in client.get("/admin/knowledge/study/").content.decode()
    page = client.get(f"/admin/knowledge/study/{published.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert "zanzibarite" not in page.content.decode()
    client.force_login(bob)
    assert client.get("/admin/knowledge/study/").status_code == 302


def test_api_officer_writes_for_the_federations_members_and_big_bodies_are_refused(client, federation, bob, settings):
    r = client.post(API, {"organisation": "menuiserie", **data()}, content_type="application/json", **bearer(bob))
    assert r.status_code == 201
    settings.CICOPA_MAX_UPLOAD_BYTES = 1000
    r = client.put(f"{API}/{r.json()['id']}/file", study_pdf(), content_type="application/pdf", **bearer(bob))
    assert r.status_code == 422 and "larger" in r.content.decode()


def test_api_takes_a_pdf_larger_than_a_json_body_may_be(client, draft, charlie, settings):
    big = study_pdf("zanzibarite") + b"\n%" + b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1000)
    r = client.put(f"{API}/{draft.pk}/file?filename=big.pdf", big, content_type="application/pdf", **bearer(charlie))
    assert r.status_code == 200, r.content
    assert r.json()["file"]["size"] == len(big) and r.json()["extraction"] == "done"


@pytest.mark.parametrize(
    ("who", "lists_it", "edits_it"),
    [
        ("anonymous", None, None),
        ("dave", False, 404),
        ("charlie", True, 200),
        ("bob", True, 200),
        ("alice", False, 200),
    ],
)
def test_our_studies_and_the_edit_page_per_role(client, draft, users, who, lists_it, edits_it):
    _login(client, who, users)
    r = client.get("/library/mine/studies/")
    if lists_it is None:
        assert r.status_code == 302 and "/login/" in r["Location"]
        assert client.get(f"/library/studies/{draft.pk}/edit/").status_code == 302
        return
    assert r.status_code == 200
    assert ("Les coopératives de production en France" in r.content.decode()) is lists_it
    assert client.get(f"/library/studies/{draft.pk}/edit/").status_code == edits_it
    r = client.post(f"/library/studies/{draft.pk}/edit/", {"language": "fr", "title": "Titre changé", "year": "2020"})
    changed = Study.objects.get(pk=draft.pk).title == "Titre changé"
    assert changed is (edits_it == 200)
