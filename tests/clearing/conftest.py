"""Clearing fixtures: three co-operatives of the exchange's trade fixture, each with its own person, holding a
triangle of acknowledged euro invoices (Constructora owes Menuiserie 300, Taxis owe Constructora 200,
Menuiserie owes Taxis 250: 200 of each can be set off)."""

import datetime

import pytest
from django.contrib.auth import get_user_model

TODAY = datetime.date.today()


@pytest.fixture
def fiona(db):
    return get_user_model().objects.create_user("fiona", "fiona@example.org", "fiona-password-1")


def invoice(seller, buyer, amount, *, currency="EUR", issued=None, actor=None):
    from cicopa.exchange import invoice_services

    return invoice_services.invoice_enter(
        actor=actor,
        seller=seller,
        buyer=buyer,
        data={
            "currency": currency,
            "issue_date": (issued or TODAY).isoformat(),
            "lines": [{"description": "Work", "quantity": "1", "unit_price_minor": amount}],
        },
    )


@pytest.fixture
def make_invoice():
    """invoice(seller, buyer, amount, *, currency, issued, actor): an invoice entered as the seller would."""
    return invoice


@pytest.fixture
def triangle(trade, alice, charlie, erika, fiona):
    from cicopa.exchange import invoice_services
    from cicopa.registry import access_services
    from cicopa.registry.models import AccessRole

    access_services.access_grant(actor=alice, user=fiona, organisation=trade["taxi"], role=AccessRole.EDITOR)
    m, c, t = trade["menuiserie"], trade["constructora"], trade["taxi"]
    people = {m.pk: charlie, c.pk: erika, t.pk: fiona}
    made = {}
    for key, seller, buyer, amount in (("cm", m, c, 30000), ("tc", c, t, 20000), ("mt", t, m, 25000)):
        made[key] = invoice(seller, buyer, amount, actor=alice)
        invoice_services.invoice_step(actor=people[buyer.pk], invoice=made[key], step="acknowledge")
    return {**trade, **made, "people": people}


@pytest.fixture
def joined(triangle, charlie, erika, fiona):
    """The three co-operatives of the triangle take part."""
    from cicopa.clearing import services

    for org, user in ((triangle["menuiserie"], charlie), (triangle["constructora"], erika), (triangle["taxi"], fiona)):
        services.participation_accept(actor=user, organisation=org)
    return triangle
