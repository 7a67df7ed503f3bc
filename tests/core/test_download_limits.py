"""Downloads of whole tables: bounded, throttled for people without an account, and answering a bad filter as
the API does."""

from __future__ import annotations

import pytest

from cicopa.core import exports
from cicopa.registry import services

DOWNLOADS = ["/directory/export.csv", "/statistics/table.csv", "/statistics/data.csv"]


@pytest.mark.parametrize("url", DOWNLOADS)
def test_a_bad_filter_is_a_422_in_the_apis_shape(client, federation, url):
    r = client.get(url, {"country": "QQ", "page_size": "x", "year_from": "x"})
    assert r.status_code == 422, (url, r.status_code)
    assert r["Content-Type"] == "application/json" and r.json()["detail"]


def test_an_xlsx_past_its_limit_points_to_the_csv(client, federation, alice, monkeypatch):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 3)
    for i in range(3):
        services.organisation_create(actor=alice, data={"name": f"Scop {i}"})
    r = client.get("/directory/export.xlsx", {"status": "all"})
    assert r.status_code == 422 and "at most 3 rows" in r.json()["detail"] and "CSV" in r.json()["detail"]
    assert client.get("/directory/export.csv", {"status": "all"}).status_code == 200
    html = client.get("/", {"status": "all"}).content.decode()
    assert "XLSX: at most 3 rows; use CSV" in html and "export.xlsx" not in html
    assert client.get("/directory/export.xlsx", {"country": "ES"}).status_code == 200  # a smaller view


def test_people_without_an_account_are_throttled_and_told_when_to_come_back(client, federation, charlie, monkeypatch):
    monkeypatch.setattr(exports, "ANONYMOUS_DOWNLOADS_PER_HOUR", 2)
    for _ in range(2):
        assert client.get("/directory/export.json").status_code == 200
    r = client.get("/statistics/data.csv")
    assert r.status_code == 429 and r["Retry-After"] == "3600" and "at most 2" in r.json()["detail"]
    other = client.get("/directory/export.json", REMOTE_ADDR="192.0.2.7")  # another address is not held back
    assert other.status_code == 200
    client.force_login(charlie)
    assert client.get("/directory/export.json").status_code == 200  # nor is someone logged in
