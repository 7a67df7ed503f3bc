"""Importing invoices from CSV and XLSX: all or nothing, every row checked by the rules of an invoice entered
by hand and reported by row, column and value; numbers without gaps after those taken already; one summary
notification per buyer; the seller's people import its own invoices only, the secretariat anyone's."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from cicopa.core.errors import PermissionDenied
from cicopa.core.models import AuditEntry, Notification
from cicopa.exchange import invoice_services
from cicopa.exchange.invoice_import import import_invoices
from cicopa.exchange.models import Invoice, InvoiceCounter, InvoiceLine, InvoiceSource, TradeEvent

pytestmark = pytest.mark.django_db

YEAR = datetime.date.today().year
D1 = f"{YEAR}-01-15"
D2 = f"{YEAR}-01-20"
HEADER = ["buyer", "buyer_country", "number", "issue_date", "due_date", "currency", "amount", "description"]


def csv_file(rows, header=HEADER):
    lines = [",".join(header)] + [",".join(f'"{c}"' for c in row) for row in rows]
    return io.BytesIO(("\n".join(lines) + "\n").encode("utf-8"))


def xlsx_file(rows, header=HEADER):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


GOOD = [
    ["constructora", "", "F-1", D1, D2, "EUR", "1234.50", "Oak frames"],
    ["Constructora Cooperativa de Valencia", "ES", "F-2", D1, "", "EUR", "1 234,50", "Oak doors"],
    ["taxis-madrid", "", "F-3", D2, "", "EUR", "99", "Delivery"],
]


def test_a_good_file_imports_with_gapless_numbers_and_one_notice_per_buyer(trade, charlie, erika):
    invoice_services.invoice_enter(  # number 1 of the year is taken already
        actor=charlie,
        seller=trade["menuiserie"],
        buyer=trade["taxi"],
        data={"currency": "EUR", "issue_date": D1, "lines": [{"description": "Before", "unit_price_minor": 100}]},
    )
    told = Notification.objects.filter(user=erika).count()
    report = import_invoices(actor=charlie, stream=csv_file(GOOD), filename="f.csv", seller=trade["menuiserie"])
    assert report.ok and report.imported == 3 and report.buyers == 2
    imported = Invoice.objects.filter(source=InvoiceSource.IMPORTED).order_by("sequence")
    assert [i.sequence for i in imported] == [2, 3, 4]
    assert InvoiceCounter.objects.get(seller=trade["menuiserie"], year=YEAR).last == 4
    assert [i.total_minor for i in imported] == [123450, 123450, 9900]
    assert [i.external_number for i in imported] == ["F-1", "F-2", "F-3"]
    assert imported[1].due_date == datetime.date(YEAR, 1, 15) + datetime.timedelta(days=30)
    assert InvoiceLine.objects.filter(invoice__in=imported).count() == 3
    assert TradeEvent.objects.filter(invoice__in=imported, action="issued").count() == 3
    assert AuditEntry.objects.filter(action="exchange.invoice.import").count() == 3
    assert Notification.objects.filter(user=erika).count() == told + 1  # two invoices, one notification
    note = Notification.objects.filter(user=erika).latest("pk")
    assert "2" in note.subject and note.url.endswith("?direction=received")
    assert report.numbers[0].text == f"{YEAR}-00002 \N{EN DASH} {YEAR}-00004"


def test_importing_the_same_numbers_again_is_refused(trade, charlie):
    import_invoices(actor=charlie, stream=csv_file(GOOD), filename="f.csv", seller=trade["menuiserie"])
    report = import_invoices(actor=charlie, stream=csv_file(GOOD), filename="f.csv", seller=trade["menuiserie"])
    assert not report.ok and Invoice.objects.count() == 3
    assert {(e.row, e.column) for e in report.errors} == {(2, "number"), (3, "number"), (4, "number")}
    assert "already imported or entered" in report.errors[0].message


BROKEN = [
    ["constructora", "", "B-1", "15/01/2026", "", "EUR", "10.00", "Bad date"],
    ["constructora", "", "B-2", D1, "", "EUX", "10.00", "Unknown currency"],
    ["nobody-at-all", "", "B-3", D1, "", "EUR", "10.00", "Unknown buyer"],
    ["constructora", "", "B-4", D1, "", "EUR", "-10.00", "Negative amount"],
    ["menuiserie", "", "B-5", D1, "", "EUR", "10.00", "Seller is buyer"],
    ["constructora", "", "B-6", D1, "", "EUR", "10.00", "A good row"],
    ["constructora", "", "B-6", D2, D1, "EUR", "10.001", ""],
]
BROKEN_COLUMNS = {
    2: "issue_date",
    3: "currency",
    4: "buyer",
    5: "amount",
    6: "buyer",
}


@pytest.mark.parametrize("make", [csv_file, xlsx_file], ids=["csv", "xlsx"])
def test_a_file_with_broken_rows_changes_nothing_and_reports_each_row(trade, charlie, make):
    name = "f.csv" if make is csv_file else "f.xlsx"
    report = import_invoices(actor=charlie, stream=make(BROKEN), filename=name, seller=trade["menuiserie"])
    assert not report.ok and report.rows == 7
    assert not Invoice.objects.exists() and not InvoiceCounter.objects.exists()
    found = {(e.row, e.column) for e in report.errors}
    for row, column in BROKEN_COLUMNS.items():
        assert (row, column) in found, (row, column, report.errors)
    assert not any(e.row == 7 for e in report.errors)  # the good row
    last = {e.column: e.message for e in report.errors if e.row == 8}
    assert "number" in last and "description" in last and "amount" in last  # twice B-6, no text, 3 decimals
    assert "due_date" in last  # due before it is issued
    messages = {e.row: e.message for e in report.errors}
    assert "YYYY-MM-DD" in messages[2] and "EUX" in messages[3] and "negative" in messages[5]
    assert "two organisations" in messages[6]


def test_a_missing_column_is_reported_and_nothing_read(trade, charlie):
    header = [c for c in HEADER if c != "amount"]
    report = import_invoices(
        actor=charlie,
        stream=csv_file([r[:6] + r[7:] for r in GOOD], header),
        filename="f.csv",
        seller=trade["menuiserie"],
    )
    assert not report.ok and [(e.row, e.column) for e in report.errors] == [(1, "amount")]
    assert not Invoice.objects.exists()


def test_a_good_xlsx_imports_with_real_dates(trade, alice):
    rows = [
        ["constructora", "", "X-1", datetime.datetime(YEAR, 1, 15), None, "EUR", 1234.5, "Frames"],
        ["constructora", "", "X-2", datetime.date(YEAR, 1, 16), None, "JPY", 1000, "Yen"],
    ]
    report = import_invoices(actor=alice, stream=xlsx_file(rows), filename="f.xlsx", seller=trade["menuiserie"])
    assert report.ok, report.errors
    assert sorted(Invoice.objects.values_list("currency", "total_minor")) == [("EUR", 123450), ("JPY", 1000)]


def test_a_non_secretariat_cannot_import_for_another_seller(trade, charlie, erika, alice):
    with pytest.raises(PermissionDenied):
        import_invoices(actor=charlie, stream=csv_file(GOOD), filename="f.csv", seller=trade["constructora"])
    with pytest.raises(PermissionDenied):  # nor without a seller, naming sellers in the file
        import_invoices(actor=charlie, stream=csv_file(GOOD), filename="f.csv", seller=None)
    header = ["seller", *HEADER]
    rows = [["constructora", "taxis-madrid", "", "S-1", D1, "", "EUR", "10", "Not mine"]]
    report = import_invoices(actor=charlie, stream=csv_file(rows, header), filename="f.csv", seller=trade["menuiserie"])
    assert not report.ok and report.errors[0].column == "seller" and not Invoice.objects.exists()
    # The secretariat names the seller row by row.
    rows.append(["menuiserie", "taxis-madrid", "", "S-2", D1, "", "EUR", "10", "Theirs"])
    report = import_invoices(actor=alice, stream=csv_file(rows, header), filename="f.csv", seller=None)
    assert report.ok and report.sellers == 2
    assert sorted(Invoice.objects.values_list("seller__slug", "sequence")) == [("constructora", 1), ("menuiserie", 1)]


def test_the_import_page_checks_then_imports(client, trade, charlie, dave):
    client.force_login(dave)
    assert client.get("/exchange/invoices/import/").status_code == 403
    client.force_login(charlie)
    page = client.get("/exchange/invoices/import/")
    assert page.status_code == 200
    upload = csv_file(GOOD)
    upload.name = "invoices.csv"
    r = client.post("/exchange/invoices/import/", {"seller": trade["menuiserie"].pk, "file": upload})
    assert "The file is ready to import" in r.content.decode() and not Invoice.objects.exists()
    r = client.post("/exchange/invoices/import/", {"confirm": ""})
    assert "3 invoices were imported" in r.content.decode()
    assert Invoice.objects.count() == 3
    broken = csv_file(BROKEN)
    broken.name = "broken.csv"
    r = client.post("/exchange/invoices/import/", {"seller": trade["menuiserie"].pk, "file": broken})
    page = r.content.decode()
    assert "Nothing was imported" in page and "nobody-at-all" in page and Invoice.objects.count() == 3
    r = client.post("/exchange/invoices/import/", {"confirm": ""})  # nothing pending: nothing happens
    assert r.status_code == 302 and Invoice.objects.count() == 3
    example = client.get("/exchange/invoices/import/?example=csv")
    assert b"buyer_country" in b"".join(example.streaming_content)


def test_the_command(trade, alice, charlie, tmp_path):
    path = tmp_path / "invoices.csv"
    path.write_bytes(csv_file(GOOD).getvalue())
    out = io.StringIO()
    call_command("import_data", "invoices", str(path), "--seller", "menuiserie", "--dry-run", stdout=out)
    assert "would be imported" in out.getvalue() and not Invoice.objects.exists()  # cicopa import invoices
    call_command("import_invoices", str(path), "--seller", "menuiserie", stdout=out)
    assert Invoice.objects.count() == 3 and f"{YEAR}-00001" in out.getvalue()
    with pytest.raises(CommandError, match="problems found"):
        call_command("import_invoices", str(path), "--seller", "menuiserie", stdout=out, stderr=io.StringIO())
    with pytest.raises(CommandError):
        call_command("import_invoices", str(path), "--seller", "constructora", "--as-user", "charlie")


@pytest.mark.parametrize(
    "text",
    [
        "1234.50",
        "1234.5",
        "1234",
        "0012.5",
        "0.01",
        "1 234,50",
        "1,234.50",
        "1.234,50",
        "1234.501",
        "999999999999999.99",
        "-3",
        "1e3",
        "12,5",
        "abc",
        "1 234,5",
        "1234,501",
        "12 34,5",
        "1'234.50",
        "1\u202f234,50",
        "1,2345",
        "12,",
        ",5",
        "1.2.3",
        "1 234 567,89",
    ],
)
@pytest.mark.parametrize("currency", ["EUR", "JPY", "KWD"])
def test_amounts_are_read_as_core_money_reads_them(text, currency):
    from cicopa.core import money
    from cicopa.exchange.invoice_import import read_amount

    def outcome(read):
        try:
            return read(text, currency)
        except ValueError as exc:
            return str(exc)

    assert outcome(read_amount) == outcome(lambda t, c: money.parse_money(t, c, "en"))
