"""The clearing house's demo: the co-operatives of the exchange demo's euro trade take part, and a proposal
awaits the secretariat, which clears part of their debts and can be confirmed."""

import pytest

from cicopa.clearing import demo
from cicopa.clearing import services as clearing
from cicopa.clearing.models import Cycle, CycleStatus, Participation
from cicopa.exchange import demo as exchange_demo
from cicopa.exchange.models import Invoice
from cicopa.registry import demo as registry_demo


@pytest.fixture
def demo_clearing(db):
    registry_demo.load_demo(cooperatives=600)
    exchange_demo.load_demo()
    demo.load_demo()


def test_a_proposal_awaits_the_secretariat(demo_clearing):
    cycle = Cycle.objects.get()
    assert cycle.status == CycleStatus.PROPOSED and cycle.currency == "EUR"
    assert Participation.objects.count() >= cycle.participants > 10
    assert 0 < cycle.cleared_minor < cycle.gross_minor
    secretariat = cycle.opened_by
    clearing.cycle_confirm(actor=secretariat, cycle=cycle)
    assert Invoice.objects.filter(status__in=("cleared", "partly_cleared")).count() > 0
