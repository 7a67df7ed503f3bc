"""The one reader of imported files: what a file may cost is bounded before and while it is read, and a file
that cannot be read is one clear ImportFileError, never a traceback. Every file is made here."""

from __future__ import annotations

import contextlib
import io
import time
import zipfile

import pytest

from cicopa.core.tabular import ImportFileError, read_table
from craft import SHEET, WORKBOOK, declare_size, declared_dimension, rewrite, with_doctype, xlsx


def table(data: bytes, name: str) -> tuple[list[str], list[list[str]]]:
    table = read_table(io.BytesIO(data), name)
    return table.header, [cells for _number, cells in table.rows]


def refused(data: bytes, name: str) -> str:
    with pytest.raises(ImportFileError) as exc:
        table(data, name)
    return exc.value.message


def test_a_declared_dimension_is_not_trusted():
    """A sheet that declares A1:XFD1048576 has its rows padded to 16,384 cells by openpyxl's reader, a
    million times over: its dimension is dropped and the cells it really has are read."""
    data = declared_dimension(xlsx([["identifier", "name"], ["A1", "Uno"], ["A2", 2.0]]), "A1:XFD1048576")
    assert b'<dimension ref="A1:XFD1048576"' in zipfile.ZipFile(io.BytesIO(data)).read(SHEET) and len(data) < 6000
    start = time.monotonic()
    assert table(data, "big.xlsx") == (["identifier", "name"], [["A1", "Uno"], ["A2", "2"]])
    assert time.monotonic() - start < 5


def test_rows_columns_and_cells_are_bounded():
    wide = ",".join(f"c{i}" for i in range(3000)) + "\n"
    assert refused(wide.encode(), "wide.csv") == "Row 1 has more than 200 columns, the most a file may have."
    message = refused(xlsx([["a", "b"], ["x"] * 201]), "wide.xlsx")
    assert message == "Row 2 has more than 200 columns, the most a file may have."
    # A cell far off to the right of a row is found without the row being padded out to it.
    far = rewrite(xlsx([["a", "b"], ["x", "y"]]), SHEET, lambda xml: xml.replace(b'r="B2"', b'r="XFD2"'))
    assert refused(far, "far.xlsx") == "Row 2 has more than 200 columns, the most a file may have."
    assert "more than 500,000 rows" in refused(b"a\n" * 500_001, "long.csv")
    # A workbook with a cell on its millionth row: the rows between are not all made up.
    wb = xlsx([["a"], ["x"]])
    late = rewrite(wb, SHEET, lambda xml: xml.replace(b'r="2"', b'r="1000000"').replace(b'r="A2"', b'r="A1000000"'))
    assert "more than 500,000 rows" in refused(late, "late.xlsx")
    header = ",".join(f"c{i}" for i in range(200)) + "\n"
    row = ",".join(["1"] * 200) + "\n"
    assert "more than 10,000,000 cells" in refused((header + row * 50_000).encode(), "many.csv")


def test_a_workbook_that_unpacks_to_too_much_is_refused_before_it_is_read():
    good = xlsx([["identifier", "name"], ["A1", "Uno"]])
    # 40 MB of blanks in the sheet pack into a few kilobytes: a zip bomb's shape.
    bomb = rewrite(good, SHEET, lambda xml: xml.replace(b"</worksheet>", b" " * 40_000_000 + b"</worksheet>"))
    assert len(bomb) < 100_000
    message = refused(bomb, "bomb.xlsx")
    assert message == (
        "A part of the workbook (xl/worksheets/sheet1.xml) unpacks to more than 100 times its packed size, the most "
        "accepted: it is refused as a possible zip bomb."
    )
    # What its directory declares is what zipfile would unpack at most: checked before reading anything.
    huge = declare_size(good, SHEET, 1_500_000_000)
    assert refused(huge, "huge.xlsx") == (
        "The workbook unpacks to more than 256 MB, the most accepted. Save it as CSV UTF-8, or split it."
    )


@pytest.mark.parametrize("part", [SHEET, WORKBOOK])
def test_xml_entities_in_a_workbook_are_refused(part):
    """openpyxl parses with defusedxml once it is installed: entity declarations (billion laughs, external
    files) are refused, whether in a part read on opening or in the sheet."""
    entities = (
        b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    )
    data = with_doctype(xlsx([["name"], ["Uno"]]), part, entities)
    if part == SHEET:
        data = rewrite(data, SHEET, lambda xml: xml.replace(b"<t>Uno</t>", b"<t>&c;</t>"))
    assert refused(data, "entities.xlsx").startswith("The workbook declares XML entities, which are refused")


def test_broken_workbooks_are_one_clear_message():
    good = xlsx([["identifier", "name"], ["A1", "Uno"]])
    for data in (
        b"PK\x03\x04 not really a zip",
        rewrite(good, SHEET, lambda xml: xml[: len(xml) // 2]),  # the sheet breaks off
        rewrite(good, "xl/workbook.xml", lambda xml: b"<workbook"),
        good.replace(b"PK\x01\x02\x14\x03\x14\x00", b"PK\x01\x02\x14\x03\x6f\x00", 1),  # needs zip 11.1
    ):
        assert refused(data, "broken.xlsx") == "The file is not a readable XLSX workbook."


def test_a_csv_cell_longer_than_the_csv_module_reads_is_refused():
    data = b"identifier,description\nA1,short\nA2," + b"x" * 200_000 + b"\n"
    assert refused(data, "long.csv") == "Line 3 has a cell longer than 131,072 characters, the most a cell may hold."


def test_damaged_workbooks_and_texts_are_read_or_refused_never_a_traceback():
    """Workbooks damaged at random inside their XML or their zip, and text of random bytes, each either
    reads or is one ImportFileError (a fixed seed: the same files every run)."""
    import random

    rng = random.Random(4181)
    good = xlsx([["identifier", "name"], ["A1", "Uno"], ["A2", 2.5]])
    tokens = [b"<", b'"', b'r="ZZZZZZ1"', b't="d"', b't="e"', b"<v>1e999</v>", b"&#xD800;", b'<row r="0">', b"\xff"]

    def damaged_xml(xml: bytes) -> bytes:
        at = rng.randrange(len(xml))
        return xml[:at] + rng.choice(tokens) + xml[at + rng.randint(0, 5) :]

    files = [(rewrite(good, rng.choice([SHEET, WORKBOOK]), damaged_xml), "f.xlsx") for _ in range(150)]
    for _ in range(150):
        at = rng.randrange(len(good))
        files.append((good[:at] + bytes([rng.randrange(256)]) + good[at + 1 :], "f.xlsx"))
    files += [(bytes(rng.randrange(256) for _ in range(rng.randint(0, 80))), "f.csv") for _ in range(150)]
    for data, name in files:
        with contextlib.suppress(ImportFileError):  # anything else fails the test
            table(data, name)
