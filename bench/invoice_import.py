"""Invoice import throughput on SQLite: `cicopa import invoices` (every row checked by the rules of an invoice
entered by hand, numbers taken per seller and year, invoices, lines, history and audit entries written in bulk,
one notification per buyer) against the floor of the same writes: the very rows the importer wrote, inserted
again into the same empty database by plain executemany, one transaction, no Python work at all.
Usage: python bench/invoice_import.py [--rows 100000] [--buyers 500]
"""

from __future__ import annotations

import argparse
import csv
import datetime
import random
import shutil
import sqlite3
import time
from pathlib import Path

from _setup import RESULTS, django_on, say

HEADER = ["buyer", "number", "issue_date", "due_date", "currency", "amount", "description"]
# What the importer writes, and so what the floor writes again.
TABLES = (
    "exchange_invoice",
    "exchange_invoiceline",
    "exchange_tradeevent",
    "exchange_invoicecounter",
    "core_auditentry",
    "core_notification",
)


def write_file(rows: int, buyers: int) -> Path:
    path = RESULTS / f"invoices-{rows}.csv"
    rng = random.Random(11)
    start = datetime.date.today() - datetime.timedelta(days=700)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for i in range(rows):
            issued = start + datetime.timedelta(days=i * 700 // rows)
            amount = rng.randint(100, 5_000_000)
            if i % 2:  # "12345.67" and "12 345,67", as files write amounts
                written = f"{amount // 100}.{amount % 100:02d}"
            else:
                written = f"{amount // 100:,}".replace(",", " ") + f",{amount % 100:02d}"
            w.writerow(
                [
                    f"bench-buyer-{rng.randrange(buyers)}",
                    f"F-{i:07d}",
                    issued.isoformat(),
                    (issued + datetime.timedelta(days=30)).isoformat() if i % 3 else "",
                    "EUR" if i % 10 else "USD",
                    written,
                    f"Joinery work, lot {i}",
                ]
            )
    return path


def raw_floor(imported: Path, empty: Path) -> float:
    """Seconds to write the importer's rows again into the empty database: executemany per table, one
    transaction, the same pragmas as the platform."""
    source = sqlite3.connect(imported)
    before = sqlite3.connect(empty)
    rows = {}
    for table in TABLES:
        known = {r[0] for r in before.execute(f"SELECT id FROM {table}")}  # rows there before the import
        rows[table] = [r for r in source.execute(f"SELECT * FROM {table}") if r[0] not in known]
    source.close()
    before.close()
    target = RESULTS / "invoice-floor.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copy(empty, target)
    db = sqlite3.connect(target, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "cache_size=-65536", "foreign_keys=ON"):
        db.execute(f"PRAGMA {pragma}")
    start = time.perf_counter()
    db.execute("BEGIN IMMEDIATE")
    for table, table_rows in rows.items():
        if not table_rows:
            continue
        marks = ", ".join("?" * len(table_rows[0]))
        for i in range(0, len(table_rows), 2000):
            db.executemany(f"INSERT INTO {table} VALUES ({marks})", table_rows[i : i + 2000])
    db.execute("COMMIT")
    seconds = time.perf_counter() - start
    db.close()
    return seconds


def bare_bulk_create(path: Path, seller: object, actor: object) -> float:
    """Seconds for the ORM's bulk_create of the same invoices, lines and history, read from the file with no
    check at all (amounts as plain decimals), numbered in the order of the file: what writing through model
    instances costs."""
    from decimal import Decimal

    from django.db import transaction

    from cicopa.exchange.models import Invoice, InvoiceCounter, InvoiceLine, TradeEvent
    from cicopa.registry.models import Organisation

    Invoice.objects.all().delete()
    InvoiceCounter.objects.all().delete()
    buyers = dict(Organisation.objects.values_list("slug", "id"))
    start = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as f, transaction.atomic():
        rows = list(csv.DictReader(f))
        invoices = []
        for n, r in enumerate(rows, 1):
            issued = datetime.date.fromisoformat(r["issue_date"])
            amount = r["amount"].replace(" ", "").replace(",", ".")
            invoices.append(
                Invoice(
                    seller=seller,
                    buyer_id=buyers[r["buyer"]],
                    year=issued.year,
                    sequence=n,
                    external_number=r["number"],
                    issue_date=issued,
                    due_date=issued + datetime.timedelta(days=30),
                    currency=r["currency"],
                    total_minor=int(Decimal(amount) * 100),
                    source="imported",
                    created_by=actor,
                )
            )
        Invoice.objects.bulk_create(invoices, batch_size=2000)
        InvoiceLine.objects.bulk_create(
            [
                InvoiceLine(
                    invoice=i,
                    position=1,
                    description=r["description"],
                    quantity=1,
                    unit_price_minor=i.total_minor,
                    amount_minor=i.total_minor,
                )
                for i, r in zip(invoices, rows, strict=True)
            ],
            batch_size=2000,
        )
        TradeEvent.objects.bulk_create(
            [TradeEvent(invoice=i, actor=actor, organisation=seller, action="issued") for i in invoices],
            batch_size=2000,
        )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--buyers", type=int, default=500)
    args = parser.parse_args()
    db = RESULTS / "invoice-import.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        (RESULTS / f"invoice-import.sqlite3{suffix}").unlink(missing_ok=True)
    django_on(db.name)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from cicopa.exchange.invoice_import import import_invoices
    from cicopa.registry.models import Organisation

    call_command("migrate", verbosity=0)
    actor = get_user_model().objects.create_user("bench", is_staff=True)
    Organisation.objects.bulk_create(
        [
            Organisation(kind="cooperative", name=f"Bench co-operative {i}", slug=f"bench-buyer-{i}", country_id="ES")
            for i in range(args.buyers)
        ]
        + [Organisation(kind="cooperative", name="Bench seller", slug="bench-seller", country_id="FR")]
    )
    seller = Organisation.objects.get(slug="bench-seller")
    path = write_file(args.rows, args.buyers)
    empty = RESULTS / "invoice-import-empty.sqlite3"
    with connection.cursor() as c:
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(db, empty)

    start = time.perf_counter()
    with path.open("rb") as f:
        report = import_invoices(actor=actor, stream=f, filename=path.name, seller=seller, dry_run=True)
    check = time.perf_counter() - start
    assert report.ok, report.errors[:5]

    start = time.perf_counter()
    with path.open("rb") as f:
        report = import_invoices(actor=actor, stream=f, filename=path.name, seller=seller)
    ours = time.perf_counter() - start
    assert report.ok and report.imported == args.rows, report.errors[:5]
    with connection.cursor() as c:
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    floor = min(raw_floor(db, empty) for _ in range(3))  # a floor: the best of three
    bare = bare_bulk_create(path, seller, actor)

    say(f"rows: {args.rows:,} ({args.buyers:,} buyers, one seller, two years, two currencies)")
    say(f"platform import (check + write): {ours:6.2f} s  {args.rows / ours:>9,.0f} rows/s")
    say(f"check only (--dry-run):          {check:6.2f} s  {args.rows / check:>9,.0f} rows/s")
    say(f"bare ORM bulk_create, no checks:  {bare:6.2f} s  {args.rows / bare:>9,.0f} rows/s")
    say(f"SQL floor (same rows, executemany): {floor:6.2f} s  {args.rows / floor:>9,.0f} rows/s")
    say(f"import / bare bulk_create throughput: {bare / ours:6.2f}x")
    say(f"import / SQL floor throughput:   {floor / ours:6.2f}x")


if __name__ == "__main__":
    main()
