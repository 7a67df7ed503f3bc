"""The clearing house on the database: participation, a cycle from opening to confirmation, the proposal's
statements, the refusal when an invoice changed, idempotent confirmation, and who may do what."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from cicopa.clearing import queries, services
from cicopa.clearing.models import Cycle, CycleStatus, Participation
from cicopa.core.errors import PermissionDenied
from cicopa.core.models import AuditEntry, Notification
from cicopa.exchange import invoice_services
from cicopa.exchange.models import Invoice, InvoiceStatus, TradeEvent

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def proposed(alice, currency="EUR", cutoff=TODAY):
    cycle = services.cycle_open(actor=alice, currency=currency, cutoff=cutoff)
    return services.cycle_propose(actor=alice, cycle=cycle)


# Participation ---------------------------------------------------------------------------------------------------


def test_an_editor_accepts_and_revokes_for_their_cooperative_only(triangle, charlie, erika):
    m, c = triangle["menuiserie"], triangle["constructora"]
    p = services.participation_accept(actor=charlie, organisation=m)
    assert p.accepted_by == charlie and p.is_current and p.terms_version
    with pytest.raises(ValidationError, match="takes part already"):
        services.participation_accept(actor=charlie, organisation=m)
    with pytest.raises(PermissionDenied):
        services.participation_accept(actor=charlie, organisation=c)
    with pytest.raises(PermissionDenied):
        services.participation_revoke(actor=erika, organisation=m)
    services.participation_revoke(actor=charlie, organisation=m)
    with pytest.raises(ValidationError, match="does not take part"):
        services.participation_revoke(actor=charlie, organisation=m)
    services.participation_accept(actor=charlie, organisation=m)  # again: a new acceptance, the old kept
    assert Participation.objects.filter(organisation=m).count() == 2
    assert queries.current_participant_ids() == {m.pk}
    audited = AuditEntry.objects.filter(action__startswith="clearing.participation")
    actions = set(audited.values_list("action", flat=True))
    assert actions == {"clearing.participation.accept", "clearing.participation.revoke"}


def test_an_officer_accepts_for_a_member_and_nobody_else_does(triangle, bob, dave, alice):
    services.participation_accept(actor=bob, organisation=triangle["menuiserie"])  # bob: officer of CG Scop
    for outsider in (dave, alice):  # the secretariat runs the clearing; it does not sign for co-operatives
        with pytest.raises(PermissionDenied):
            services.participation_accept(actor=outsider, organisation=triangle["constructora"])


# A cycle ---------------------------------------------------------------------------------------------------------


def test_a_triangle_is_set_off_and_every_statement_adds_up(joined, alice):
    cycle = proposed(alice)
    assert cycle.status == CycleStatus.PROPOSED and cycle.runs == 1
    assert (cycle.invoices, cycle.participants) == (3, 3)
    assert (cycle.gross_minor, cycle.cleared_minor) == (75000, 60000)
    # Net positions: Menuiserie +50, Constructora -100, Taxis +50: net internal debt 100.
    assert cycle.net_minor == 10000
    lines = {line.invoice_id: line.setoff_minor for line in cycle.lines.all()}
    assert lines == {joined["cm"].pk: 20000, joined["tc"].pk: 20000, joined["mt"].pk: 20000}
    # Nothing is set off before confirmation.
    assert set(Invoice.objects.values_list("cleared_minor", flat=True)) == {0}
    statement = queries.statement(cycle, joined["menuiserie"].pk)
    f = statement.figures
    assert (f.owed_before, f.owing_before, f.owed_after, f.owing_after) == (30000, 25000, 10000, 5000)
    assert f.cleared == 20000 and f.net == 5000
    assert [line.invoice_id for line in statement.receivable] == [joined["cm"].pk]
    assert [line.invoice_id for line in statement.payable] == [joined["mt"].pk]

    confirmed = services.cycle_confirm(actor=alice, cycle=cycle)
    assert confirmed.status == CycleStatus.CONFIRMED and confirmed.confirmed_by == alice
    by_pk = {i.pk: i for i in Invoice.objects.all()}
    assert by_pk[joined["tc"].pk].status == InvoiceStatus.CLEARED
    assert by_pk[joined["cm"].pk].status == InvoiceStatus.PARTLY_CLEARED
    assert by_pk[joined["cm"].pk].cleared_minor == 20000 and by_pk[joined["cm"].pk].outstanding_minor == 10000
    assert TradeEvent.objects.filter(action=TradeEvent.Action.CLEARED).count() == 3
    assert AuditEntry.objects.filter(action="exchange.invoice.set_off").count() == 3
    # Each participant's people are told, in their language (erika reads Spanish).
    told = Notification.objects.filter(kind="clearing.confirmed")
    assert sorted(n.user.username for n in told) == ["charlie", "erika", "fiona"]
    assert "Ciclo de compensación" in told.get(user__username="erika").subject


def test_confirming_twice_changes_nothing(joined, alice):
    cycle = services.cycle_confirm(actor=alice, cycle=proposed(alice))
    before = list(Invoice.objects.order_by("pk").values_list("cleared_minor", "status"))
    entries = AuditEntry.objects.count()
    again = services.cycle_confirm(actor=alice, cycle=cycle)
    assert again.status == CycleStatus.CONFIRMED
    assert list(Invoice.objects.order_by("pk").values_list("cleared_minor", "status")) == before
    assert AuditEntry.objects.count() == entries


def test_a_partly_cleared_invoice_is_cleared_again_for_what_remains(joined, alice, erika, make_invoice):
    services.cycle_confirm(actor=alice, cycle=proposed(alice))
    # Menuiserie still has 100 to receive from Constructora (partly cleared): a new invoice closes a loop.
    fresh = make_invoice(joined["menuiserie"], joined["taxi"], 4000, actor=alice)  # Taxis owe Menuiserie 40
    invoice_services.invoice_step(actor=joined["people"][joined["taxi"].pk], invoice=fresh, step="acknowledge")
    extra = make_invoice(joined["taxi"], joined["constructora"], 6000, actor=alice)  # Constructora owes Taxis 60
    invoice_services.invoice_step(actor=erika, invoice=extra, step="acknowledge")
    cycle = proposed(alice)
    assert cycle.invoices == 4  # the partly cleared one (open 100), Menuiserie's 50 to Taxis, and the two new
    assert cycle.gross_minor == 10000 + 5000 + 4000 + 6000
    assert cycle.cleared_minor > 0
    services.cycle_confirm(actor=alice, cycle=cycle)
    for inv in Invoice.objects.all():
        assert 0 <= inv.cleared_minor <= inv.total_minor


def test_only_eligible_invoices_are_proposed(joined, alice, erika, charlie, make_invoice):
    m, c, t = joined["menuiserie"], joined["constructora"], joined["taxi"]
    later = make_invoice(m, c, 1000, actor=alice)  # issued today, acknowledged: in; open ones are not
    invoice_services.invoice_step(actor=erika, invoice=later, step="acknowledge")
    make_invoice(m, c, 999, actor=alice)  # open: not acknowledged
    disputed = make_invoice(t, m, 500, actor=alice)
    invoice_services.invoice_step(actor=charlie, invoice=disputed, step="dispute", reason="Not delivered")
    usd = make_invoice(c, m, 700, currency="USD", actor=alice)
    invoice_services.invoice_step(actor=charlie, invoice=usd, step="acknowledge")
    old = proposed(alice, cutoff=TODAY - datetime.timedelta(days=1))
    assert old.invoices == 0  # everything was issued today, after that cut-off
    services.cycle_cancel(actor=alice, cycle=old)
    cycle = proposed(alice)
    assert cycle.invoices == 4 and cycle.gross_minor == 75000 + 1000  # the triangle and the later one
    assert {line.invoice_id for line in cycle.lines.all()} <= {joined[k].pk for k in ("cm", "tc", "mt")} | {later.pk}
    services.cycle_cancel(actor=alice, cycle=cycle)
    services.participation_revoke(actor=joined["people"][t.pk], organisation=t)
    assert proposed(alice).invoices == 2  # Taxis left: only Menuiserie-Constructora invoices remain


def test_an_invoice_paid_after_the_proposal_refuses_the_confirmation_by_name(joined, alice, charlie):
    cycle = proposed(alice)
    invoice_services.invoice_step(actor=charlie, invoice=joined["cm"], step="pay")
    with pytest.raises(ValidationError) as refused:
        services.cycle_confirm(actor=alice, cycle=cycle)
    message = " ".join(refused.value.messages)
    assert joined["cm"].number in message and "Menuiserie" in message and "Run the cycle again" in message
    assert set(Invoice.objects.exclude(pk=joined["cm"].pk).values_list("cleared_minor", flat=True)) == {0}
    assert Cycle.objects.get(pk=cycle.pk).status == CycleStatus.PROPOSED
    again = services.cycle_propose(actor=alice, cycle=cycle)  # run again: the paid invoice is out, no cycle left
    assert again.runs == 2 and again.invoices == 2 and again.cleared_minor == 0
    services.cycle_confirm(actor=alice, cycle=again)
    assert Invoice.objects.get(pk=joined["cm"].pk).status == InvoiceStatus.PAID


def test_a_change_to_an_invoice_the_proposal_does_not_touch_does_not_refuse_it(
    joined, alice, erika, charlie, make_invoice
):
    """Constructora owes Menuiserie twice (300 and 50): the set-off falls on the first; the second, paid after
    the proposal was made, changes nothing of it."""
    second = make_invoice(joined["menuiserie"], joined["constructora"], 5000, actor=alice)
    invoice_services.invoice_step(actor=erika, invoice=second, step="acknowledge")
    cycle = proposed(alice)
    assert cycle.cleared_minor == 60000 and not cycle.lines.filter(invoice=second).exists()
    invoice_services.invoice_step(actor=charlie, invoice=second, step="pay")
    assert services.cycle_confirm(actor=alice, cycle=cycle).status == CycleStatus.CONFIRMED


def test_a_dry_run_keeps_nothing(joined, alice):
    cycle = services.cycle_open(actor=alice, currency="EUR", cutoff=TODAY)
    figures = services.cycle_propose(actor=alice, cycle=cycle, dry_run=True)
    assert figures.cleared_minor == 60000
    stored = Cycle.objects.get(pk=cycle.pk)
    assert stored.status == CycleStatus.OPEN and stored.runs == 0 and not stored.lines.exists()


def test_only_the_secretariat_opens_runs_confirms_and_cancels(joined, alice, bob, charlie, dave):
    cycle = services.cycle_open(actor=alice, currency="EUR", cutoff=TODAY)
    for user in (bob, charlie, dave):
        with pytest.raises(PermissionDenied):
            services.cycle_open(actor=user, currency="USD", cutoff=TODAY)
        with pytest.raises(PermissionDenied):
            services.cycle_run(actor=user, cycle=cycle)
        with pytest.raises(PermissionDenied):
            services.cycle_propose(actor=user, cycle=cycle)
        with pytest.raises(PermissionDenied):
            services.cycle_confirm(actor=user, cycle=cycle)
        with pytest.raises(PermissionDenied):
            services.cycle_cancel(actor=user, cycle=cycle)
        with pytest.raises(PermissionDenied):
            exchange_services_setoff(user)


def exchange_services_setoff(user):
    from cicopa.exchange import setoff

    setoff.invoices_set_off(actor=user, setoffs={}, seen={}, detail="")


@pytest.mark.parametrize(
    ("currency", "cutoff", "field"),
    [("EURO", TODAY, "currency"), ("XXX", TODAY, "currency"), ("", TODAY, "currency"), ("EUR", "31/12/2026", "cutoff")],
)
def test_a_cycle_with_a_bad_currency_or_date_is_refused(alice, currency, cutoff, field):
    with pytest.raises(ValidationError) as refused:
        services.cycle_open(actor=alice, currency=currency, cutoff=cutoff)
    assert field in refused.value.message_dict
    assert not Cycle.objects.exists()


def test_one_unfinished_cycle_per_currency(joined, alice):
    first = services.cycle_open(actor=alice, currency="eur", cutoff=TODAY)
    assert first.currency == "EUR"
    with pytest.raises(ValidationError, match="under way"):
        services.cycle_open(actor=alice, currency="EUR", cutoff=TODAY)
    services.cycle_open(actor=alice, currency="USD", cutoff=TODAY)
    services.cycle_cancel(actor=alice, cycle=first)
    services.cycle_open(actor=alice, currency="EUR", cutoff=TODAY)
    with pytest.raises(ValidationError, match="neither run nor cancelled"):
        services.cycle_propose(actor=alice, cycle=first)


def test_running_a_cycle_queues_its_proposal_and_the_page_follows_it(joined, alice):
    cycle = services.cycle_open(actor=alice, currency="EUR", cutoff=TODAY)
    followed = services.cycle_run(actor=alice, cycle=cycle)  # tests run tasks at once
    followed.refresh_from_db()
    cycle.refresh_from_db()
    assert followed.status == "done" and followed.result_url == cycle.get_absolute_url()
    assert cycle.status == CycleStatus.PROPOSED and cycle.run_task_id == followed.pk
    assert cycle.cleared_minor == 60000


def test_a_cycle_without_eligible_invoices_proposes_nothing(trade, alice):
    cycle = proposed(alice)
    assert (cycle.invoices, cycle.participants, cycle.gross_minor, cycle.cleared_minor) == (0, 0, 0, 0)
    services.cycle_confirm(actor=alice, cycle=cycle)
