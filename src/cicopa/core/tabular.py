"""Reading tabular files (CSV in UTF-8, or the first sheet of an XLSX workbook) for imports."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook


class ImportFileError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def read_table(stream: IO[bytes], filename: str) -> tuple[list[str], Iterator[list[str]]]:
    """Header and rows of a CSV (UTF-8) or XLSX file, every cell as a stripped string."""
    if filename.lower().endswith(".xlsx"):
        return _read_xlsx(stream)
    raw = stream.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("The file is not UTF-8 text (byte %(pos)s cannot be read). Save it as CSV UTF-8 and try again.")
            % {"pos": exc.start}
        ) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError(_("The file is empty.")) from None
    return [h.strip() for h in header], _stripped(reader)


def _stripped(reader: Iterable[list[str]]) -> Iterator[list[str]]:
    """Rows with every cell stripped, blank rows left out."""
    for row in reader:
        cells = [c.strip() for c in row]
        if any(cells):
            yield cells


def _read_xlsx(stream: IO[bytes]) -> tuple[list[str], Iterator[list[str]]]:
    import zipfile

    try:
        wb = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ImportFileError(_("The file is not a readable XLSX workbook.")) from None
    rows = wb.worksheets[0].iter_rows(values_only=True)

    def cells(row: Iterable[Any]) -> list[str]:
        return [
            "" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)).strip()
            for v in row
        ]

    try:
        header = cells(next(rows))
    except StopIteration:
        raise ImportFileError(_("The workbook's first sheet is empty.")) from None
    return header, (cells(r) for r in rows if any(v not in (None, "") for v in r))
