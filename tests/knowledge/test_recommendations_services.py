"""Recommendations through their services: writing and issuing in three languages, circulating to exactly the
right member organisations (the hand-counted world of conftest.rec_world), the responses' history and rules, and
the reminders before the follow-up date, sent once, in each recipient's language."""

import datetime
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from cicopa.core.models import AuditEntry, Notification
from cicopa.knowledge import recommendation_responses as responses
from cicopa.knowledge import recommendation_services as rs
from cicopa.knowledge.models import Recipient, RecommendationStatus, Response
from knowledge_texts import recommendation_texts

CIRCULATED = "A recommendation of CICOPA for %(organisation)s: %(title)s"
REMINDER = "Reminder: %(organisation)s has not answered the recommendation “%(title)s”"


def in_language(language, msgid, **values):
    """A subject as its reader of `language` reads it (whatever the state of the catalogues)."""
    with translation.override(language):
        return translation.gettext(msgid) % values


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def recipients_of(rec):
    return sorted(Recipient.objects.filter(recommendation=rec).values_list("organisation__slug", flat=True))


def test_created_as_a_draft_with_a_reference_and_audited(rec_draft, alice):
    assert rec_draft.status == RecommendationStatus.DRAFT
    assert rec_draft.reference.startswith("R-") and rec_draft.reference.endswith("-01")
    second = rs.recommendation_create(actor=alice, data={"texts": {"en": {"title": "Another", "text": ""}}})
    assert second.reference.endswith("-02")
    assert AuditEntry.objects.filter(action="knowledge.recommendation.create").count() == 2


def test_issuing_needs_the_three_languages_and_names_the_missing_ones(rec_world, alice):
    rec = rs.recommendation_create(actor=alice, data={"texts": {"fr": {"title": "Titre", "text": "Texte"}}})
    with pytest.raises(ValidationError) as exc:
        rs.recommendation_issue(actor=alice, recommendation=rec)
    message = exc.value.message_dict["texts"][0]
    assert message.startswith("The text in English, Spanish is missing")
    rec.refresh_from_db()
    assert rec.status == RecommendationStatus.DRAFT
    rs.recommendation_update(actor=alice, recommendation=rec, data={"texts": recommendation_texts()})
    rs.recommendation_issue(actor=alice, recommendation=rec)
    rec.refresh_from_db()
    assert rec.is_issued and rec.issued_at is not None
    with pytest.raises(ValidationError):
        rs.recommendation_issue(actor=alice, recommendation=rec)
    # an issued one keeps its three languages
    with pytest.raises(ValidationError):
        rs.recommendation_update(actor=alice, recommendation=rec, data={"texts": {"en": recommendation_texts()["en"]}})


def test_only_the_secretariat_writes_issues_and_circulates(rec_draft, rec_world, bob, charlie, dave):
    for user in (bob, charlie, dave, rec_world["elena"]):
        with pytest.raises(PermissionDenied):
            rs.recommendation_create(actor=user, data={"texts": recommendation_texts()})
        with pytest.raises(PermissionDenied):
            rs.recommendation_update(actor=user, recommendation=rec_draft, data={"follow_up_date": "2027-01-01"})
        with pytest.raises(PermissionDenied):
            rs.recommendation_issue(actor=user, recommendation=rec_draft)
        with pytest.raises(PermissionDenied):
            rs.recommendation_circulate(actor=user, recommendation=rec_draft, scope="all")


def test_bad_input_is_refused_with_every_problem(rec_world, alice):
    with pytest.raises(ValidationError) as exc:
        rs.recommendation_create(
            actor=alice,
            data={
                "texts": {"de": {"title": "Titel"}, "en": {"text": "no title"}},
                "topics": ["nope"],
                "experiences": ["x"],
                "follow_up_date": "31/03/2027",
            },
        )
    errors = exc.value.message_dict
    assert {"texts.de", "texts.en", "topics", "experiences", "follow_up_date"} <= set(errors)
    with pytest.raises(ValidationError):
        rs.recommendation_create(actor=alice, data={"texts": {}, "colour": "red"})


def test_linked_experiences_must_be_published(rec_world, alice, draft, published):
    with pytest.raises(ValidationError):
        rs.recommendation_create(actor=alice, data={"texts": recommendation_texts(), "experiences": [999999]})
    rec = rs.recommendation_create(actor=alice, data={"texts": recommendation_texts(), "experiences": [published.pk]})
    assert list(rec.experiences.all()) == [published]


def test_linked_studies_must_be_published_and_show_on_its_page(client, rec_world, alice, charlie, federation):
    from study_pdfs import study_pdf

    from cicopa.knowledge import study_services

    study = study_services.study_create(
        actor=alice, organisation=None, data={"language": "en", "title": "Worker buy-outs in Europe", "year": 2020}
    )
    study_services.study_upload_file(actor=alice, study=study, filename="s.pdf", data=study_pdf())
    with pytest.raises(ValidationError) as refused:
        rs.recommendation_create(actor=alice, data={"texts": recommendation_texts(), "studies": [study.pk]})
    assert "studies" in refused.value.message_dict  # a draft
    with pytest.raises(ValidationError):
        rs.recommendation_create(actor=alice, data={"texts": recommendation_texts(), "studies": "12"})
    study_services.study_publish(actor=alice, study=study)
    rec = rs.recommendation_create(actor=alice, data={"texts": recommendation_texts(), "studies": [study.pk]})
    assert list(rec.studies.all()) == [study]
    rs.recommendation_issue(actor=alice, recommendation=rec)
    html = client.get(rec.get_absolute_url()).content.decode()
    assert "Studies it draws on" in html and study.get_absolute_url() in html
    assert client.get(f"/api/v1/knowledge/recommendations/{rec.pk}").json()["studies"] == [study.pk]


def test_a_draft_is_not_circulated(rec_draft, alice):
    with pytest.raises(ValidationError):
        rs.recommendation_circulate(actor=alice, recommendation=rec_draft, scope="all")


@pytest.mark.parametrize(
    ("scope", "codes", "expected"),
    [
        ("all", None, ["cg-scop", "coceta", "colombia", "kenya", "legacoop"]),
        ("regions", ["150"], ["cg-scop", "coceta", "legacoop"]),  # Europe
        ("regions", ["039"], ["coceta", "legacoop"]),  # Southern Europe (a sub-region)
        ("regions", ["019", "002"], ["colombia", "kenya"]),  # Americas and Africa
        ("countries", ["FR", "ke"], ["cg-scop", "kenya"]),
        ("sectors", ["construction"], ["colombia", "legacoop"]),
        ("sectors", ["transport"], ["kenya"]),
    ],
)
def test_circulation_reaches_exactly_the_audience(rec_issued, alice, scope, codes, expected):
    assert rs.audience_count(rec_issued, scope, codes) == (len(expected), len(expected))
    circulation = rs.recommendation_circulate(actor=alice, recommendation=rec_issued, scope=scope, codes=codes)
    assert recipients_of(rec_issued) == expected
    assert circulation.added == len(expected)
    assert circulation.audience["scope"] == scope
    # each starts "received", with one history row, written by no person
    for r in Recipient.objects.filter(recommendation=rec_issued):
        assert r.status == "received"
        assert [(x.status, x.by_id) for x in r.responses.all()] == [("received", None)]


def test_circulating_again_adds_only_the_new_ones(rec_issued, alice, rec_world, bob):
    rs.recommendation_circulate(actor=alice, recommendation=rec_issued, scope="regions", codes=["150"])
    assert Notification.objects.filter(user=bob, kind="knowledge.recommendation").count() == 1
    assert rs.audience_count(rec_issued, "all", None) == (5, 2)
    second = rs.recommendation_circulate(actor=alice, recommendation=rec_issued, scope="all")
    assert second.added == 2
    assert len(recipients_of(rec_issued)) == 5
    assert Notification.objects.filter(user=bob, kind="knowledge.recommendation").count() == 1  # not told twice
    assert Response.objects.filter(recipient__recommendation=rec_issued).count() == 5


def test_bad_audiences_are_refused(rec_issued, alice):
    for scope, codes in [
        ("planets", None),
        ("regions", ["999"]),
        ("countries", ["XX"]),
        ("sectors", ["nope"]),
        ("regions", []),
        ("countries", [1, 2]),
        ("countries", {"FR": 1}),
    ]:
        with pytest.raises(ValidationError):
            rs.recommendation_circulate(actor=alice, recommendation=rec_issued, scope=scope, codes=codes)
    assert not Recipient.objects.exists()


def test_circulation_tells_officers_in_their_language(rec_circulated, bob, rec_world):
    fr = Notification.objects.get(user=bob, kind="knowledge.recommendation")
    assert "Transmettre les entreprises à leurs salariés" in fr.subject
    assert "Confédération générale des Scop" in fr.subject
    assert fr.subject == in_language(
        "fr",
        CIRCULATED,
        organisation="Confédération générale des Scop",
        title="Transmettre les entreprises à leurs salariés",
    )
    assert "/fr/library/recommendations/" in fr.body and "31 mars 2027" in fr.body
    es = Notification.objects.get(user=rec_world["elena"], kind="knowledge.recommendation")
    assert es.subject == in_language(
        "es", CIRCULATED, organisation="COCETA", title="Transmitir las empresas a sus trabajadores"
    )
    assert "/es/library/recommendations/" in es.body and "31 de marzo de 2027" in es.body
    en = Notification.objects.get(user=rec_world["marco"], kind="knowledge.recommendation")
    assert "Transfer businesses to their workers" in en.subject


def _recipient(rec, org):
    return Recipient.objects.get(recommendation=rec, organisation=org)


def test_responses_move_on_and_keep_their_history(rec_circulated, bob, rec_world):
    r = _recipient(rec_circulated, rec_world["fr"])
    responses.response_record(actor=bob, recipient=r, status="acknowledged")
    responses.response_record(
        actor=bob, recipient=r, status="under_consideration", comment="Au conseil d'administration"
    )
    responses.response_record(
        actor=bob, recipient=r, status="adopted", evidence_url="https://cg-scop.example/decision", comment="Voté"
    )
    responses.response_record(
        actor=bob, recipient=r, status="partly_adopted", comment="Corrigé : en partie", filename="pv.pdf", data=PDF
    )
    r.refresh_from_db()
    assert r.status == "partly_adopted"
    history = list(r.responses.all())
    assert [x.status for x in history] == [
        "received",
        "acknowledged",
        "under_consideration",
        "adopted",
        "partly_adopted",
    ]
    assert history[-1].evidence_media_type == "application/pdf" and bytes(history[-1].evidence_data) == PDF
    assert all(x.at <= y.at for x, y in itertools.pairwise(history))
    assert AuditEntry.objects.filter(action="knowledge.recommendation.respond").count() == 4
    assert not any(x.by_secretariat for x in history)


def test_the_secretariat_may_record_on_behalf_and_it_is_marked(rec_circulated, alice, rec_world):
    r = _recipient(rec_circulated, rec_world["ke"])
    response = responses.response_record(actor=alice, recipient=r, status="acknowledged", comment="By telephone")
    assert response.by_secretariat


def test_an_officer_never_records_for_another_organisation(rec_circulated, bob, charlie, dave, rec_world):
    es = _recipient(rec_circulated, rec_world["es"])
    for user in (bob, charlie, dave, rec_world["marco"]):
        with pytest.raises(PermissionDenied):
            responses.response_record(actor=user, recipient=es, status="adopted")
    es.refresh_from_db()
    assert es.status == "received"


def test_bad_responses_are_refused(rec_circulated, bob, rec_world):
    r = _recipient(rec_circulated, rec_world["fr"])
    cases = [
        ({"status": "received"}, "status"),
        ({"status": "maybe"}, "status"),
        ({"status": None}, "status"),
        ({"status": "adopted", "evidence_url": "javascript:alert(1)"}, "evidence_url"),
        ({"status": "adopted", "evidence_url": "ftp://example.org/x"}, "evidence_url"),
        ({"status": "adopted", "evidence_url": 12}, "evidence_url"),
        ({"status": "adopted", "filename": "virus.exe", "data": b"MZ\x90\x00"}, "file"),
        ({"status": "adopted", "filename": "fake.pdf", "data": b"<html>"}, "file"),
        ({"status": "adopted", "filename": "empty.pdf", "data": b""}, "file"),
        ({"status": "adopted", "comment": "x" * 5001}, "comment"),
        ({"status": "adopted", "comment": "bad \x00 char"}, "comment"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as exc:
            responses.response_record(actor=bob, recipient=r, **kwargs)
        assert field in exc.value.message_dict, kwargs
    r.refresh_from_db()
    assert r.status == "received" and r.responses.count() == 1
    # an empty comment is allowed, and unicode is kept
    responses.response_record(actor=bob, recipient=r, status="acknowledged", comment="")
    responses.response_record(actor=bob, recipient=r, status="adopted", comment="Adoptée à l'unanimité ✓ 合作社")
    assert r.responses.last().comment == "Adoptée à l'unanimité ✓ 合作社"


# --- Reminders ----------------------------------------------------------------------------------------------------

FOLLOW_UP = datetime.date(2027, 3, 31)


def reminders(user=None):
    qs = Notification.objects.filter(kind="knowledge.recommendation_reminder")
    return qs.filter(user=user) if user else qs


def test_reminders_are_sent_once_to_those_who_have_not_answered_in_their_language(
    rec_circulated, bob, alice, rec_world
):
    elena, marco = rec_world["elena"], rec_world["marco"]
    responses.response_record(actor=marco, recipient=_recipient(rec_circulated, rec_world["it"]), status="acknowledged")
    # too early: 15 days before
    assert responses.recommendation_remind_due(FOLLOW_UP - datetime.timedelta(days=15)) == 0
    assert not reminders().exists()
    # 14 days before: FR and ES have not answered (IT has); CO and KE have no one to tell
    assert responses.recommendation_remind_due(FOLLOW_UP - datetime.timedelta(days=14)) == 2
    fr = reminders(bob).get()
    assert fr.subject == in_language(
        "fr",
        REMINDER,
        organisation="Confédération générale des Scop",
        title="Transmettre les entreprises à leurs salariés",
    )
    assert "31 mars 2027" in fr.body
    es = reminders(elena).get()
    assert es.subject == in_language(
        "es", REMINDER, organisation="COCETA", title="Transmitir las empresas a sus trabajadores"
    )
    assert "/es/library/recommendations/" in es.body
    assert "31 de marzo de 2027" in es.body
    assert not reminders(marco).exists()
    # not twice, whether the task runs again the same day or the next
    assert responses.recommendation_remind_due(FOLLOW_UP - datetime.timedelta(days=14)) == 0
    assert responses.recommendation_remind_due(FOLLOW_UP - datetime.timedelta(days=3)) == 0
    assert reminders().count() == 2
    assert Recipient.objects.filter(reminded_at__isnull=False).count() == 2
    assert AuditEntry.objects.filter(action="knowledge.recommendation.remind").count() == 2


def test_no_reminder_after_the_follow_up_date_nor_without_one(rec_circulated, alice):
    assert responses.recommendation_remind_due(FOLLOW_UP + datetime.timedelta(days=1)) == 0
    rs.recommendation_update(actor=alice, recommendation=rec_circulated, data={"follow_up_date": None})
    assert responses.recommendation_remind_due(FOLLOW_UP - datetime.timedelta(days=1)) == 0
    assert not reminders().exists()


def test_the_reminder_days_are_a_setting(rec_circulated, settings):
    settings.CICOPA_RECOMMENDATION_REMINDER_DAYS = 30
    assert responses.recommendation_remind_due(FOLLOW_UP - datetime.timedelta(days=30)) == 3  # FR, ES, IT


def test_the_daily_task_is_contributed():
    from cicopa.core import extensions

    names = [t.name for t in extensions.daily_tasks()]
    assert "knowledge.remind_recommendations" in names


# --- The library's one search ---------------------------------------------------------------------------------------


def test_an_issued_recommendation_is_found_in_the_library_a_draft_is_not(client, rec_draft, alice):
    def found(q, language="en"):
        prefix = "" if language == "en" else f"/{language}"
        r = client.get(f"{prefix}/api/v1/knowledge/search?q={q}")
        return [(h["kind"], h["title"]) for h in r.json()["results"] if h["kind"] == "recommendation"]

    assert found("salariés") == []
    rs.recommendation_issue(actor=alice, recommendation=rec_draft)
    # found by words of any of its languages, titled in the reader's
    assert found("salariés") == [("recommendation", "Transfer businesses to their workers")]
    from cicopa.knowledge.recommendation_queries import recommendation_cards

    with translation.override("es"):
        card = recommendation_cards([rec_draft.pk])[rec_draft.pk]
    assert card.title == "Transmitir las empresas a sus trabajadores" and card.original_language is None
    assert card.url.endswith(f"/library/recommendations/{rec_draft.pk}/")
    rs.recommendation_circulate(actor=alice, recommendation=rec_draft, scope="countries", codes=["FR"])
    from cicopa.knowledge.models import LibraryEntry

    entry = LibraryEntry.objects.get(kind="recommendation", object_id=rec_draft.pk)
    assert "FR" in str(entry.countries)


def test_the_back_office_reads_recommendations_and_writes_none(client, rec_circulated, alice, bob):
    client.force_login(alice)
    assert rec_circulated.reference in client.get("/admin/knowledge/recommendation/").content.decode()
    page = client.get(f"/admin/knowledge/recommendation/{rec_circulated.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert "COCETA" in client.get("/admin/knowledge/recipient/").content.decode()
    assert client.get("/admin/knowledge/recommendation/add/").status_code == 403
    client.force_login(bob)
    assert client.get("/admin/knowledge/recommendation/").status_code == 302
