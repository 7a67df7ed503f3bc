"""Set-off of invoices: the one write on invoices that the clearing house makes (it confirms a cycle through
here, and the exchange alone writes its invoices). Written in bulk: a cycle may set off a million invoices."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cicopa.core import audit, pagecache
from cicopa.core.db import insert_rows, now_value
from cicopa.core.errors import PermissionDenied
from cicopa.core.formats import format_number
from cicopa.core.roles import is_secretariat
from cicopa.exchange.models import Invoice, InvoiceStatus, TradeEvent

# Invoices whose unpaid part a set-off may reduce: acknowledged by the buyer, not disputed, paid or cancelled.
SETTLEABLE = (InvoiceStatus.ACKNOWLEDGED, InvoiceStatus.PARTLY_CLEARED)
CHUNK = 2000
NAMED = 20  # invoices named in a message, at most


class InvoicesChanged(ValidationError):
    """Invoices no longer stand as the set-off saw them (paid, disputed, cancelled, set off meanwhile): nothing
    was written. `invoices` are their ids."""

    def __init__(self, message: str, invoices: Sequence[int]) -> None:
        super().__init__({"invoices": [message]})
        self.invoices = list(invoices)


def open_amount(invoice: Invoice) -> int:
    """What is still to pay on `invoice`: its total less what was set off."""
    return invoice.total_minor - invoice.cleared_minor


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def numbers_text(invoices: Sequence[Invoice]) -> str:
    """The invoices' numbers with their seller, for a message: "2026-00012 (Scop Bois), ..." and how many more."""
    named = ", ".join(f"{inv.number} ({inv.seller.name})" for inv in invoices[:NAMED])
    more = len(invoices) - NAMED
    if more > 0:
        named += " " + ngettext("and %(n)s more", "and %(n)s more", more) % {"n": format_number(more)}
    return named


@transaction.atomic
def invoices_set_off(
    *, actor: Any, setoffs: Mapping[int, int], seen: Mapping[int, tuple[str, int]], detail: str
) -> int:
    """Set off `setoffs[id]` minor units on each invoice, if every one of them still stands as `seen[id]` says
    (its status and the amount still to pay): else InvoicesChanged names those that do not, and nothing is
    written. An invoice set off in full is cleared, in part partly cleared; each gets an event in its history
    (`detail`) and an audit entry. Every invoice of `seen` is checked, set off or not (a proposal stands only on
    the invoices as it saw them). Only the secretariat sets off. Returns how many invoices changed."""
    if not is_secretariat(actor):
        raise PermissionDenied(_("Only the secretariat sets invoices off against each other."))
    if not set(setoffs) <= set(seen):
        raise ValueError("every invoice set off must be among those seen")
    ids = sorted(seen)
    rows: dict[int, tuple[str, int, int, int, int]] = {}
    for part in _chunks(ids):
        locked = Invoice.objects.select_for_update(of=("self",)).filter(pk__in=part)
        for pk, *row in locked.values_list("pk", "status", "total_minor", "cleared_minor", "year", "sequence"):
            rows[pk] = tuple(row)  # type: ignore[assignment]
    changed = [
        pk
        for pk in ids
        if pk not in rows or (rows[pk][0], rows[pk][1] - rows[pk][2]) != seen[pk] or rows[pk][0] not in SETTLEABLE
    ]
    if changed:
        named = list(Invoice.objects.filter(pk__in=changed).select_related("seller"))
        named.sort(key=lambda inv: (inv.seller.name, inv.year, inv.sequence))
        message = _("These invoices changed since the proposal was made, so nothing was set off: %(invoices)s.") % {
            "invoices": numbers_text(named) if named else ", ".join(map(str, changed))
        }
        raise InvoicesChanged(message, changed)
    entries, updates, events = [], [], []
    stamp, by = now_value(), getattr(actor, "pk", None)
    for pk, amount in sorted(setoffs.items()):
        if not amount:
            continue
        status, total, cleared, year, sequence = rows[pk]
        if not 0 < amount <= total - cleared:
            raise ValueError(f"invoice {pk}: cannot set off {amount} of {total - cleared}")
        after = InvoiceStatus.CLEARED if cleared + amount == total else InvoiceStatus.PARTLY_CLEARED
        updates.append((cleared + amount, after, stamp, pk))
        events.append((pk, stamp, by, TradeEvent.Action.CLEARED, detail[:500]))
        changes = {"status": [status, after], "cleared_minor": [cleared, cleared + amount]}
        entries.append((pk, f"{year}-{sequence:05d}", json.dumps(changes)))
    # Plain statements, many rows each: the ORM's bulk_update builds a CASE of every row (seconds a thousand).
    table = Invoice._meta.db_table
    with connection.cursor() as cursor:
        for i in range(0, len(updates), CHUNK):
            cursor.executemany(
                f"UPDATE {table} SET cleared_minor = %s, status = %s, updated_at = %s WHERE id = %s",
                updates[i : i + CHUNK],
            )
    insert_rows(TradeEvent._meta.db_table, ("invoice_id", "at", "actor_id", "action", "detail"), events, chunk=CHUNK)
    audit.record_many(
        actor=actor, action="exchange.invoice.set_off", object_type=Invoice._meta.label_lower, entries=entries
    )
    pagecache.changed()  # the trade overview reads invoices' statuses; written in bulk, past audit.record()
    return len(updates)
