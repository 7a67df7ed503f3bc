"""The adoption dashboard against hand-counted cases: five recipients answering on known days of January 2026 (by
status, by region, at the end of each week, who has not answered), its page, its CSV and XLSX downloads and its API
figures."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from cicopa.knowledge import recommendation_queries as queries
from cicopa.knowledge import recommendation_responses as responses
from cicopa.knowledge import recommendation_services as rs
from cicopa.knowledge.models import Recipient, Response

TODAY = datetime.date(2026, 1, 28)


def moment(day, hour=10):
    return timezone.make_aware(datetime.datetime(2026, 1, day, hour, 0))


@pytest.fixture
def answered(rec_circulated, alice, rec_world):
    """Circulated on Monday 5 January to FR, ES, IT, CO, KE; then:
    FR acknowledged 7th, adopted 20th · ES under consideration 14th · IT partly adopted 8th, corrected to not
    adopted 22nd · CO no answer · KE acknowledged 27th."""
    Recipient.objects.filter(recommendation=rec_circulated).update(circulated_at=moment(5), status_changed_at=moment(5))
    Response.objects.filter(recipient__recommendation=rec_circulated).update(at=moment(5))

    def answer(key, status, day, **kwargs):
        recipient = Recipient.objects.get(recommendation=rec_circulated, organisation=rec_world[key])
        response = responses.response_record(actor=alice, recipient=recipient, status=status, **kwargs)
        Response.objects.filter(pk=response.pk).update(at=moment(day))
        Recipient.objects.filter(pk=recipient.pk).update(status_changed_at=moment(day))

    answer("fr", "acknowledged", 7)
    answer("it", "partly_adopted", 8)
    answer("es", "under_consideration", 14, comment="En estudio por el consejo rector")
    answer("fr", "adopted", 20, comment="=Voté en assemblée", evidence_url="https://cg-scop.example/ag")
    answer("it", "not_adopted", 22)
    answer("ke", "acknowledged", 27)
    return rec_circulated


def counts(**given):
    out = dict.fromkeys(
        ["received", "acknowledged", "under_consideration", "adopted", "partly_adopted", "not_adopted"], 0
    )
    out.update(given)
    return out


def test_by_status_by_region_over_time_and_who_has_not_answered(answered):
    figures = queries.adoption(answered, today=TODAY)
    assert figures.total == 5
    assert {r["status"]: (r["count"], r["share"]) for r in figures.by_status} == {
        "received": (1, 0.2),
        "acknowledged": (1, 0.2),
        "under_consideration": (1, 0.2),
        "adopted": (1, 0.2),
        "partly_adopted": (0, 0.0),
        "not_adopted": (1, 0.2),
    }
    regions = {g["code"]: (g["total"], g["answered"], g["counts"]) for g in figures.by_region}
    assert regions == {
        "150": (3, 3, counts(under_consideration=1, adopted=1, not_adopted=1)),
        "019": (1, 0, counts(received=1)),
        "002": (1, 1, counts(acknowledged=1)),
    }
    assert [g["code"] for g in figures.by_region] == ["150", "002", "019"]  # largest first, then by name
    assert figures.period == "week"
    assert [(p["date"], p["counts"]) for p in figures.over_time] == [
        (datetime.date(2026, 1, 11), counts(received=3, acknowledged=1, partly_adopted=1)),
        (datetime.date(2026, 1, 18), counts(received=2, acknowledged=1, under_consideration=1, partly_adopted=1)),
        (datetime.date(2026, 1, 25), counts(received=2, under_consideration=1, adopted=1, not_adopted=1)),
        (TODAY, counts(received=1, acknowledged=1, under_consideration=1, adopted=1, not_adopted=1)),
    ]
    assert [r.organisation.slug for r in figures.not_answered] == ["colombia"]
    assert figures.by_country["IT"] == {"total": 1, "answered": 1, "counts": {"not_adopted": 1}}


def test_monthly_over_a_longer_history(answered):
    figures = queries.adoption(answered, today=datetime.date(2026, 7, 10))
    assert figures.period == "month"
    assert [p["date"] for p in figures.over_time][:3] == [
        datetime.date(2026, 1, 31),
        datetime.date(2026, 2, 28),
        datetime.date(2026, 3, 31),
    ]
    assert figures.over_time[-1]["date"] == datetime.date(2026, 7, 10)
    assert figures.over_time[0]["counts"] == counts(
        received=1, acknowledged=1, under_consideration=1, adopted=1, not_adopted=1
    )


def test_a_recipient_added_later_counts_from_its_circulation(answered, alice, rec_world):
    from cicopa.core.models import Country
    from cicopa.registry import services as registry
    from cicopa.registry.models import OrganisationKind

    registry.organisation_create(
        actor=alice,
        data={
            "kind": OrganisationKind.MEMBER_ORGANISATION,
            "name": "Uruguay",
            "country": Country.objects.get(iso2="UY"),
        },
    )
    rs.recommendation_circulate(actor=alice, recommendation=answered, scope="countries", codes=["UY"])
    Recipient.objects.filter(organisation__name="Uruguay").update(
        circulated_at=moment(21), status_changed_at=moment(21)
    )
    figures = queries.adoption(answered, today=TODAY)
    assert [p["total"] for p in figures.over_time] == [5, 5, 6, 6]


def test_the_dashboard_page_shows_the_figures(client, answered, alice):
    client.force_login(alice)
    r = client.get(f"/library/recommendations/{answered.pk}/adoption/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "1 organisation has not answered" in html
    assert "Federación de Cooperativas de Colombia" in html
    assert "<svg" in html and "worldmap" in html
    assert "En estudio por el consejo rector" in html


def test_the_csv_download_has_one_row_per_recipient(client, answered, alice):
    client.force_login(alice)
    r = client.get(f"/library/recommendations/{answered.pk}/adoption/?format=csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(r.streaming_content).decode().lstrip("\ufeff"))))
    assert [row["organisation"] for row in rows] == [
        "COCETA",
        "Confédération générale des Scop",
        "Federación de Cooperativas de Colombia",
        "Kenya Federation of Workers' Co-operatives",
        "Legacoop Produzione e Servizi",
    ]
    by_org = {row["organisation"]: row for row in rows}
    assert by_org["Confédération générale des Scop"] == {
        "organisation": "Confédération générale des Scop",
        "country": "France",
        "region": "Europe",
        "status": "Adopted",
        "date": "2026-01-20",
        "comment": "'=Voté en assemblée",  # a formula's start is defused
        "evidence": "https://cg-scop.example/ag",
    }
    assert by_org["Federación de Cooperativas de Colombia"]["status"] == "Received"
    assert by_org["Federación de Cooperativas de Colombia"]["region"] == "Americas"
    x = client.get(f"/library/recommendations/{answered.pk}/adoption/?format=xlsx")
    assert x.status_code == 200 and x.content.startswith(b"PK")


def test_the_api_gives_the_same_figures(client, answered, alice):
    client.force_login(alice)
    r = client.get(f"/api/v1/knowledge/recommendations/{answered.pk}/adoption")
    assert r.status_code == 200
    data = r.json()
    assert data["total"] == 5
    assert {row["status"]: row["count"] for row in data["by_status"]}["not_adopted"] == 1
    assert data["not_answered"] == [
        {"organisation": "colombia", "name": "Federación de Cooperativas de Colombia", "country": "CO"}
    ]
