"""Downloads of a table as CSV (UTF-8 with a byte-order mark, which spreadsheets read right), XLSX or JSON.

Every CSV and XLSX file the platform writes is written here, so that text someone typed is never run as a
formula by the spreadsheet that opens it (a name like =HYPERLINK(...) or @SUM(...)).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell

from cicopa.core.validators import CONTROL_CHARACTER

FORMATS = ("csv", "xlsx", "json")
# How text that a spreadsheet takes for a formula begins (OWASP's list for CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Text that is a plain number (-2.013, +44) is read as that number, never run: it is left as it is.
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_response(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], fmt: str, name: str) -> HttpResponseBase:
    """Stream `rows` (dicts keyed by `columns`) as an attachment in `fmt`."""
    disposition = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    if fmt == "json":
        return StreamingHttpResponse(_json(rows), content_type="application/json", headers=disposition)
    if fmt == "csv":
        return StreamingHttpResponse(_csv(rows, columns), content_type="text/csv; charset=utf-8", headers=disposition)
    if fmt == "xlsx":
        return HttpResponse(_xlsx(rows, columns, name), content_type=XLSX_TYPE, headers=disposition)
    raise ValueError(f"unknown format {fmt}")


def plain_value(value: Any) -> Any:
    """A value as every download writes it: a whole number as an integer (91712, not 91712.0, whether the
    figure came as a float or a decimal), anything else as it is."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    return value


def _json(rows: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    yield "["
    for i, row in enumerate(rows):
        plain = {k: plain_value(v) for k, v in row.items()}
        yield ("," if i else "") + json.dumps(plain, ensure_ascii=False, default=_json_default)
    yield "]"


def _json_default(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else str(value)


def _csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(columns)
    for i, row in enumerate(rows):
        writer.writerow([csv_value(row.get(c)) for c in columns])
        if i % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_value(value: Any) -> Any:
    """A value as a CSV cell: text that begins like a formula behind a single quote, which spreadsheets
    show as text (OWASP's advice; core.tabular takes it off again when such a file is imported); numbers
    as numbers, a negative one included; booleans as true and false."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    if isinstance(value, bool):
        return "true" if value else "false"  # as JSON writes them, rather than Python's True and False
    return plain_value(value)


def spreadsheet_value(value: Any) -> Any:
    """A value as a workbook cell can hold it: text without the control characters XLSX forbids (older
    records, or records written before they were refused, may hold some)."""
    return CONTROL_CHARACTER.sub("", value) if isinstance(value, str) else value


def sheet_row(ws: Any, values: Iterable[Any]) -> list[Cell]:
    """One row of cells for `ws` (write-only or not), for `ws.append`: text always a text cell, so that
    openpyxl writes neither a formula (text beginning with =) nor an error (text such as #N/A)."""
    cells = []
    for value in values:
        cell = WriteOnlyCell(ws, value=spreadsheet_value(plain_value(value)))
        if isinstance(value, str):
            cell.data_type = "s"
        cells.append(cell)
    return cells


def _xlsx(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], name: str) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(name[:31])
    ws.append(sheet_row(ws, columns))
    for row in rows:
        ws.append(sheet_row(ws, (row.get(c) for c in columns)))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
