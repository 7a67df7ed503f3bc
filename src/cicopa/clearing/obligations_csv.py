"""A CSV file of obligations, read for the clearing engine, and the same file written back with what was cleared
(`cicopa clearing solve`).

The file has a header and one obligation per row: `debtor`, `creditor`, `amount` (a whole number of minor units,
0 or more: 123450 for 1,234.50 EUR), optionally `id` and `currency`; header names are matched without regard to
case or surrounding spaces, other columns are carried through as they are. Names of participants and currencies
are taken without surrounding spaces (currency codes in upper case); without a `currency` column every obligation
is in one unnamed currency. Blank lines are left out. UTF-8, with or without a byte-order mark.

The result is every row in the file's order, its text as it stood (cells, quoting, line endings), with `cleared`
and `remaining` added at its end (cleared + remaining = amount), in the encoding of the input; it is written to a
temporary file beside the target and renamed over it, so that a reader never sees half a result.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import os
import tempfile
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from cicopa.clearing import engine
from cicopa.core.formats import format_number

REQUIRED = ("debtor", "creditor", "amount")
OPTIONAL = ("id", "currency")
ADDED = ("cleared", "remaining")
# A cell may hold this many characters (a long description in a column carried through); Python's default is
# 131,072. A file with an unclosed quote reads to its end in one cell and is stopped here.
MAX_CELL = 16 * 1024 * 1024
# Problems kept to be shown; the others are counted.
MAX_PROBLEMS_SHOWN = 20
# An amount has at most this many digits: below engine.MAX_TOTAL, and within 64 bits however it is added.
MAX_AMOUNT_DIGITS = 18


class FileProblem(Exception):
    """The file as a whole cannot be read: one message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RowProblems(Exception):
    """Rows that are not obligations: the first MAX_PROBLEMS_SHOWN messages, and how many there are in all."""

    def __init__(self, shown: list[str], count: int) -> None:
        super().__init__(f"{count} problems")
        self.shown = shown
        self.count = count


@dataclass(frozen=True)
class ObligationFile:
    text: str
    bom: bool
    header: list[str]
    header_lines: tuple[int, int]  # the header's lines, [first, last + 1), counted from 0
    row_lines: tuple[engine.IntArray, engine.IntArray]  # the same for each obligation's row
    obligations: engine.Obligations


def read(path: Path) -> ObligationFile:
    """The obligations of the CSV file at `path`; FileProblem or RowProblems if it holds anything else."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FileProblem(_("%(path)s could not be read: %(error)s") % {"path": path, "error": exc.strerror}) from None
    bom = raw.startswith(codecs.BOM_UTF8)
    try:
        text = raw[len(codecs.BOM_UTF8) :].decode("utf-8") if bom else raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileProblem(
            _("The file is not UTF-8 text (byte %(pos)s cannot be read). Save it as CSV UTF-8 and try again.")
            % {"pos": exc.start + 1 + (len(codecs.BOM_UTF8) if bom else 0)}
        ) from None
    del raw
    # Strict: a quote closed in the middle of a cell, or never, is an error rather than a guess.
    reader = csv.reader(_lines(text), csv.excel, strict=True)
    with _cell_limit():
        end = 0  # lines read so far
        try:
            for header in reader:
                start, end = end, reader.line_num
                if not _blank(header):
                    break
            else:
                raise FileProblem(_("The file is empty."))
        except csv.Error as exc:
            raise _unreadable(exc, end + 1) from None
        columns = _columns(header, start + 1)
        obligations, row_lines = _obligations(reader, end, columns, len(header))
    return ObligationFile(
        text=text, bom=bom, header=header, header_lines=(start, end), row_lines=row_lines, obligations=obligations
    )


def _lines(text: str) -> io.StringIO:
    """The text's lines as the csv module reads them (ended by \\n, \\r or \\r\\n, which are kept)."""
    return io.StringIO(text, newline="")


def _blank(row: list[str]) -> bool:
    return not any(row) or not any(cell.strip() for cell in row)


def _unreadable(exc: csv.Error, line: int) -> FileProblem:
    if "field larger than field limit" in str(exc):
        return FileProblem(
            _("Line %(line)s has a cell longer than %(n)s characters, the most a cell may hold.")
            % {"line": line, "n": format_number(MAX_CELL)}
        )
    return FileProblem(_("Line %(line)s of the file cannot be read as CSV.") % {"line": line})


@contextlib.contextmanager
def _cell_limit() -> Iterator[None]:
    before = csv.field_size_limit(MAX_CELL)
    try:
        yield
    finally:
        csv.field_size_limit(before)


def _columns(header: list[str], line: int) -> dict[str, int]:
    """Where each column the engine reads is, by its lower-case name."""
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        name = cell.strip().lower()
        if name in ADDED:
            raise FileProblem(
                _("The file already has a column “%(name)s”, which the result adds; rename or remove it.")
                % {"name": cell.strip()}
            )
        if name in REQUIRED or name in OPTIONAL:
            if name in found:
                raise FileProblem(
                    _(
                        'The header (row %(row)s) has more than one column named "%(name)s"; rename or remove the '
                        "others."
                    )
                    % {"row": line, "name": cell.strip()}
                )
            found[name] = i
    missing = [name for name in REQUIRED if name not in found]
    if missing:
        raise FileProblem(
            _("The file has no column %(columns)s; it needs debtor, creditor and amount.")
            % {"columns": ", ".join(missing)}
        )
    return found


def _obligations(
    reader: Any, end: int, columns: dict[str, int], width: int
) -> tuple[engine.Obligations, tuple[engine.IntArray, engine.IntArray]]:
    """The obligations of the rows `reader` has still to read (`end` lines were read before them), and the lines
    of each; a million rows take a few seconds, so the loop is kept lean."""
    i_debtor, i_creditor, i_amount = (columns[name] for name in REQUIRED)
    i_id, i_currency = columns.get("id"), columns.get("currency")
    participants: dict[str, int] = {}
    currencies: dict[str, int] = {}
    debtor, creditor, currency, amounts, starts, ends = (array("q") for _ in range(6))
    ids: list[str] = []
    shown: list[str] = []
    count = 0
    start = end
    # Bound once: the loop below runs a million times.
    known, add_debtor, add_creditor, add_amount = participants.get, debtor.append, creditor.append, amounts.append
    add_start, add_end = starts.append, ends.append
    try:
        for row in reader:
            start, end = end, reader.line_num
            if len(row) == width:
                d, c, a = row[i_debtor].strip(), row[i_creditor].strip(), row[i_amount].strip()
                code = row[i_currency].strip().upper() if i_currency is not None else ""
                if (
                    d
                    and c
                    and d != c
                    and a.isdigit()
                    and a.isascii()
                    and len(a) <= MAX_AMOUNT_DIGITS
                    and (code or i_currency is None)
                ):
                    if count:
                        continue  # the file will be refused: only its problems are looked for now
                    n = known(d)
                    if n is None:
                        n = participants[d] = len(participants)
                    add_debtor(n)
                    n = known(c)
                    if n is None:
                        n = participants[c] = len(participants)
                    add_creditor(n)
                    add_amount(int(a))
                    if i_currency is not None:
                        n = currencies.get(code)
                        if n is None:
                            n = currencies[code] = len(currencies)
                        currency.append(n)
                    if i_id is not None:
                        ids.append(row[i_id])
                    add_start(start)
                    add_end(end)
                    continue
            if _blank(row):
                continue
            for message in _row_problems(start + 1, row, width, columns):
                count += 1
                if len(shown) < MAX_PROBLEMS_SHOWN:
                    shown.append(message)
    except csv.Error as exc:
        raise _unreadable(exc, end + 1) from None
    if count:
        raise RowProblems(shown, count)
    if not amounts:
        raise FileProblem(_("The file has a header but no obligations."))
    try:
        obligations = engine.Obligations(
            participants=list(participants),
            debtor=_ints(debtor),
            creditor=_ints(creditor),
            amount=_ints(amounts),
            currencies=list(currencies) if i_currency is not None else [""],
            currency=_ints(currency) if i_currency is not None else None,
            ids=ids if i_id is not None else None,
        )
    except engine.ClearingInputError:
        # The rows were each checked: what is left is their sum.
        raise FileProblem(
            _("The amounts add up to more than %(limit)s minor units; clear them in smaller files.")
            % {"limit": format_number(engine.MAX_TOTAL)}
        ) from None
    return obligations, (_ints(starts), _ints(ends))


def _ints(values: array) -> engine.IntArray:
    return np.frombuffer(values, dtype=np.int64) if len(values) else np.zeros(0, dtype=np.int64)


def _row_problems(line: int, row: list[str], width: int, columns: dict[str, int]) -> list[str]:
    if len(row) != width:
        return [
            _("line %(line)s: %(count)s fields, where the header has %(expected)s")
            % {"line": line, "count": len(row), "expected": width}
        ]
    debtor, creditor, amount = (row[columns[name]].strip() for name in REQUIRED)
    found = []
    cells = [("debtor", debtor), ("creditor", creditor), ("amount", amount)]
    if "currency" in columns:
        cells.append(("currency", row[columns["currency"]].strip()))
    for column, value in cells:
        if not value:
            found.append(_("line %(line)s: %(column)s is empty") % {"line": line, "column": column})
    if debtor and debtor == creditor:
        found.append(_("line %(line)s: %(name)s is both debtor and creditor") % {"line": line, "name": debtor})
    if amount and not (amount.isdigit() and amount.isascii()):
        found.append(
            _("line %(line)s: amount “%(value)s” is not a whole number of minor units, 0 or more")
            % {"line": line, "value": amount[:40]}
        )
    elif len(amount) > MAX_AMOUNT_DIGITS:
        found.append(_("line %(line)s: amount %(value)s is too large") % {"line": line, "value": amount[:40]})
    return found


def write(source: ObligationFile, clearing: engine.Clearing, out: Path) -> None:
    """`source`'s rows with `cleared` and `remaining`, to `out` through a temporary file renamed over it. Each row
    is written as its text stood in the file (its quoting and line ending too), the two cells added at its end."""
    lines = _lines(source.text).readlines()
    first, last = source.header_lines
    header, ending = _row_text(lines, first, last, "\r\n")
    directory = out.parent if str(out.parent) else Path()
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115  (closed below, before the rename)
        mode="w",
        encoding="utf-8-sig" if source.bom else "utf-8",
        newline="",
        dir=directory,
        prefix=f".{out.name}.",
        suffix=".tmp",
        delete=False,
    )
    try:
        with handle:
            handle.write(f"{header},{','.join(ADDED)}{ending}")
            rows = zip(
                source.row_lines[0].tolist(),
                source.row_lines[1].tolist(),
                clearing.setoff.tolist(),
                clearing.remaining.tolist(),
                strict=True,
            )
            batch = []
            for start, end, cleared, remaining in rows:
                if end == start + 1:  # one line: the common case, without a join
                    line = lines[start]
                    text = line.rstrip("\r\n")
                    batch.append(f"{text},{cleared},{remaining}{line[len(text) :] or ending}")
                else:
                    text, row_ending = _row_text(lines, start, end, ending)
                    batch.append(f"{text},{cleared},{remaining}{row_ending}")
                if len(batch) == 10_000:
                    handle.write("".join(batch))
                    batch.clear()
            handle.write("".join(batch))
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(handle.name, 0o666 & ~umask)  # as any file the user writes, not the temporary file's 0600
        os.replace(handle.name, out)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)
        raise


def _row_text(lines: list[str], start: int, end: int, ending: str) -> tuple[str, str]:
    """A row's text without its line ending, and the ending (`ending` if the file ends without one). A row on
    several lines has them inside a quoted cell: only its last line's ending is its own."""
    whole = "".join(lines[start:end])
    text = whole.rstrip("\r\n")
    return text, whole[len(text) :] or ending
