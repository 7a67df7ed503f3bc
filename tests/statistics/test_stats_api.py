import json

import pytest

from cicopa.core.services import api_token_create
from cicopa.statistics import services


@pytest.fixture
def validated_kenya(kenya, alice):
    for year, coops in ((2021, 100), (2023, 130)):
        ret = services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=year)
        services.return_save_lines(
            actor=kenya["wanjiru"],
            statistical_return=ret,
            lines=[
                {"sector": "construction", "membership_type": "worker", "cooperatives": coops, "members": coops * 10},
                {"sector": "transport", "membership_type": "worker", "cooperatives": 5, "estimated": ["cooperatives"]},
            ],
        )
        services.return_submit(actor=kenya["wanjiru"], statistical_return=ret)
        services.return_validate(actor=alice, statistical_return=ret)
    return kenya


def test_series_and_breakdown(client, validated_kenya):
    data = client.get("/api/v1/statistics/series", {"dimension": "world"}).json()
    assert data["series"]["world"] == [
        {"year": 2021, "value": 105.0, "estimate": True},
        {"year": 2023, "value": 135.0, "estimate": True},
    ]
    data = client.get("/api/v1/statistics/series", {"dimension": "region", "sector": "construction"}).json()
    assert data["series"] == {
        "002": [{"year": 2021, "value": 100.0, "estimate": False}, {"year": 2023, "value": 130.0, "estimate": False}]
    }
    data = client.get("/api/v1/statistics/breakdown", {"dimension": "sector"}).json()
    assert data["year"] == 2023 and data["values"]["transport"] == {"value": 5.0, "estimate": True}


def test_carry_forward_fills_gaps_as_estimates(client, validated_kenya):
    plain = client.get("/api/v1/statistics/series", {"sector": "construction", "year_from": 2021}).json()
    assert [p["year"] for p in plain["series"]["world"]] == [2021, 2023]
    carried = client.get(
        "/api/v1/statistics/series", {"sector": "construction", "year_from": 2021, "year_to": 2023, "carry": "true"}
    ).json()
    assert carried["series"]["world"][1] == {"year": 2022, "value": 100.0, "estimate": True}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("measure=luck", "measure"),
        ("country=XX", "country"),
        ("year_from=1800", "year_from"),
        ("year_from=2020&year_to=2010", "year_from"),
        ("carry=maybe", "carry"),
        ("dimension=planet", "dimension"),
    ],
)
def test_bad_filters_are_422(client, db, query, field):
    r = client.get("/api/v1/statistics/series?" + query)
    assert r.status_code == 422 and field in r.content.decode()


def test_returns_through_the_api(client, kenya, alice):
    headers = {
        "HTTP_AUTHORIZATION": "Bearer " + api_token_create(actor=kenya["wanjiru"], user=kenya["wanjiru"], name="t")[1]
    }
    body = {
        "reporter": "kupc",
        "year": 2024,
        "lines": [
            {"sector": "health", "membership_type": "worker", "cooperatives": 9, "members": 90, "members_women": 50}
        ],
    }
    r = client.post("/api/v1/statistics/returns", json.dumps(body), content_type="application/json", **headers)
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    r = client.post(
        f"/api/v1/statistics/returns/{rid}/workflow",
        json.dumps({"action": "submit"}),
        content_type="application/json",
        **headers,
    )
    assert r.json()["status"] == "submitted"
    r = client.post(
        f"/api/v1/statistics/returns/{rid}/workflow",
        json.dumps({"action": "validate"}),
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 403
    bad = {"reporter": "afk", "year": 2024, "lines": []}  # another organisation's return
    r = client.post("/api/v1/statistics/returns", json.dumps(bad), content_type="application/json", **headers)
    assert r.status_code == 403
    wrong = {
        "reporter": "kupc",
        "year": 2023,
        "lines": [{"sector": "health", "membership_type": "worker", "members": 5, "members_women": 6}],
    }
    r = client.post("/api/v1/statistics/returns", json.dumps(wrong), content_type="application/json", **headers)
    assert r.status_code == 422 and "line 1" in r.json()["detail"]
    from cicopa.statistics.models import StatisticalReturn

    assert not StatisticalReturn.objects.filter(year=2023).exists()  # nothing half-made
    assert client.get(f"/api/v1/statistics/returns/{rid}").status_code == 401
