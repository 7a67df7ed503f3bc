"""Downloads of a table as CSV (UTF-8 with a byte-order mark, which spreadsheets read right), XLSX or JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from openpyxl import Workbook

from cicopa.core.validators import CONTROL_CHARACTER

FORMATS = ("csv", "xlsx", "json")
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


def _json(rows: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    yield "["
    for i, row in enumerate(rows):
        yield ("," if i else "") + json.dumps(row, ensure_ascii=False, default=str)
    yield "]"


def _csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore")
    buffer.write("\ufeff")
    writer.writeheader()
    for i, row in enumerate(rows):
        writer.writerow(row)
        if i % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def spreadsheet_value(value: Any) -> Any:
    """A value as a workbook cell can hold it: text without the control characters XLSX forbids (older
    records, or records written before they were refused, may hold some)."""
    return CONTROL_CHARACTER.sub("", value) if isinstance(value, str) else value


def _xlsx(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], name: str) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(name[:31])
    ws.append(list(columns))
    for row in rows:
        ws.append([spreadsheet_value(row.get(c)) for c in columns])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
