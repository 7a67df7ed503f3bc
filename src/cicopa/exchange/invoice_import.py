"""Import invoices of trade done off the platform from CSV or XLSX: one invoice of one line per row.

Columns: seller (the address name of the seller; only the secretariat may give it, anyone else imports for the
organisation they chose), buyer (an address name, or the exact name with buyer_country when names are shared),
number (the seller's own), issue_date and due_date (YYYY-MM-DD), currency (ISO 4217), amount (major units as
written: 1234.50 or 1 234,50) and description.

All or nothing: every row is checked first through invoice_services.check_invoice, the same rules as an invoice
entered by hand; if any row is wrong, nothing is written and the report lists each problem by row, column and value.
A good file is written in one transaction, in bulk: the invoices, their lines, their history and the audit entries
as ready rows by executemany, their numbers taken by one counter update per seller and year (gapless, as one by
one), and each buyer told once, in one notification that sums up what was imported for it."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cicopa.core import audit, money, notifications, pagecache
from cicopa.core.db import insert_rows, now_value, refresh_statistics
from cicopa.core.errors import PermissionDenied
from cicopa.core.roles import is_secretariat
from cicopa.core.tabular import ImportFileError, read_table
from cicopa.core.validators import CONTROL_CHARACTER, control_character_message
from cicopa.exchange import invoice_services, notices, permissions
from cicopa.exchange.models import Invoice, InvoiceCounter, InvoiceLine, InvoiceSource, InvoiceStatus, TradeEvent
from cicopa.registry.import_rows import RowError
from cicopa.registry.models import Organisation

__all__ = ["COLUMNS", "REQUIRED", "ImportFileError", "InvoiceImportReport", "RowError", "import_invoices"]

COLUMNS = (
    "seller",
    "buyer",
    "buyer_country",
    "number",
    "issue_date",
    "due_date",
    "currency",
    "amount",
    "description",
)
REQUIRED = ("buyer", "number", "issue_date", "currency", "amount", "description")
BATCH = 2_000
STATISTICS_AFTER = 10_000  # rows; a larger import refreshes the planner's statistics
_XLSX_MIDNIGHT = re.compile(r"(\d{4}-\d{2}-\d{2})[ T]00:00(:00)?")  # a date cell of a workbook, read as text
# An amount as most files write it (1234.50, 1 234,50): read straight away; anything else goes through core.money,
# which reads every way of grouping digits and marking decimals (a test checks that both read these the same).
_SPACES = re.compile(r"[\s'\u2019]+")  # as core.money: spaces of any kind and apostrophes group digits
_PLAIN_AMOUNT = re.compile(r"[0-9]{1,15}(\.[0-9]{1,3}|,[0-9]{1,2})?", re.ASCII)
_IN_CHUNK = 900  # values in one IN (...) of a look-up (SQLite allows 999 parameters)
# The columns of a row's problems, by the service's field names.
_COLUMN_OF = {"issue_date": "issue_date", "due_date": "due_date", "currency": "currency", "buyer": "buyer"}


@dataclass(frozen=True)
class NumberRange:
    """The numbers an import gave one seller in one year."""

    seller: str
    year: int
    first: int
    last: int

    @property
    def text(self) -> str:
        return f"{self.year}-{self.first:05d} \N{EN DASH} {self.year}-{self.last:05d}"


@dataclass
class InvoiceImportReport:
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    imported: int = 0  # invoices written
    buyers: int = 0
    sellers: int = 0
    totals: dict[str, int] = field(default_factory=dict)  # currency -> sum in minor units
    numbers: list[NumberRange] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and self.rows > 0

    def totals_text(self, language: str | None = None) -> list[str]:
        return [money.format_money(v, c, language) for c, v in sorted(self.totals.items())]


@dataclass
class _Row:
    number: int
    seller: Organisation
    buyer: Organisation
    head: dict[str, Any]
    currency: str
    line: InvoiceLine


def import_invoices(
    *,
    actor: Any,
    stream: IO[bytes],
    filename: str,
    seller: Organisation | None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> InvoiceImportReport:
    """Check every row of the file, then (unless `dry_run` or any row is wrong) write the invoices.

    `seller` is the organisation whose invoices the file holds; the secretariat may leave it out and give a
    seller column instead (which then wins over `seller` row by row). Raises PermissionDenied for someone who
    may not import `seller`'s invoices, ImportFileError for a file that cannot be read."""
    secretariat = is_secretariat(actor)
    if not permissions.can_import_invoices(actor, seller) or (seller is None and not secretariat):
        raise PermissionDenied(_("You may not import invoices for this organisation."))
    report = InvoiceImportReport(dry_run=dry_run)
    table = read_table(stream, filename, REQUIRED)
    header = table.header
    missing = [c for c in REQUIRED if c not in header]
    if seller is None and "seller" not in header:
        missing.insert(0, "seller")
    if missing:
        report.errors.append(RowError(table.header_row, ", ".join(missing), "", _("missing column")))
        return report
    report.ignored_columns = [c for c in header if c and c not in COLUMNS]
    raw = [(number, dict(zip(header, cells, strict=False))) for number, cells in table.rows]
    report.rows = len(raw)
    if not raw:
        report.errors.append(RowError(0, "", "", _("the file has a header but no rows to import")))
        return report
    lookups = _Lookups(raw, seller)
    rows = list(_checked(raw, report, lookups, seller=seller, secretariat=secretariat, progress=progress))
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        totals[row.currency] += row.line.amount_minor
    report.totals = dict(totals)
    report.buyers = len({r.buyer.pk for r in rows})
    report.sellers = len({r.seller.pk for r in rows})
    if report.errors or dry_run:
        return report
    _write(actor, rows, report)
    if len(rows) >= STATISTICS_AFTER:
        refresh_statistics([Invoice._meta.db_table, InvoiceLine._meta.db_table])
    return report


class _Lookups:
    """The organisations the file names, read in a few queries, and the numbers their invoices already have."""

    def __init__(self, raw: Sequence[tuple[int, dict[str, str]]], seller: Organisation | None) -> None:
        fields = ("id", "slug", "name", "status", "country_id")
        refs = {r.get("buyer", "") for _n, r in raw} | {r.get("seller", "") for _n, r in raw}
        refs.discard("")
        self.by_slug: dict[str, Organisation] = {}
        self.by_name: dict[str, list[Organisation]] = defaultdict(list)
        for chunk in _chunks(sorted(refs)):
            for org in Organisation.objects.filter(slug__in=chunk).only(*fields):
                self.by_slug[org.slug] = org
            for org in Organisation.objects.filter(name__in=chunk).only(*fields).order_by("pk"):
                self.by_name[org.name].append(org)
        if seller is not None:
            self.by_slug.setdefault(seller.slug, seller)
        sellers = {o.pk for o in self.by_slug.values()} | ({seller.pk} if seller else set())
        self.taken: dict[tuple[int, str], Invoice] = {}
        for chunk in _chunks(sorted(sellers)):
            for inv in (
                Invoice.objects.filter(seller_id__in=chunk)
                .exclude(external_number="")
                .only("id", "seller_id", "external_number", "year", "sequence")
            ):
                self.taken[inv.seller_id, inv.external_number] = inv

    def buyer(self, ref: str, country: str) -> tuple[Organisation | None, str]:
        """The organisation `ref` names (an address name, or an exact name with `country`), or why none."""
        if ref in self.by_slug:
            return self.by_slug[ref], ""
        named = self.by_name.get(ref, [])
        if country:
            named = [o for o in named if o.country_id == country.upper()]
        if len(named) == 1:
            return named[0], ""
        if named:
            return None, _("several organisations have this name: give its address name, or buyer_country")
        return None, _("no organisation has this address name or name")


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start : start + _IN_CHUNK]


def _date_text(value: str) -> str:
    found = _XLSX_MIDNIGHT.fullmatch(value)
    return found.group(1) if found else value


def _checked(
    raw: Iterable[tuple[int, dict[str, str]]],
    report: InvoiceImportReport,
    lk: _Lookups,
    *,
    seller: Organisation | None,
    secretariat: bool,
    progress: Callable[[int], None] | None,
) -> Iterator[_Row]:
    errors = report.errors
    seen: dict[tuple[int, str], int] = {}
    for done, (number, cells) in enumerate(raw, 1):
        if progress and done % 1000 == 0:
            progress(done)
        before = len(errors)

        def error(column: str, message: str, *, _number: int = number, _cells: dict[str, str] = cells) -> None:
            errors.append(RowError(_number, column, _cells.get(column, ""), message))

        if CONTROL_CHARACTER.search("\t".join(cells.values())):
            for column, cell in cells.items():
                if message := control_character_message(cell):
                    error(column, message)
        # The seller: the file's column for the secretariat, else the chosen organisation (the column, if the
        # file has one, may only name it).
        row_seller = seller
        named = cells.get("seller", "")
        if named:
            found = lk.by_slug.get(named)
            if not secretariat and (seller is None or named != seller.slug):
                error("seller", _("you may import only the invoices of %(seller)s") % {"seller": seller})
            elif found is None:
                error("seller", _("no organisation has this address name"))
            else:
                row_seller = found
        elif seller is None:
            error("seller", _("give the seller's address name"))
        buyer, why = lk.buyer(cells.get("buyer", ""), cells.get("buyer_country", ""))
        if not cells.get("buyer"):
            error("buyer", _("give the buyer"))
        elif buyer is None:
            error("buyer", why)
        external = " ".join(cells.get("number", "").split())
        if not external:
            error("number", _("give the seller's number of the invoice"))
        currency = cells.get("currency", "").strip().upper()
        amount = _amount(cells.get("amount", ""), currency, error)
        description = cells.get("description", "")
        if not description.strip():
            error("description", _("say what is invoiced"))
        elif len(" ".join(description.split())) > 300:
            error("description", _("write at most 300 characters"))
        if row_seller is None:
            continue
        if external:
            key = (row_seller.pk, external)
            if key in seen:
                error("number", _("the same number as row %(row)s") % {"row": seen[key]})
            elif key in lk.taken:
                error(
                    "number",
                    _("already imported or entered: invoice %(number)s") % {"number": lk.taken[key].number},
                )
            seen.setdefault(key, number)
        data = {
            "issue_date": _date_text(cells.get("issue_date", "")) or "-",  # empty: "enter a date", not today
            "due_date": _date_text(cells.get("due_date", "")),
            "currency": currency,
            "external_number": external,
            "lines": [{"description": description[:300] or "-", "quantity": "1", "unit_price_minor": amount or 1}],
        }
        try:
            head, currency, lines = invoice_services.check_invoice(seller=row_seller, buyer=buyer, data=data)
        except ValidationError as exc:
            said = {e.column for e in errors[before:]}
            for key_, messages in exc.message_dict.items():
                column = _COLUMN_OF.get(key_, "number" if key_ == "external_number" else "amount")
                if column not in said:  # a cell already reported is not reported again in other words
                    for message in messages:
                        error(column, message)
            continue
        if len(errors) > before or buyer is None or amount is None:
            continue
        yield _Row(number, row_seller, buyer, head, currency, lines[0])


def _amount(text: str, currency: str, error: Callable[..., None]) -> int | None:
    """The amount of a row in minor units, read as files write it whatever their language ("1234.50",
    "1 234,50", "1,234.50"): a lone separator before one or two digits is the decimal mark."""
    if not text:
        error("amount", _("give the amount"))
        return None
    if not money.is_known_currency(currency):
        if not currency:
            error("currency", _("give the invoice's currency"))
        else:
            error("currency", _("“%(code)s” is not an ISO 4217 currency in use.") % {"code": currency})
        return None
    try:
        minor = read_amount(text, currency)
    except ValueError as exc:
        error("amount", str(exc))
        return None
    if minor <= 0:
        error("amount", _("The amount must be more than zero."))
        return None
    return minor


def read_amount(text: str, currency: str) -> int:
    """`text` in minor units of `currency`; ValueError with a message for the reader if it is not an amount."""
    plain = _SPACES.sub("", text)
    if _PLAIN_AMOUNT.fullmatch(plain):
        minor = money.decimal_to_minor(Decimal(plain.replace(",", ".")), currency)
        if minor > money.MAX_MINOR:
            raise ValueError(_("The amount is too large."))
        return minor
    return money.parse_money(text, currency, "en")


SUMMARY_SUBJECT = gettext_lazy("%(sellers)s: %(n)s invoices imported for %(buyer)s")


INVOICE_COLUMNS = (
    "seller_id",
    "buyer_id",
    "year",
    "sequence",
    "external_number",
    "issue_date",
    "due_date",
    "currency",
    "total_minor",
    "cleared_minor",
    "status",
    "notes",
    "dispute_reason",
    "source",
    "created_by_id",
    "created_at",
    "updated_at",
)
LINE_COLUMNS = ("invoice_id", "position", "description", "quantity", "unit_id", "unit_price_minor", "amount_minor")
EVENT_COLUMNS = ("invoice_id", "at", "actor_id", "organisation_id", "action", "detail")


def _write(actor: Any, rows: list[_Row], report: InvoiceImportReport) -> None:
    """Write the checked rows: numbers by one counter update per seller and year, then the invoices, their lines
    and history and the audit entries as ready tuples by executemany (core.db.insert_rows), a batch at a time;
    building model instances for the ORM's bulk_create cost eight times the writing itself (docs/performance.md)."""
    user_id = getattr(actor, "pk", None)
    ops = connection.ops
    now = now_value()
    quantity = InvoiceLine._meta.get_field("quantity")
    one = ops.adapt_decimalfield_value(Decimal(1), quantity.max_digits, quantity.decimal_places)  # type: ignore[attr-defined]
    with transaction.atomic():
        groups: dict[tuple[int, int], list[_Row]] = defaultdict(list)
        for row in rows:
            groups[row.seller.pk, row.head["issue_date"].year].append(row)
        for (seller_id, year), group in sorted(groups.items()):
            counter, _created = InvoiceCounter.objects.select_for_update().get_or_create(seller_id=seller_id, year=year)
            InvoiceCounter.objects.filter(pk=counter.pk).update(last=F("last") + len(group))
            counter.refresh_from_db(fields=["last"])
            first = counter.last - len(group) + 1
            report.numbers.append(NumberRange(group[0].seller.name, year, first, counter.last))
            for start in range(0, len(group), BATCH):
                batch = group[start : start + BATCH]
                low = first + start
                insert_rows(
                    Invoice._meta.db_table,
                    INVOICE_COLUMNS,
                    (
                        (
                            seller_id,
                            row.buyer.pk,
                            year,
                            sequence,
                            row.head["external_number"],
                            ops.adapt_datefield_value(row.head["issue_date"]),
                            ops.adapt_datefield_value(row.head["due_date"]),
                            row.currency,
                            row.line.amount_minor,
                            0,
                            InvoiceStatus.OPEN,
                            row.head["notes"],
                            "",
                            InvoiceSource.IMPORTED,
                            user_id,
                            now,
                            now,
                        )
                        for sequence, row in enumerate(batch, low)
                    ),
                )
                ids = dict(
                    Invoice.objects.filter(
                        seller_id=seller_id, year=year, sequence__gte=low, sequence__lt=low + len(batch)
                    ).values_list("sequence", "id")
                )
                numbered = [(ids[sequence], sequence, row) for sequence, row in enumerate(batch, low)]
                insert_rows(
                    InvoiceLine._meta.db_table,
                    LINE_COLUMNS,
                    (
                        (pk, 1, row.line.description, one, None, row.line.unit_price_minor, row.line.amount_minor)
                        for pk, _sequence, row in numbered
                    ),
                )
                insert_rows(
                    TradeEvent._meta.db_table,
                    EVENT_COLUMNS,
                    ((pk, now, user_id, seller_id, TradeEvent.Action.ISSUED, "") for pk, _sequence, _row in numbered),
                )
                audit.record_many(
                    actor=actor,
                    action="exchange.invoice.import",
                    object_type=Invoice._meta.label_lower,
                    entries=((pk, f"{year}-{sequence:05d}", _changes(row)) for pk, sequence, row in numbered),
                )
        pagecache.changed()  # the trade overview sums invoices; written in bulk, past audit.record()
        _tell_buyers(actor, rows)
    report.imported = len(rows)


def _changes(row: _Row) -> str:
    return (
        f'{{"total_minor": [null, {row.line.amount_minor}], "currency": [null, "{row.currency}"], '
        f'"buyer": [null, {row.buyer.pk}], "source": [null, "imported"]}}'
    )


def _tell_buyers(actor: Any, rows: list[_Row]) -> None:
    """One notification per buyer: how many invoices were imported for it, from whom, for how much."""
    by_buyer: dict[int, list[_Row]] = defaultdict(list)
    for row in rows:
        by_buyer[row.buyer.pk].append(row)
    url = reverse("exchange:invoices") + "?direction=received"
    for group in by_buyer.values():
        buyer = group[0].buyer
        names = sorted({r.seller.name for r in group})
        totals: dict[str, int] = defaultdict(int)
        for row in group:
            totals[row.currency] += row.line.amount_minor
        for person in notices.people_of(buyer):
            if getattr(actor, "pk", None) == person.pk:
                continue
            notifications.notify(
                user=person,
                kind="exchange.invoice.import",
                subject=SUMMARY_SUBJECT,
                body_template="exchange/email/invoices_imported.txt",
                context={
                    "sellers": ", ".join(names[:3]) + (" …" if len(names) > 3 else ""),
                    "n": len(group),
                    "buyer": buyer.name,
                    "totals": sorted(totals.items()),
                },
                url=url,
                actor=actor,
            )


def example_rows() -> tuple[list[str], list[list[str]]]:
    """A two-row example file to start from."""
    header = ["buyer", "buyer_country", "number", "issue_date", "due_date", "currency", "amount", "description"]
    rows = [
        ["constructora", "", "F-2026-0101", "2026-11-02", "2026-12-02", "EUR", "1234.50", "Oak window frames, 4"],
        ["Cooperativa de Taxis", "ES", "F-2026-0102", "2026-11-05", "", "EUR", "1 980,00", "Transport, November"],
    ]
    return header, rows
