"""The demo's recommendations: two, in three languages, one sent to every demo member organisation and one to those
of Europe, with responses spread over the weeks; the same every time, and loaded once."""

import pytest

from cicopa.knowledge import demo
from cicopa.knowledge import recommendation_queries as queries
from cicopa.knowledge.models import Recipient, Recommendation, Response
from cicopa.registry import demo as registry_demo
from cicopa.registry.models import Organisation

pytestmark = pytest.mark.django_db


def test_demo_recommendations(client):
    registry_demo.load_demo(cooperatives=50)
    demo.load_demo()
    recs = list(Recommendation.objects.order_by("reference"))
    assert [r.reference for r in recs] == ["R-2026-01", "R-2026-02"]
    assert all(r.is_issued and r.texts.count() == 3 for r in recs)
    members = Organisation.objects.filter(is_demo=True, kind="member_organisation", status="active")
    assert recs[0].recipients.count() == members.count()
    europe = set(recs[1].recipients.values_list("organisation__country__region_id", flat=True))
    assert europe == {"150"} and 0 < recs[1].recipients.count() < members.count()
    statuses = set(Recipient.objects.values_list("status", flat=True))
    assert statuses == {"received", "acknowledged", "under_consideration", "adopted", "partly_adopted", "not_adopted"}
    assert all(r.follow_up_date > r.issued_at.date() for r in recs)
    first = [(r.organisation.slug, r.status, r.status_changed_at) for r in queries.recipients(recs[0])]
    responses = Response.objects.count()
    demo.load_demo()  # again: nothing more
    assert Response.objects.count() == responses
    assert first == [(r.organisation.slug, r.status, r.status_changed_at) for r in queries.recipients(recs[0])]
    assert client.get(f"/library/recommendations/{recs[0].pk}/").status_code == 200
    figures = queries.adoption(recs[0])
    assert figures.total == members.count() and figures.not_answered
