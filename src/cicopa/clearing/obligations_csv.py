"""A CSV file of obligations, read for the clearing engine, and the same file written back with what was cleared
(`cicopa clearing solve`).

The file has a header and one obligation per row: `debtor`, `creditor`, `amount` (a whole number of minor units,
0 or more: 123450 for 1,234.50 EUR), optionally `id` and `currency`; header names are matched without regard to
case or surrounding spaces, other columns are carried through as they are. Names of participants and currencies
are taken without surrounding spaces (currency codes in upper case); without a `currency` column every obligation
is in one unnamed currency. Blank lines are left out. UTF-8, with or without a byte-order mark.

The result is every row in the file's order, its cells as read, with `cleared` and `remaining` added
(cleared + remaining = amount), in the encoding of the input; it is written to a temporary file beside the target
and renamed over it, so that a reader never sees half a result.
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

import numpy as np
from django.utils.translation import gettext as _

from cicopa.clearing import engine

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
    with _cell_limit():
        rows = _rows(text)
        first = next(rows, None)
        if first is None:
            raise FileProblem(_("The file is empty."))
        header_line, header = first
        columns = _columns(header, header_line)
        obligations = _obligations(rows, columns, len(header))
    return ObligationFile(text=text, bom=bom, header=header, obligations=obligations)


@contextlib.contextmanager
def _cell_limit() -> Iterator[None]:
    before = csv.field_size_limit(MAX_CELL)
    try:
        yield
    finally:
        csv.field_size_limit(before)


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line where the row starts, cells) of every row but blank ones."""
    # Strict: a quote closed in the middle of a cell, or never, is an error rather than a guess.
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, strict=True)
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise FileProblem(
                    _("Line %(line)s has a cell longer than %(n)s characters, the most a cell may hold.")
                    % {"line": line, "n": f"{MAX_CELL:,}"}
                ) from None
            raise FileProblem(_("Line %(line)s of the file cannot be read as CSV.") % {"line": line}) from None
        if any(row) and any(cell.strip() for cell in row):
            yield line, row
        line = reader.line_num + 1


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


def _obligations(rows: Iterator[tuple[int, list[str]]], columns: dict[str, int], width: int) -> engine.Obligations:
    i_debtor, i_creditor, i_amount = (columns[name] for name in REQUIRED)
    i_id, i_currency = columns.get("id"), columns.get("currency")
    participants: dict[str, int] = {}
    currencies: dict[str, int] = {}
    debtor, creditor, currency = array("q"), array("q"), array("q")
    amounts: list[int] = []
    ids: list[str] = []
    shown: list[str] = []
    count = 0

    def problem(message: str) -> None:
        nonlocal count
        count += 1
        if len(shown) < MAX_PROBLEMS_SHOWN:
            shown.append(message)

    for line, row in rows:
        if len(row) != width:
            problem(
                _("line %(line)s: %(count)s fields, where the header has %(expected)s")
                % {"line": line, "count": len(row), "expected": width}
            )
            continue
        d, c, a = row[i_debtor].strip(), row[i_creditor].strip(), row[i_amount].strip()
        code = row[i_currency].strip().upper() if i_currency is not None else ""
        if not (d and c and d != c and a.isdigit() and a.isascii() and len(a) <= MAX_AMOUNT_DIGITS) or (
            i_currency is not None and not code
        ):
            for message in _row_problems(line, d, c, a, code, i_currency is not None):
                problem(message)
            continue
        if count:
            continue  # the file will be refused: only its problems are looked for now
        n = participants.get(d)
        if n is None:
            n = participants[d] = len(participants)
        debtor.append(n)
        n = participants.get(c)
        if n is None:
            n = participants[c] = len(participants)
        creditor.append(n)
        amounts.append(int(a))
        if i_currency is not None:
            n = currencies.get(code)
            if n is None:
                n = currencies[code] = len(currencies)
            currency.append(n)
        if i_id is not None:
            ids.append(row[i_id])
    if count:
        raise RowProblems(shown, count)
    if not amounts:
        raise FileProblem(_("The file has a header but no obligations."))
    try:
        return engine.Obligations(
            participants=list(participants),
            debtor=_ints(debtor),
            creditor=_ints(creditor),
            amount=_ints(array("q", amounts)),
            currencies=list(currencies) if i_currency is not None else [""],
            currency=_ints(currency) if i_currency is not None else None,
            ids=ids if i_id is not None else None,
        )
    except engine.ClearingInputError:
        # The rows were each checked: what is left is their sum.
        raise FileProblem(
            _("The amounts add up to more than %(limit)s minor units; clear them in smaller files.")
            % {"limit": f"{engine.MAX_TOTAL:,}"}
        ) from None


def _ints(values: array) -> engine.IntArray:
    return np.frombuffer(values, dtype=np.int64) if len(values) else np.zeros(0, dtype=np.int64)


def _row_problems(line: int, debtor: str, creditor: str, amount: str, code: str, has_currency: bool) -> list[str]:
    found = []
    for column, value in (("debtor", debtor), ("creditor", creditor), ("amount", amount)):
        if not value:
            found.append(_("line %(line)s: %(column)s is empty") % {"line": line, "column": column})
    if has_currency and not code:
        found.append(_("line %(line)s: %(column)s is empty") % {"line": line, "column": "currency"})
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
    """`source`'s rows with `cleared` and `remaining`, to `out` through a temporary file renamed over it."""
    cleared = clearing.setoff.tolist()
    remaining = clearing.remaining.tolist()
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
        with handle, _cell_limit():
            writer = csv.writer(handle)
            rows = _rows(source.text)
            _, header = next(rows)
            writer.writerow([*header, *ADDED])
            for (_line, row), c, r in zip(rows, cleared, remaining, strict=True):
                writer.writerow([*row, c, r])
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
