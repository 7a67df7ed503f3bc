"""The clearing house's demo: every co-operative that holds acknowledged euro invoices (the exchange demo's trade
network, with its cycles, and the demo co-operative's trade) takes part, and the secretariat has run a euro cycle whose
proposal awaits its confirmation: log in as the secretariat to read the report and confirm it, or as the demo
co-operative to read its statement. The same every time (the exchange's demo is)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.utils import timezone

from cicopa.clearing import services
from cicopa.clearing.models import Participation
from cicopa.core import audit
from cicopa.exchange.models import Invoice
from cicopa.exchange.setoff import SETTLEABLE


def load_demo(*, progress: Callable[[str], None] = lambda s: None) -> None:
    secretariat = get_user_model().objects.filter(is_staff=True, is_active=True).order_by("id").first()
    traded = Invoice.objects.filter(currency="EUR", status__in=SETTLEABLE)
    ids = sorted(set(traded.values_list("seller_id", flat=True)) | set(traded.values_list("buyer_id", flat=True)))
    if not ids or secretariat is None:
        return
    now = timezone.now()
    made = Participation.objects.bulk_create([Participation(organisation_id=i, accepted_at=now) for i in ids])
    audit.record(actor=None, action="clearing.demo.load", obj=made[0], changes={"participations": len(made)})
    cycle = services.cycle_open(actor=secretariat, currency="EUR", cutoff=timezone.localdate())
    cycle = services.cycle_propose(actor=secretariat, cycle=cycle)
    progress(
        f"{len(made)} co-operatives in the clearing; a euro cycle proposes to set off {cycle.cleared_minor / 100:,.2f} "
        f"EUR of {cycle.gross_minor / 100:,.2f}"
    )
