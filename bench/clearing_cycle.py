"""A clearing cycle on the database, end to end, against the engine alone on the same network.

The database: co-operatives of the registry's demo generator, every one taking part in the clearing, and
acknowledged euro invoices between them along a random trade network with heavy-tailed degrees (a few
co-operatives trade with many, most with a few: Pareto-weighted choice of seller and buyer), written in bulk.

Measured in one run: `clearing.services.cycle_propose` (read the eligible invoices, clear them with the engine,
write the proposal: one line per invoice, one statement per participant), against `engine.clear` alone on the
very arrays it read; then confirmation (every set-off written to its invoice, with its event and audit entry).
Target (issue): end to end <= 3x the engine.

Usage: python bench/clearing_cycle.py [--cooperatives 100000] [--invoices 1000000] [--database postgres://...]
"""

from __future__ import annotations

import argparse
import datetime
import time

import numpy as np

from _setup import RESULTS, add_database_option, database_name, django_on, say

SEED = 2026


def build(cooperatives: int, invoices: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from cicopa.clearing.models import Participation
    from cicopa.core.db import insert_rows, now_value
    from cicopa.exchange.models import Invoice
    from cicopa.registry import demo
    from cicopa.registry.models import Organisation, OrganisationKind

    if not get_user_model().objects.filter(is_staff=True).exists():
        get_user_model().objects.create_user("bench", "bench@example.org", "bench-password", is_staff=True)
    if not Organisation.objects.filter(kind=OrganisationKind.MEMBER_ORGANISATION).exists():
        demo.load_demo(cooperatives=0)
    have = Organisation.objects.filter(kind=OrganisationKind.COOPERATIVE).count()
    if have < cooperatives:
        start = time.perf_counter()
        federations = list(Organisation.objects.filter(kind=OrganisationKind.MEMBER_ORGANISATION))
        demo.generate_cooperatives(cooperatives - have, federations=federations, batch=20000)
        say(f"  {cooperatives - have:,} co-operatives in {time.perf_counter() - start:.0f} s")
    ids = np.array(
        Organisation.objects.filter(kind=OrganisationKind.COOPERATIVE)
        .order_by("id")
        .values_list("id", flat=True)[:cooperatives]
    )
    if not Participation.objects.exists():
        now = now_value()
        insert_rows(
            Participation._meta.db_table,
            ("organisation_id", "terms_version", "accepted_at"),
            ((int(i), "2026-12", now) for i in ids),
        )
    if Invoice.objects.count() >= invoices:
        # A database measured before, confirmation included: its invoices back as they were, for the same figures.
        from cicopa.clearing.models import Cycle
        from cicopa.exchange.models import TradeEvent

        if Invoice.objects.exclude(status="acknowledged").exists():
            Invoice.objects.update(status="acknowledged", cleared_minor=0)
            TradeEvent.objects.all().delete()
        Cycle.objects.all().delete()
        return
    start = time.perf_counter()
    rng = np.random.default_rng(SEED)
    weights = rng.pareto(1.2, size=len(ids)) + 1  # heavy-tailed: a few hubs trade with many
    weights /= weights.sum()
    sellers = rng.choice(len(ids), size=invoices, p=weights)
    buyers = rng.choice(len(ids), size=invoices, p=weights)
    same = sellers == buyers
    buyers[same] = (buyers[same] + 1) % len(ids)
    amounts = np.round(np.exp(rng.normal(11, 1.2, size=invoices))).astype(np.int64) + 100  # ~600 EUR median
    today = datetime.date.today()
    now = now_value()
    days = rng.integers(0, 365, size=invoices)
    insert_rows(
        Invoice._meta.db_table,
        (
            "seller_id", "buyer_id", "year", "sequence", "external_number", "issue_date", "due_date", "currency",
            "total_minor", "cleared_minor", "status", "notes", "dispute_reason", "source", "created_at", "updated_at",
        ),
        (
            (
                int(ids[s]), int(ids[b]), 2026, n + 1, "", (today - datetime.timedelta(days=int(d))).isoformat(),
                (today - datetime.timedelta(days=int(d) - 30)).isoformat(), "EUR", int(a), 0, "acknowledged", "",
                "", "imported", now, now,
            )
            for n, (s, b, a, d) in enumerate(zip(sellers, buyers, amounts, days, strict=True))
        ),
        chunk=5000,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    say(f"  {invoices:,} invoices in {time.perf_counter() - start:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cooperatives", type=int, default=100_000)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--no-confirm", action="store_true", help="time the proposal only")
    add_database_option(parser)
    args = parser.parse_args()
    django_on(f"clearing-{args.cooperatives}-{args.invoices}.sqlite3", args.database)

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from cicopa.clearing import engine, queries, services
    from cicopa.clearing.models import Cycle

    call_command("migrate", verbosity=0)
    say(f"building {RESULTS.name}/ database: {args.cooperatives:,} co-operatives, {args.invoices:,} invoices")
    build(args.cooperatives, args.invoices)
    actor = get_user_model().objects.filter(is_staff=True).order_by("id").first()
    Cycle.objects.filter(status__in=("open", "running", "proposed")).update(status="cancelled")
    cycle = services.cycle_open(actor=actor, currency="EUR", cutoff=datetime.date.today())
    say(f"database: {database_name()}")

    # The engine alone, on the arrays a cycle reads.
    rows = list(
        queries.eligible_invoices(cycle, queries.current_participant_ids()).values_list("buyer_id", "seller_id", "open")
    )
    debtors = np.array([r[0] for r in rows], dtype=np.int64)
    creditors = np.array([r[1] for r in rows], dtype=np.int64)
    amounts = np.array([r[2] for r in rows], dtype=np.int64)
    orgs, positions = np.unique(np.concatenate([debtors, creditors]), return_inverse=True)
    obligations = engine.Obligations(
        participants=[str(o) for o in orgs.tolist()],
        debtor=positions[: len(rows)],
        creditor=positions[len(rows) :],
        amount=amounts,
        currencies=["EUR"],
    )
    start = time.perf_counter()
    alone = engine.clear(obligations)
    engine_s = time.perf_counter() - start
    summary = alone.summary.currencies[0]
    say(
        f"engine alone: {engine_s:.2f} s for {len(rows):,} invoices between {len(orgs):,} participants; "
        f"gross {summary.gross_debt / 100:,.0f} EUR, cleared {summary.cleared / 100:,.0f} EUR "
        f"({summary.share_of_gross:.1%} of gross, {summary.share_of_clearable:.1%} of what could be cleared)"
    )
    del rows, obligations, alone

    marks: list[float] = []  # when each step began: reading, clearing, writing

    def report(what: str, step: int) -> None:
        marks.append(time.perf_counter())

    start = time.perf_counter()
    cycle = services.cycle_propose(actor=actor, cycle=cycle, report=report)
    end = time.perf_counter()
    end_to_end = end - start
    assert cycle.cleared_minor == summary.cleared, "the cycle must clear what the engine alone clears"
    say(f"  {cycle.lines.count():,} invoices set off, {cycle.statements.count():,} statements written")
    say(
        f"cycle end to end (read, clear, write the proposal): {end_to_end:.2f} s "
        f"= {end_to_end / engine_s:.2f}x the engine"
    )
    steps = [*marks, end]
    say(
        "  "
        + ", ".join(
            f"{name} {steps[i + 1] - steps[i]:.2f} s" for i, name in enumerate(("reading", "clearing", "writing"))
        )
    )
    if not args.no_confirm:
        start = time.perf_counter()
        services.cycle_confirm(actor=actor, cycle=cycle)
        say(f"confirmation (every set-off written to its invoice): {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
