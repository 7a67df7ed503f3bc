"""The back office: the secretariat reads the exchange and pauses a listing through the service; nobody else."""

import pytest

from cicopa.core.models import AuditEntry
from cicopa.exchange import invoice_services, services
from cicopa.exchange.models import ListingStatus

pytestmark = pytest.mark.django_db


def test_the_secretariat_reads_and_pauses_a_listing(client, trade, alice, charlie, listing_data):
    listing = services.listing_create(
        actor=charlie, organisation=trade["menuiserie"], data=listing_data(), publish=True
    )
    invoice = invoice_services.invoice_enter(
        actor=charlie,
        seller=trade["menuiserie"],
        buyer=trade["constructora"],
        data={"currency": "EUR", "lines": [{"description": "Cadres", "unit_price_minor": 500}]},
    )
    client.force_login(charlie)
    assert client.get("/admin/exchange/listing/").status_code in (302, 403)
    client.force_login(alice)
    for url in (
        "/admin/exchange/listing/",
        "/admin/exchange/invoice/",
        "/admin/exchange/order/",
        "/admin/exchange/enquiry/",
        f"/admin/exchange/listing/{listing.pk}/change/",
        f"/admin/exchange/invoice/{invoice.pk}/change/",  # not 1: PostgreSQL's sequences outlive rolled-back tests
    ):
        assert client.get(url).status_code == 200, url
    r = client.post("/admin/exchange/listing/", {"action": "make_paused", "_selected_action": [listing.pk]})
    assert r.status_code == 302
    listing.refresh_from_db()
    assert listing.status == ListingStatus.PAUSED
    assert AuditEntry.objects.filter(action="exchange.listing.status", actor=alice).exists()
    assert client.post(f"/admin/exchange/listing/{listing.pk}/delete/").status_code == 403
