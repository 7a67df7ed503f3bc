"""Downloads of a table as CSV (UTF-8 with a byte-order mark, which spreadsheets read right), XLSX or JSON.

Every CSV and XLSX file the platform writes is written here, so that text someone typed is never run as a
formula by the spreadsheet that opens it (a name like =HYPERLINK(...) or @SUM(...)).
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell

from cicopa.core import formats, throttle
from cicopa.core.clients import client_address
from cicopa.core.roles import is_authenticated
from cicopa.core.validators import CONTROL_CHARACTER

FORMATS = ("csv", "xlsx", "json")
# A workbook is built whole in memory before it is sent (CSV and JSON stream): past this many rows the download is
# refused with a pointer to the CSV, which has no such limit.
XLSX_MAX_ROWS = 20_000
# Downloads of a whole table are the platform's most expensive reads: someone without an account makes at most
# this many an hour from one address (people with an account, and the paged API, are not counted).
ANONYMOUS_DOWNLOADS_PER_HOUR = 60


class DownloadTooLarge(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def download(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A view that answers with a download: throttled for people without an account, and answering a bad filter
    or an oversized workbook with the API's error shape (422), as the API answers the same mistakes."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not is_authenticated(getattr(request, "user", None)) and not throttle.allow(
            "download", client_address(request), limit=ANONYMOUS_DOWNLOADS_PER_HOUR, window=3600
        ):
            message = _(
                "Too many downloads from your address in the last hour (at most %(n)s without an account); try again "
                "later, log in, or page through the API."
            ) % {"n": ANONYMOUS_DOWNLOADS_PER_HOUR}
            return JsonResponse({"detail": message}, status=429, headers={"Retry-After": "3600"})
        try:
            return view(request, *args, **kwargs)
        except ValidationError as exc:
            detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            return JsonResponse({"detail": detail}, status=422)
        except DownloadTooLarge as exc:
            return JsonResponse({"detail": exc.message}, status=422)

    return wrapper


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
    first = list(itertools.islice(rows, XLSX_MAX_ROWS + 1))  # the workbook would hold them all anyway
    if len(first) > XLSX_MAX_ROWS:
        raise DownloadTooLarge(
            _("An XLSX download holds at most %(n)s rows and this one has more: download it as CSV instead.")
            % {"n": formats.format_number(XLSX_MAX_ROWS)}
        )
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(name[:31])
    ws.append(sheet_row(ws, columns))
    for row in first:
        ws.append(sheet_row(ws, (row.get(c) for c in columns)))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
