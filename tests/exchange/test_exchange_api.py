"""The exchange through the JSON API, as a program of each party uses it: tokens, the same rules as the pages,
guessed ids of others' records answered 404, and errors by field."""

import pytest

from cicopa.core.services import api_token_create
from cicopa.exchange.models import InvoiceStatus, OrderStatus

pytestmark = pytest.mark.django_db


def bearer(user):
    return {"HTTP_AUTHORIZATION": "Bearer " + api_token_create(actor=user, user=user, name="test")[1]}


def post(client, url, body, auth):
    return client.post(url, body, content_type="application/json", **auth)


@pytest.fixture
def parties(trade, charlie, erika, dave, alice):
    return {"charlie": bearer(charlie), "erika": bearer(erika), "dave": bearer(dave), "alice": bearer(alice)}


def test_from_a_need_to_an_acknowledged_invoice(client, trade, parties):
    need = post(
        client,
        "/api/v1/exchange/listings",
        {
            "organisation": "constructora",
            "publish": True,
            "direction": "need",
            "kind": "goods",
            "language": "es",
            "title": "Ventanas de madera de roble",
            "description": "Necesitamos 40 ventanas de roble para una obra en Valencia.",
            "category": "38",
            "quantity": "40",
            "unit": "H87",
            "scope": "international",
            "translations": {"fr": {"title": "Fenêtres en bois de chêne", "description": ""}},
        },
        parties["erika"],
    )
    assert need.status_code == 201, need.content
    need = need.json()
    assert need["translations"]["fr"]["title"] == "Fenêtres en bois de chêne"
    assert client.get(f"/api/v1/exchange/listings/{need['id']}").json()["status"] == "published"

    offer = post(
        client,
        "/api/v1/exchange/listings",
        {
            "organisation": "menuiserie",
            "publish": True,
            "direction": "offer",
            "kind": "goods",
            "language": "fr",
            "title": "Fenêtres en chêne massif",
            "category": "38",
            "price_minor": 25000,
            "currency": "EUR",
            "unit": "H87",
            "scope": "international",
        },
        parties["charlie"],
    ).json()
    matches = client.get(f"/api/v1/exchange/listings/{need['id']}/matches").json()
    assert matches[0]["listing"]["id"] == offer["id"]
    assert ["division", "38"] in matches[0]["reasons"]

    enquiry = post(
        client,
        f"/api/v1/exchange/listings/{need['id']}/enquiries",
        {"organisation": "menuiserie", "body": "Nous pouvons livrer en mars."},
        parties["charlie"],
    )
    assert enquiry.status_code == 201
    order = post(
        client,
        "/api/v1/exchange/orders",
        {
            "seller": "menuiserie",
            "buyer": "constructora",
            "listing": need["id"],
            "quantity": "40",
            "unit_price_minor": 24000,
            "currency": "EUR",
            "enquiry": enquiry.json()["id"],
        },
        parties["erika"],
    ).json()
    assert order["status"] == OrderStatus.PROPOSED and order["proposals"][0]["proposed_by"] == "constructora"
    proposal = order["proposals"][0]["id"]
    # The proposer cannot accept its own proposal; the other party can.
    assert (
        post(
            client, f"/api/v1/exchange/orders/{order['id']}/proposals/{proposal}/accept", {}, parties["erika"]
        ).status_code
        == 403
    )
    accepted = post(
        client, f"/api/v1/exchange/orders/{order['id']}/proposals/{proposal}/accept", {}, parties["charlie"]
    )
    assert accepted.json()["status"] == OrderStatus.AGREED
    second = post(client, f"/api/v1/exchange/orders/{order['id']}/proposals/{proposal}/decline", {}, parties["charlie"])
    assert second.status_code == 422 and "answered already" in str(second.json()["detail"])
    assert post(client, f"/api/v1/exchange/orders/{order['id']}/deliver", {}, parties["charlie"]).status_code == 200
    invoice = post(client, f"/api/v1/exchange/orders/{order['id']}/invoice", {}, parties["charlie"])
    assert invoice.status_code == 201 and invoice.json()["total_minor"] == 960000
    invoice = invoice.json()
    assert (
        post(client, f"/api/v1/exchange/invoices/{invoice['id']}/acknowledge", {}, parties["charlie"]).status_code
        == 403
    )
    done = post(client, f"/api/v1/exchange/invoices/{invoice['id']}/acknowledge", {}, parties["erika"])
    assert done.json()["status"] == InvoiceStatus.ACKNOWLEDGED
    assert [e["action"] for e in done.json()["history"]] == ["issued", "acknowledged"]


def test_others_records_are_not_found_and_anonymous_needs_a_token(client, trade, parties, charlie, erika):
    from cicopa.exchange import invoice_services, services

    draft = services.listing_create(
        actor=charlie,
        organisation=trade["menuiserie"],
        data={"direction": "offer", "kind": "goods", "language": "fr", "title": "Brouillon", "category": "38"},
    )
    invoice = invoice_services.invoice_enter(
        actor=charlie,
        seller=trade["menuiserie"],
        buyer=trade["constructora"],
        data={"currency": "EUR", "lines": [{"description": "Cadres", "unit_price_minor": 500}]},
    )
    assert client.get(f"/api/v1/exchange/listings/{draft.pk}").status_code == 404
    assert client.get(f"/api/v1/exchange/invoices/{invoice.pk}").status_code == 401
    assert client.get(f"/api/v1/exchange/invoices/{invoice.pk}", **parties["dave"]).status_code == 404
    assert client.get(f"/api/v1/exchange/invoices/{invoice.pk}", **parties["erika"]).status_code == 200
    assert client.get(f"/api/v1/exchange/invoices/{invoice.pk}", **parties["alice"]).status_code == 200
    assert client.get("/api/v1/exchange/invoices", **parties["dave"]).json() == []
    mine = client.get("/api/v1/exchange/my/listings", **parties["charlie"]).json()
    assert [x["title"] for x in mine] == ["Brouillon"]
    # Writes for an organisation one does not act for are refused.
    refused = post(
        client,
        "/api/v1/exchange/listings",
        {
            "organisation": "menuiserie",
            "direction": "offer",
            "kind": "goods",
            "language": "en",
            "title": "X",
            "category": "38",
        },
        parties["erika"],
    )
    assert refused.status_code == 403


def test_bad_input_is_reported_by_field(client, trade, parties):
    r = post(
        client,
        "/api/v1/exchange/listings",
        {
            "organisation": "constructora",
            "direction": "sideways",
            "kind": "goods",
            "language": "es",
            "title": "Ventanas",
            "category": "38",
            "quantity": "-2",
            "unit": "H87",
            "currency": "XXX",
            "price_minor": 5,
        },
        parties["erika"],
    )
    assert r.status_code == 422
    assert {"direction", "quantity", "currency"} <= set(r.json()["detail"])
    r = post(client, "/api/v1/exchange/listings", {"organisation": "nobody", "title": "x"}, parties["erika"])
    assert r.status_code == 422 and "organisation" in r.json()["detail"]


def test_reference_lists(client, db):
    categories = client.get("/api/v1/exchange/categories").json()
    assert len([c for c in categories if c["level"] == "section"]) == 10
    assert {"code": "38", "level": "division", "parent": "3"}.items() <= next(
        c for c in categories if c["code"] == "38"
    ).items()
    units = {u["code"]: u for u in client.get("/api/v1/exchange/units").json()}
    assert units["KGM"]["symbol"] == "kg"


def test_search_published_listings_in_any_language_with_facets(client, trade, charlie, erika, listing_data):
    from cicopa.exchange import services

    services.listing_create(
        actor=charlie,
        organisation=trade["menuiserie"],
        data=listing_data(
            language="fr",
            title="Fenêtres en chêne",
            translations={"es": {"title": "Ventanas de roble", "description": ""}},
        ),
        publish=True,
    )
    services.listing_create(actor=erika, organisation=trade["constructora"], data=listing_data(title="Draft frames"))
    found = client.get("/api/v1/exchange/listings?q=ventanas&facets=true").json()
    assert [r["title"] for r in found["results"]] == ["Fenêtres en chêne"]
    assert found["count"] == 1 and found["facets"]["direction"][0]["value"] == "offer"
    assert client.get("/api/v1/exchange/listings?q=draft").json()["count"] == 0  # drafts are not public
    assert client.get("/api/v1/exchange/listings?country=FR&direction=offer").json()["count"] == 1
    bad = client.get("/api/v1/exchange/listings?kind=magic&page=0")
    assert bad.status_code == 422 and {"kind", "page"} <= set(bad.json()["detail"])


def patch(client, url, body, etag, auth):
    return client.patch(url, body, content_type="application/json", HTTP_IF_MATCH=etag, **auth)


def test_a_patch_naming_an_old_version_changes_nothing(client, trade, parties, charlie):
    """Two programs of one co-operative edit the same listing: the second, which read it before the first
    saved, is told (412, with the version now in ETag) instead of undoing the first one's change."""
    listing = post(
        client,
        "/api/v1/exchange/listings",
        {"organisation": "menuiserie", "publish": True, "direction": "offer", "kind": "goods", "language": "fr",
         "title": "Portes",
         "category": "31", "scope": "national"},
        parties["charlie"],
    ).json()  # fmt: skip
    url = f"/api/v1/exchange/listings/{listing['id']}"
    read = client.get(url, **parties["charlie"])
    etag = read["ETag"]
    first = patch(client, url, {"title": "Portes en chêne"}, etag, parties["charlie"])
    assert first.status_code == 200 and first["ETag"] != etag
    second = patch(client, url, {"city": "Villeurbanne"}, etag, parties["charlie"])
    assert second.status_code == 412 and second["ETag"] == first["ETag"]
    assert "Someone else changed this listing" in second.json()["detail"]
    assert client.get(url, **parties["charlie"]).json()["city"] == read.json()["city"] != "Villeurbanne"
    third = patch(client, url, {"city": "Villeurbanne"}, second["ETag"], parties["charlie"])
    assert third.status_code == 200
    assert third.json()["title"] == "Portes en chêne" and third.json()["city"] == "Villeurbanne"
