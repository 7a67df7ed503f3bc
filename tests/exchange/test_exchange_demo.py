"""The exchange's demo: listings in three languages with cross-language matches, trade at every step, and an
invoice network with cycles for the clearing house; the same every time."""

import pytest

from cicopa.exchange import demo, match_queries
from cicopa.exchange.models import Enquiry, Invoice, Listing, ListingStatus, Order
from cicopa.registry import demo as registry_demo


@pytest.fixture
def demo_exchange(db):
    registry_demo.load_demo(cooperatives=600)
    demo.load_demo()


def fingerprint():
    return (
        list(
            Listing.objects.order_by("id").values_list(
                "organisation__slug", "direction", "title", "status", "price_minor"
            )
        ),
        list(
            Invoice.objects.order_by("id").values_list(
                "seller__slug", "buyer__slug", "year", "sequence", "total_minor", "status"
            )
        ),
    )


def test_listings_in_three_languages_with_cross_language_matches(demo_exchange):
    listings = Listing.objects.all()
    assert listings.count() > 500
    assert {"en", "fr", "es"} <= set(listings.values_list("language", flat=True))
    assert listings.filter(translations__isnull=False).distinct().count() > 100
    assert set(listings.values_list("status", flat=True)) == set(ListingStatus.values) - {"closed"}
    found = False
    for need in listings.filter(direction="need", language="es", status="published")[:40]:
        if any(m.listing.language == "fr" for m in match_queries.matches_for(need, limit=10)):
            found = True
            break
    assert found, "a Spanish need matched by a French offer"


def test_trade_at_every_step_and_a_network_with_cycles(demo_exchange):
    assert Enquiry.objects.count() > 50
    assert set(Order.objects.values_list("status", flat=True)) >= {"proposed", "agreed", "delivered"}
    euro = Invoice.objects.filter(currency="EUR", status="acknowledged")
    edges = {(s, b) for s, b in euro.values_list("seller_id", "buyer_id")}
    # A cycle: someone who is owed, directly or through others, by someone it owes.
    graph: dict[int, set[int]] = {}
    for seller, buyer in edges:
        graph.setdefault(buyer, set()).add(seller)  # buyer owes seller

    def reaches(start, goal, seen):
        for nxt in graph.get(start, ()):
            if nxt == goal or (nxt not in seen and (seen.add(nxt) or reaches(nxt, goal, seen))):
                return True
        return False

    assert any(reaches(seller, buyer, set()) for seller, buyer in edges)
    # Numbers are gapless per seller and year.
    for seller, year in set(Invoice.objects.values_list("seller_id", "year")):
        sequences = sorted(Invoice.objects.filter(seller_id=seller, year=year).values_list("sequence", flat=True))
        assert sequences == list(range(1, len(sequences) + 1))


def test_the_demo_is_the_same_every_time(demo_exchange):
    from cicopa.exchange.models import InvoiceCounter, TradeEvent

    first = fingerprint()
    TradeEvent.objects.all().delete()
    Invoice.objects.all().delete()
    Order.objects.all().delete()
    Enquiry.objects.all().delete()
    Listing.objects.all().delete()
    InvoiceCounter.objects.all().delete()
    demo.load_demo()
    assert fingerprint() == first
