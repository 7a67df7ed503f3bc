"""Every operation of the JSON API, as its OpenAPI document describes it, fed malformed input: wrong
identifiers, odd query values, bodies that are not objects, each field of each body given values of the
wrong type, size or content. The API must answer each with a 4xx (or a success), never a server error."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from cicopa.core.services import api_token_create

BAD_IDS = ["0", "-1", "9" * 30, "x" * 300, "%C3%A9%F0%9D%84%9E", "%00", "..%2F..", "1.5"]
BAD_QUERY = ["", "-1", "0", "9" * 30, "x" * 3000, "é𝄞", "\x00", "null", "true", "[]", "FR,,", "%"]
BAD_VALUES: list[Any] = [  # json.dumps writes NaN and Infinity, which Python's JSON reader accepts
    None,
    12345678901234567890,
    -1,
    1.5e308,
    "",
    "x" * 5000,
    "é𝄞 \x00 nul",
    "pasted\x0bfrom a word processor",
    float("nan"),
    float("inf"),
    [],
    {},
    [{}],
    True,
    "2020-13-45",
    "-0001-01-01",
]
BAD_BODIES = ["{", "[]", "null", '"x"', "{}", "1e999", '{"a": ' * 50 + "1" + "}" * 50]


@pytest.fixture
def api(client, federation, alice, charlie, dave):
    """The document, a secretariat token, and real identifiers to put in paths so that bodies get checked."""
    from cicopa.registry import services
    from cicopa.registry.models import Membership, Office
    from cicopa.statistics import services as statistics
    from cicopa.statistics.models import StatisticalReturn

    statistics.return_create(actor=alice, reporter=federation["cgscop"], year=2020)
    services.office_assign(
        actor=alice, organisation=federation["cgscop"], role="president", person_data={"full_name": "Léa Martin"}
    )
    exchange = _exchange_records(federation, alice, charlie, dave)
    from cicopa.clearing import services as clearing

    cycle = clearing.cycle_open(actor=alice, currency="EUR", cutoff="2026-01-31")
    from cicopa.knowledge import services as knowledge
    from cicopa.knowledge import study_services as knowledge_studies

    experience = knowledge.experience_create(
        actor=charlie, organisation=federation["menuiserie"], data={"language": "fr", "title": "Reprise"}
    )
    from cicopa.knowledge import recommendation_services as recommendations

    recommendation = recommendations.recommendation_create(
        actor=alice, data={"texts": {c: {"title": "Recommandation", "text": ""} for c in ("en", "fr", "es")}}
    )
    recommendations.recommendation_issue(actor=alice, recommendation=recommendation)
    recommendations.recommendation_circulate(actor=alice, recommendation=recommendation, scope="all")

    study = knowledge_studies.study_create(
        actor=charlie, organisation=federation["menuiserie"], data={"language": "fr", "title": "Étude"}
    )

    from cicopa.knowledge import question_services as questions

    question = questions.question_ask(
        actor=charlie, organisation=federation["menuiserie"], data={"language": "fr", "title": "Q ?", "body": "Q"}
    )
    answer = questions.answer_post(actor=alice, question=question, organisation=None, body="R")
    doc = client.get("/api/v1/openapi.json").json()
    token = {"HTTP_AUTHORIZATION": "Bearer " + api_token_create(actor=alice, user=alice, name="sweep")[1]}
    real = {
        "slug": "menuiserie",
        "membership_id": str(Membership.objects.values_list("pk", flat=True).first()),
        "office_id": str(Office.objects.values_list("pk", flat=True).first()),
        "return_id": str(StatisticalReturn.objects.values_list("pk", flat=True).get()),
        **exchange,
        "cycle_id": str(cycle.pk),
        "action": "confirm",  # refused on an open cycle, however often it is sent
        "experience_id": str(experience.pk),
        "recommendation_id": str(recommendation.pk),
        "study_id": str(study.pk),
        "question_id": str(question.pk),
        "answer_id": str(answer.pk),
    }
    return doc, token, real


def _exchange_records(federation, alice, charlie, dave):
    """A listing, an enquiry, an agreed order and an invoice between two co-operatives."""
    from cicopa.exchange import invoice_services, trade_services
    from cicopa.exchange import services as exchange
    from cicopa.registry import access_services

    access_services.access_grant(actor=alice, user=dave, organisation=federation["taxi"], role="editor")
    listing = exchange.listing_create(
        actor=charlie,
        organisation=federation["menuiserie"],
        data={"direction": "offer", "kind": "goods", "language": "fr", "title": "Fenêtres", "category": "38"},
        publish=True,
    )
    enquiry = trade_services.enquiry_send(actor=dave, listing=listing, organisation=federation["taxi"], body="Hola")
    order = trade_services.order_propose(
        actor=dave,
        seller=federation["menuiserie"],
        buyer=federation["taxi"],
        as_organisation=federation["taxi"],
        listing=listing,
        data={"quantity": "2", "unit_price_minor": 100, "currency": "EUR"},
    )
    invoice = invoice_services.invoice_enter(
        actor=charlie,
        seller=federation["menuiserie"],
        buyer=federation["taxi"],
        data={"currency": "EUR", "lines": [{"description": "Fenêtres", "unit_price_minor": 100}]},
    )
    return {
        "listing_id": str(listing.pk),
        "enquiry_id": str(enquiry.pk),
        "order_id": str(order.pk),
        "proposal_id": str(order.proposals.get().pk),
        "invoice_id": str(invoice.pk),
        "answer": "accept",
        "step": "acknowledge",
    }


def _operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for path, ops in doc["paths"].items() for method, op in ops.items()]


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _bad_bodies(doc: dict[str, Any], op: dict[str, Any]) -> list[str]:
    """Each field of the body alone with each bad value; for a list of objects (a return's lines), each field
    of one item."""
    content = op["requestBody"]["content"]
    if "application/json" not in content:  # a document sent whole (a study's PDF): its checks are tested apart
        return []
    schema = _resolve(doc, content["application/json"]["schema"])
    bodies = []
    for field, spec in schema.get("properties", {}).items():
        bodies += [json.dumps({field: value}) for value in BAD_VALUES]
        items = spec.get("items")
        if spec.get("type") == "array" and items and "$ref" in items:
            for inner in _resolve(doc, items).get("properties", {}):
                bodies += [json.dumps({field: [{inner: value}]}) for value in BAD_VALUES]
    return bodies


def _send(client: Any, method: str, url: str, body: str | None, token: dict[str, str]) -> Any:
    call = getattr(client, method)
    if body is None:
        return call(url, **token)
    return call(url, body, content_type="application/json", **token)


def test_no_malformed_request_gets_a_server_error(client, api):
    doc, token, real = api
    client.raise_request_exception = False  # a server error is an answer to count, not an exception to stop at
    failures = []
    sent = 0
    for method, path, op in _operations(doc):
        names = re.findall(r"{(\w+)}", path)
        good_url = path
        for name in names:
            good_url = good_url.replace("{" + name + "}", real[name])
        attempts: list[tuple[str, str | None]] = []
        body_ok = "{}" if "requestBody" in op else None
        for name in names:
            for bad in BAD_IDS:
                attempts.append((good_url.replace(real[name], bad, 1), body_ok))
        for param in (p["name"] for p in op.get("parameters", []) if p["in"] == "query"):
            attempts += [(f"{good_url}?{param}={value}", None) for value in BAD_QUERY]
            attempts.append((f"{good_url}?{param}=FR&{param}=xx&{param}=", None))
        if "requestBody" in op:
            attempts += [(good_url, body) for body in BAD_BODIES + _bad_bodies(doc, op)]
        for url, body in attempts:
            for auth in (token, {}):
                sent += 1
                r = _send(client, method, url, body, auth)
                if r.status_code >= 500:
                    failures.append(f"{method.upper()} {url} {body!r:.80}: {r.status_code}")
    assert sent > 1000
    assert not failures, "\n".join(failures[:20])
