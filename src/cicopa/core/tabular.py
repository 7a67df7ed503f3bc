"""Reading tabular files (CSV in UTF-8, or the first sheet of an XLSX workbook) for imports.

A file comes from outside: what it may cost to read is bounded before and while it is read (rows,
columns, cells, and for a workbook the size it unpacks to), and anything it holds that cannot be read
is an ImportFileError with a message for the person who sent it, never a traceback.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from defusedxml import DefusedXmlException
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import load_workbook

# What one file may cost. A file of the platform's formats has about twenty columns; 500,000 rows of
# them is five times the largest import measured (bench/import_throughput.py) and well under the cells.
MAX_ROWS = 500_000
MAX_COLUMNS = 200
MAX_CELLS = 10_000_000
# A workbook is a zip: what it unpacks to is bounded as a whole, and so is how far any one large part
# of it is compressed (a workbook of real data packs about 10 to 25 times; a zip bomb, hundreds).
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
_RATIO_FROM_BYTES = 1024 * 1024  # small parts (styles, a theme) may pack further without costing anything


class ImportFileError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def read_table(stream: IO[bytes], filename: str) -> tuple[list[str], Iterator[list[str]]]:
    """Header and rows of a CSV (UTF-8) or XLSX file, every cell as a stripped string, blank rows left out.

    The rows are read as they are taken: a limit reached or a part that cannot be read raises
    ImportFileError then, so callers check every row before they write anything.
    """
    cells = _read_xlsx(stream) if filename.lower().endswith(".xlsx") else _read_csv(stream)
    rows = (row for row in _bounded(cells) if any(row))
    try:
        header = next(rows)
    except StopIteration:
        raise ImportFileError(_("The file is empty.")) from None
    return header, rows


def _bounded(rows: Iterable[Sequence[Any]]) -> Iterator[list[str]]:
    """Every row as stripped strings, without its trailing empty cells, within the limits.

    The cells a row costs are those the file has, empty ones too; its columns are those up to its last
    cell with something in it.
    """
    cells = 0
    for number, row in enumerate(rows, start=1):
        if number > MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(n)s rows, the most one file may have; split it into smaller files.")
                % {"n": _count(MAX_ROWS)}
            )
        cells += len(row)
        if cells > MAX_CELLS:
            raise ImportFileError(
                _("The file has more than %(n)s cells, the most one file may have; split it into smaller files.")
                % {"n": _count(MAX_CELLS)}
            )
        values = [_text(v) for v in row]
        while values and not values[-1]:
            values.pop()
        if len(values) > MAX_COLUMNS:
            raise ImportFileError(
                _("Row %(row)s has more than %(n)s columns, the most a file may have.")
                % {"row": number, "n": MAX_COLUMNS}
            )
        yield values


def _count(n: int) -> str:
    return number_format(n, force_grouping=True)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_csv(stream: IO[bytes]) -> Iterator[list[str]]:
    raw = stream.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("The file is not UTF-8 text (byte %(pos)s cannot be read). Save it as CSV UTF-8 and try again.")
            % {"pos": exc.start}
        ) from None
    # Always RFC 4180 (quotes doubled inside quoted cells, which may hold line breaks): guessing the whole
    # dialect from the file's start turned doubled quotes off whenever the first one came later on.
    return _csv_rows(csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=_delimiter(text)))


DELIMITERS = (",", ";", "\t")
_HEADER_SCAN = 65_536  # characters: a header line is never longer


def _delimiter(text: str) -> str:
    """Of comma, semicolon and tab, the one the first line has most of outside quotes; a comma if none."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in text[:_HEADER_SCAN]:
        if char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char in counts:
            counts[char] += 1
        elif char in "\r\n":
            break
    best = max(DELIMITERS, key=counts.__getitem__)
    return best if counts[best] else ","


def _csv_rows(reader: Any) -> Iterator[list[str]]:
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise ImportFileError(
                    _("Line %(line)s has a cell longer than %(n)s characters, the most a cell may hold.")
                    % {"line": reader.line_num, "n": _count(csv.field_size_limit())}
                ) from None
            raise ImportFileError(
                _("Line %(line)s of the file cannot be read as CSV.") % {"line": reader.line_num}
            ) from None
        yield row


def _read_xlsx(stream: IO[bytes]) -> Iterator[Sequence[Any]]:
    data = io.BytesIO(stream.read())
    _check_unpacked_size(data)
    try:
        wb = load_workbook(data, read_only=True, data_only=True, keep_links=False)
        ws = wb.worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds on a malformed workbook; each means the same to the sender
        raise _unreadable(exc) from None
    # The dimension the sheet declares may be anything (A1:XFD1048576 has every row padded to 16,384
    # cells): without it, each row is as long as its last cell, and the first row past a limit stops it.
    ws.reset_dimensions()
    return _xlsx_rows(ws.iter_rows(max_row=MAX_ROWS + 1, values_only=True))


def _xlsx_rows(rows: Iterator[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # a sheet whose XML breaks off or holds what a cell cannot: the same to the sender
            raise _unreadable(exc) from None
        yield row


def _unreadable(exc: BaseException | None) -> ImportFileError:
    """What to tell of a workbook openpyxl could not read. defusedxml's refusal of XML entities comes
    wrapped in openpyxl's own ValueError: it is looked for along the chain of causes."""
    for _depth in range(20):  # a chain of causes is short; a cycle in one is not followed for ever
        if exc is None:
            break
        if isinstance(exc, DefusedXmlException):
            return ImportFileError(
                _(
                    "The workbook declares XML entities, which are refused for safety. Save it again from a "
                    "spreadsheet program, or as CSV UTF-8, and try again."
                )
            )
        exc = exc.__cause__ or exc.__context__
    return ImportFileError(_("The file is not a readable XLSX workbook."))


def _check_unpacked_size(data: IO[bytes]) -> None:
    """Refuse a workbook that would unpack to too much, before any of it is unpacked.

    The sizes are those its zip directory declares: Python's zipfile never unpacks a part past its
    declared size, so a part cannot be made to cost more than this check saw.
    """
    try:
        with zipfile.ZipFile(data) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportFileError(_("The file is not a readable XLSX workbook.")) from None
    finally:
        data.seek(0)
    if sum(p.file_size for p in parts) > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            _("The workbook unpacks to more than %(mb)s MB, the most accepted. Save it as CSV UTF-8, or split it.")
            % {"mb": MAX_UNPACKED_BYTES // (1024 * 1024)}
        )
    for part in parts:
        if part.file_size > _RATIO_FROM_BYTES and part.file_size > MAX_COMPRESSION_RATIO * part.compress_size:
            raise ImportFileError(
                _(
                    "A part of the workbook (%(part)s) unpacks to more than %(n)s times its packed size, the most "
                    "accepted: it is refused as a possible zip bomb."
                )
                % {"part": part.filename, "n": MAX_COMPRESSION_RATIO}
            )
