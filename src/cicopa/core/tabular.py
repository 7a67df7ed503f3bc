"""Reading tabular files (CSV, or the first sheet of an XLSX workbook) for imports.

A file comes from outside: what it may cost to read is bounded before and while it is read (rows,
columns, cells, and for a workbook the size it unpacks to), and anything it holds that cannot be read
is an ImportFileError with a message for the person who sent it, never a traceback.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import zipfile
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from cicopa.core import formats
from cicopa.core.exports import FORMULA_START

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
_FORMULA_CHARACTERS = set(FORMULA_START)
HEADER_SEARCH_ROWS = 10  # non-blank rows among which the header is looked for (a title may stand above it)


class ImportFileError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Table:
    header: list[str]
    header_row: int
    rows: Iterator[tuple[int, list[str]]]  # (row number as a spreadsheet shows it, cells), blank rows left out


HeaderScore = Callable[[Iterable[str]], int]  # how much a row's cells look like the header a caller wants


def read_table(
    stream: IO[bytes], filename: str, required: Collection[str] = (), header_score: HeaderScore | None = None
) -> Table:
    """The header and rows of a CSV or XLSX file, every cell as a stripped string.

    The header is the first non-blank row, or, if the caller names the columns it requires, the one of
    the first few non-blank rows that has most of them (rows above it, a title or a note, are left out);
    a caller that cannot name them (a file of any layout) scores each row with `header_score` instead.
    The rows are read as they are taken: a limit reached or a part that cannot be read raises
    ImportFileError then, so callers check every row before they write anything.
    """
    wanted = set(required)
    score = header_score or ((lambda cells: len(wanted.intersection(cells))) if wanted else None)
    cells = _read_xlsx(stream) if filename.lower().endswith(".xlsx") else _read_csv(stream, score)
    rows = ((number, row) for number, row in _bounded(cells) if any(row))
    first = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
    if not first:
        raise ImportFileError(_("The file is empty."))
    at = max(range(len(first)), key=lambda i: score(first[i][1]) if score else 0)  # the first of the best
    header_row, header = first[at]
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            raise ImportFileError(
                _('The header (row %(row)s) has more than one column named "%(name)s"; rename or remove the others.')
                % {"row": header_row, "name": name}
            )
        seen.add(name)
    return Table(header, header_row, itertools.chain(first[at + 1 :], rows))


def _bounded(rows: Iterable[Sequence[Any]]) -> Iterator[tuple[int, list[str]]]:
    """Every row, numbered, as stripped strings, without its trailing empty cells, within the limits.

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
        values = [v.strip() if type(v) is str else _text(v) for v in row]  # CSV's cells are all text
        while values and not values[-1]:
            values.pop()
        if len(values) > MAX_COLUMNS:
            raise ImportFileError(
                _("Row %(row)s has more than %(n)s columns, the most a file may have.")
                % {"row": number, "n": MAX_COLUMNS}
            )
        yield number, values


def _count(n: int) -> str:
    return formats.format_number(n)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_csv(stream: IO[bytes], score: HeaderScore | None) -> Iterator[list[str]]:
    text = _decode(stream.read())
    if "\x00" in text.partition("\n")[0]:
        raise ImportFileError(
            _(
                "The file's first line holds NUL characters: it is not UTF-8 text (UTF-16 without its byte-order "
                "mark, perhaps). Save it as CSV UTF-8 and try again."
            )
        )
    # Always RFC 4180 (quotes doubled inside quoted cells, which may hold line breaks): guessing the whole
    # dialect from the file's start turned doubled quotes off whenever the first one came later on.
    return _csv_rows(csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=_delimiter(text, score)))


_BYTE_ORDER_MARKS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _decode(raw: bytes) -> str:
    """The text of a CSV file: as its byte-order mark says (UTF-8 or UTF-16), else UTF-8, else Windows-1252.

    Windows-1252 is what Excel saves as "CSV" on most Western machines; bytes that are not UTF-8 and still
    read as Windows-1252 are taken for it (the check of an import shows its first rows before anything is
    written). Text in any other encoding is refused rather than guessed.
    """
    for mark, encoding in _BYTE_ORDER_MARKS:
        if raw.startswith(mark):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                raise ImportFileError(
                    _("The file begins as %(encoding)s text but is not. Save it as CSV UTF-8 and try again.")
                    % {"encoding": encoding.upper().removesuffix("-SIG")}
                ) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        position = exc.start + 1  # counted from one, as people count
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportFileError(
            _("The file is not UTF-8 text (byte %(pos)s cannot be read). Save it as CSV UTF-8 and try again.")
            % {"pos": position}
        ) from None


DELIMITERS = (",", ";", "\t")
_HEADER_SCAN = 65_536  # characters: a header line is never longer
_HEADER_SEARCH_SCAN = 1_048_576  # characters in which the header is looked for with each delimiter


def _delimiter(text: str, score: HeaderScore | None) -> str:
    """Comma, semicolon or tab: the one that makes the best header row (the most required columns), if the
    caller can tell and any is found; else the one the first line has most of outside quotes (a comma if none)."""
    counted = _counted_delimiter(text)
    if score is None:
        return counted
    scores = {d: _header_score(text, d, score) for d in DELIMITERS}
    best = max(DELIMITERS, key=scores.__getitem__)
    return best if scores[best] > scores[counted] else counted


def _header_score(text: str, delimiter: str, score: HeaderScore) -> int:
    """The best score of the first non-blank rows, read with `delimiter`."""
    reader = csv.reader(io.StringIO(text[:_HEADER_SEARCH_SCAN], newline=""), csv.excel, delimiter=delimiter)
    best = 0
    try:
        for row in itertools.islice((r for r in reader if any(c.strip() for c in r)), HEADER_SEARCH_ROWS):
            best = max(best, score([c.strip() for c in row]))
    except csv.Error:
        pass  # read as a whole, the file says what is wrong with it
    return best


def _counted_delimiter(text: str) -> str:
    """Of comma, semicolon and tab, the one the first line has most of outside quotes; a comma if none."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in text.lstrip("\r\n")[:_HEADER_SCAN]:
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
    """The rows of a CSV reader, each cell as written before the platform's CSV downloads guarded it against
    formulas (a file downloaded, edited and imported again: '+44 1422 is +44 1422)."""
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
        yield [c[1:] if c[:1] == "'" and c[1:2] in _FORMULA_CHARACTERS else c for c in row]


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
    except Exception:  # BadZipFile, and for a damaged directory NotImplementedError, ValueError, OSError...
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
