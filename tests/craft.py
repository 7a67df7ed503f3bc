"""Files made by the tests themselves: workbooks as openpyxl writes them, then altered inside their zip the
way a hostile or broken file would be."""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
WORKBOOK = "xl/workbook.xml"


def xlsx(rows: Iterable[Sequence[Any]]) -> bytes:
    """A one-sheet workbook holding `rows`."""
    wb = Workbook()
    for row in rows:
        wb.active.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def rewrite(data: bytes, part: str, change: Callable[[bytes], bytes]) -> bytes:
    """The zip `data` with one part's bytes changed (the others copied as they were)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            dst.writestr(info.filename, change(content) if info.filename == part else content)
    return out.getvalue()


def declared_dimension(data: bytes, ref: str) -> bytes:
    """The workbook with its first sheet declaring the dimension `ref` (whatever cells it really has)."""
    return rewrite(data, SHEET, lambda xml: re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), xml))


def with_doctype(data: bytes, part: str, doctype: bytes) -> bytes:
    """The workbook with a document type declaration (and what it declares) heading one of its XML parts."""

    def change(xml: bytes) -> bytes:
        declaration, rest = xml.split(b"?>", 1) if xml.startswith(b"<?xml") else (b'<?xml version="1.0"', xml)
        return declaration + b"?>" + doctype + rest

    return rewrite(data, part, change)


def declare_size(data: bytes, part: str, size: int) -> bytes:
    """The zip with its directory declaring `size` unpacked bytes for `part` (a forged entry)."""
    name = part.encode()
    at = 0
    while True:
        at = data.index(b"PK\x01\x02", at)
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + length] == name:
            return data[: at + 24] + struct.pack("<I", size) + data[at + 28 :]
        at += 46
