"""Business documents as PDF: an invoice, a certificate of training, a clearing statement.

An app fills a `Document` with text it has already put in the reader's language (labels through gettext,
amounts through `core.money`), and core lays it out on A4 with ReportLab:

    title  subtitle                                   number · date · status (`meta`)
    ─────────────────────────────────────────────────────────────────────────────
    Issued by (a `Party`)          Billed to (another)
    ┌ a table whose header row is repeated on every page ┐
    └ its rows                                           ┘
                                          totals, the last one in bold
    notes
    ─────────────────────────────────────────────────────────────────────────────
    footer                                                              Page 1 of 2

The pages after the first carry the title at their top. The same document gives the same bytes (ReportLab's
invariant mode: no creation date, no random identifier), so tests and archives can compare them.

Text is set in Noto Sans (regular and bold, from the pymupdf-fonts package: every Latin, Greek and Cyrillic
letter, and the currency signs CLDR uses); a character it lacks is taken from FiraGO, of the same package,
when that has it (the Thai baht sign). Right-to-left scripts are not laid out.
"""

from __future__ import annotations

import functools
import io
import itertools
import re
import unicodedata
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, HRFlowable, PageTemplate, Paragraph, Spacer, TableStyle
from reportlab.platypus import Table as RLTable

from cicopa.core import formats
from cicopa.core.text import fold

Align = Literal["left", "right", "center"]


@dataclass(frozen=True)
class Party:
    """Someone the document is from or for: `label` ("Issued by", "Billed to", "Awarded to"), then `lines`,
    the name first (set in bold), then the address or whatever else identifies them."""

    label: str
    lines: Sequence[str]


@dataclass(frozen=True)
class Table:
    """The document's table: `columns` (header labels), `rows` of cell text (amounts already formatted),
    `align` of each column ("left" by default; amounts "right"), relative `widths` (by default from the
    length of the text), and `totals`: (label, amount) lines under the table, right-aligned, the last in bold."""

    columns: Sequence[str]
    rows: Sequence[Sequence[str]]
    align: Sequence[Align] = ()
    widths: Sequence[float] = ()
    totals: Sequence[tuple[str, str]] = ()

    def __post_init__(self) -> None:
        n = len(self.columns)
        if n == 0:
            raise ValueError("a table has at least one column")
        if any(len(row) != n for row in self.rows):
            raise ValueError(f"every row of the table has {n} cells, one for each column")
        if self.align and len(self.align) != n:
            raise ValueError(f"align gives one alignment for each of the {n} columns")
        if any(a not in ("left", "right", "center") for a in self.align):
            raise ValueError("an alignment is 'left', 'right' or 'center'")
        if self.widths and (len(self.widths) != n or any(w <= 0 for w in self.widths)):
            raise ValueError(f"widths gives a positive width for each of the {n} columns")


@dataclass(frozen=True)
class Document:
    """A business document as an app gives it to `render`. Every text is shown as it is (plain text, not
    markup; a line break starts a new line). `language` is the document's (its PDF language, and the language
    of core's own words such as "Page 1 of 2"); by default the active language."""

    title: str
    subtitle: str = ""
    parties: Sequence[Party] = ()
    meta: Sequence[tuple[str, str]] = ()
    table: Table | None = None
    notes: Sequence[str] = ()
    notes_label: str = ""
    footer: str = ""
    language: str = ""
    author: str = "CICOPA"
    keywords: Sequence[str] = ()


# --------------------------------------------------------------------------------------------------
# Fonts
# --------------------------------------------------------------------------------------------------

REGULAR = "CicopaSans"
BOLD = "CicopaSans-Bold"
FALLBACK = "CicopaFallback"
FALLBACK_BOLD = "CicopaFallback-Bold"


@dataclass(frozen=True)
class _Face:
    regular: str
    bold: str
    chars: frozenset[int]


def _register(regular: str, bold: str, regular_code: str, bold_code: str) -> _Face:
    import pymupdf_fonts  # the fonts ship as Python data: nothing is read from the system or fetched

    fonts = [
        TTFont(name, io.BytesIO(pymupdf_fonts.myfont(code)))
        for name, code in ((regular, regular_code), (bold, bold_code))
    ]
    for font in fonts:
        pdfmetrics.registerFont(font)
    pdfmetrics.registerFontFamily(regular, normal=regular, bold=bold, italic=regular, boldItalic=bold)
    return _Face(regular, bold, frozenset(fonts[0].face.charToGlyph))


@functools.cache
def _primary() -> _Face:
    return _register(REGULAR, BOLD, "notos", "notosbo")


@functools.cache
def _fallback() -> _Face:
    return _register(FALLBACK, FALLBACK_BOLD, "figo", "figbo")


# --------------------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _markup(text: str, bold: bool = False) -> str:
    """Plain text as ReportLab's paragraph markup: escaped, line breaks kept, narrow no-break spaces (CLDR's
    French group separator, where ReportLab would break a line) as no-break spaces, and the characters that
    Noto Sans lacks set in the fallback font."""
    text = _CONTROL.sub(" ", unicodedata.normalize("NFC", str(text)).replace("\r\n", "\n"))
    text = text.replace("\u202f", "\u00a0")
    primary = _primary().chars
    out = []
    for missing, run in itertools.groupby(text, key=lambda ch: ch != "\n" and ord(ch) not in primary):
        chunk = escape("".join(run)).replace("\n", "<br/>")
        if missing and any(ord(ch) in _fallback().chars for ch in chunk):
            face = _fallback().bold if bold else _fallback().regular
            chunk = f'<font face="{face}">{chunk}</font>'
        out.append(chunk)
    return "".join(out)


# --------------------------------------------------------------------------------------------------
# Layout
# --------------------------------------------------------------------------------------------------

TEXT = colors.HexColor("#1c2421")
MUTED = colors.HexColor("#525e59")
BORDER = colors.HexColor("#d5ddd9")
PRIMARY = colors.HexColor("#0b6b50")
TINT = colors.HexColor("#e7f2ee")

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 24 * mm
WIDTH = PAGE_WIDTH - 2 * MARGIN_X

_ALIGN = {"left": TA_LEFT, "right": TA_RIGHT, "center": TA_CENTER}


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=REGULAR, fontSize=9, leading=12.5, textColor=TEXT)

    def style(name: str, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)

    return {
        "body": base,
        "title": style("title", fontName=BOLD, fontSize=20, leading=24, textColor=PRIMARY),
        "subtitle": style("subtitle", fontSize=10.5, leading=14, textColor=MUTED, spaceBefore=2),
        "label": style("label", fontName=BOLD, fontSize=7.5, leading=10, textColor=MUTED),
        "meta_label": style("meta_label", fontSize=8.5, leading=12, textColor=MUTED, alignment=TA_RIGHT),
        "meta_value": style("meta_value", fontName=BOLD, fontSize=8.5, leading=12),
        "name": style("name", fontName=BOLD, fontSize=10, leading=13.5),
        "head": style("head", fontName=BOLD, fontSize=8, leading=10.5, textColor=PRIMARY),
        "cell": style("cell", fontSize=8.5, leading=11.5),
        "total_label": style("total_label", fontSize=8.5, leading=11.5, textColor=MUTED, alignment=TA_RIGHT),
        "total_value": style("total_value", fontSize=8.5, leading=11.5, alignment=TA_RIGHT),
        "grand_label": style("grand_label", fontName=BOLD, fontSize=10, leading=13, alignment=TA_RIGHT),
        "grand_value": style("grand_value", fontName=BOLD, fontSize=10, leading=13, alignment=TA_RIGHT),
        "note": style("note", fontSize=8.5, leading=12, textColor=TEXT, spaceAfter=3),
        "footer": style("footer", fontSize=7.5, leading=9.5, textColor=MUTED),
        "page": style("page", fontSize=7.5, leading=9.5, textColor=MUTED, alignment=TA_RIGHT),
        "running": style("running", fontSize=7.5, leading=9.5, textColor=MUTED),
    }


def _style(commands: Sequence[tuple[Any, ...]]) -> TableStyle:
    """A table's style, in the document's font (ReportLab sets a font for each cell: Helvetica unless told)."""
    return TableStyle([("FONT", (0, 0), (-1, -1), REGULAR), *commands])


def _para(text: str, style: str, align: Align | None = None) -> Paragraph:
    st = _styles()[style]
    if align is not None and _ALIGN[align] != st.alignment:
        st = ParagraphStyle(f"{style}-{align}", parent=st, alignment=_ALIGN[align])
    return Paragraph(_markup(text, bold=st.fontName == BOLD), st)


def _plain_table(rows: list[list[Any]], widths: Sequence[float], **kw: Any) -> RLTable:
    table = RLTable(rows, colWidths=list(widths), **kw)
    table.setStyle(
        _style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _heading(doc: Document) -> list[Flowable]:
    left: list[Flowable] = [_para(doc.title, "title")]
    if doc.subtitle:
        left.append(_para(doc.subtitle, "subtitle"))
    if not doc.meta:
        return [*left, Spacer(1, 5 * mm)]
    styles = _styles()
    label_width = min(max(_text_width(label, styles["meta_label"]) for label, _v in doc.meta) + 3 * mm, 45 * mm)
    value_width = min(max(_text_width(value, styles["meta_value"]) for _l, value in doc.meta) + 1, 60 * mm)
    meta = RLTable(
        [[_para(label, "meta_label"), _para(value, "meta_value")] for label, value in doc.meta],
        colWidths=[label_width, value_width],
        hAlign="RIGHT",
    )
    meta.setStyle(
        _style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, -1), 3 * mm),
                ("RIGHTPADDING", (1, 0), (1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0.8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.8),
            ]
        )
    )
    side = label_width + value_width
    heading = _plain_table([[left, meta]], [WIDTH - side, side])
    return [heading, Spacer(1, 5 * mm)]


def _text_width(text: str, style: ParagraphStyle) -> float:
    """The width of the longest line of `text` in `style`, as Noto Sans sets it."""
    return max(
        pdfmetrics.stringWidth(line.replace("\u202f", "\u00a0"), style.fontName, style.fontSize)
        for line in str(text).split("\n")
    )


def _parties(parties: Sequence[Party]) -> list[Flowable]:
    if not parties:
        return []
    per_row = 3 if len(parties) % 3 == 0 else 2
    gap = 6 * mm
    column = (WIDTH - gap * (per_row - 1)) / per_row
    rows: list[list[Any]] = []
    for start in range(0, len(parties), per_row):
        cells: list[Any] = []
        for party in parties[start : start + per_row]:
            block: list[Flowable] = [_para(party.label, "label"), Spacer(1, 1.5)]
            for i, line in enumerate(party.lines):
                block.append(_para(line, "name" if i == 0 else "body"))
            cells.append(block)
        cells += [""] * (per_row - len(cells))
        rows.append(cells)
    widths = list(itertools.chain.from_iterable((column, gap) for _i in range(per_row)))[:-1]
    table = _plain_table([list(_interleave(row, "")) for row in rows], widths)
    table.setStyle(_style([("BOTTOMPADDING", (0, 0), (-1, -1), 4 * mm)]))
    return [Spacer(1, 4 * mm), table, Spacer(1, 1 * mm)]


def _interleave(cells: list[Any], gap: Any) -> list[Any]:
    out: list[Any] = []
    for i, cell in enumerate(cells):
        if i:
            out.append(gap)
        out.append(cell)
    return out


def _column_widths(table: Table) -> list[float]:
    if table.widths:
        weights = [float(w) for w in table.widths]
    else:  # as wide as their text asks, within bounds: descriptions wide, quantities narrow
        weights = []
        for i, label in enumerate(table.columns):
            longest = max([len(label), *(len(str(row[i])) for row in table.rows)])
            weights.append(min(max(longest, 8), 42))
    total = sum(weights)
    return [WIDTH * w / total for w in weights]


def _table(table: Table) -> list[Flowable]:
    align: Sequence[Align] = table.align or ["left"] * len(table.columns)
    widths = _column_widths(table)
    data: list[list[Any]] = [[_para(label, "head", a) for label, a in zip(table.columns, align, strict=True)]]
    for row in table.rows:
        data.append([_para(str(cell), "cell", a) for cell, a in zip(row, align, strict=True)])
    grid = RLTable(data, colWidths=widths, repeatRows=1, splitByRow=1, splitInRow=1)
    grid.setStyle(
        _style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), TINT),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, PRIMARY),
                ("LINEBELOW", (0, 1), (-1, -1), 0.4, BORDER),
                ("LEFTPADDING", (0, 0), (-1, -1), 2 * mm),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2 * mm),
                ("TOPPADDING", (0, 0), (-1, -1), 1.6 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.6 * mm),
            ]
        )
    )
    out: list[Flowable] = [grid]
    if table.totals:
        out += [Spacer(1, 2 * mm), _totals(table.totals, widths[-1])]
    return out


def _totals(totals: Sequence[tuple[str, str]], value_width: float) -> RLTable:
    value_width = min(max(value_width, 30 * mm), 50 * mm)
    rows = []
    for i, (label, value) in enumerate(totals):
        last = i == len(totals) - 1
        rows.append(
            [
                _para(label, "grand_label" if last else "total_label"),
                _para(value, "grand_value" if last else "total_value"),
            ]
        )
    table = RLTable(rows, colWidths=[70 * mm, value_width], hAlign="RIGHT")
    style: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2 * mm),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2 * mm),
        ("TOPPADDING", (0, 0), (-1, -1), 1 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1 * mm),
    ]
    if len(totals) > 1:
        style += [("LINEABOVE", (0, -1), (-1, -1), 0.8, PRIMARY), ("TOPPADDING", (0, -1), (-1, -1), 2 * mm)]
    table.setStyle(_style(style))
    return table


def _notes(doc: Document) -> list[Flowable]:
    if not doc.notes:
        return []
    out: list[Flowable] = [Spacer(1, 7 * mm)]
    if doc.notes_label:
        out += [_para(doc.notes_label, "label"), Spacer(1, 1.5)]
    out += [_para(note, "note") for note in doc.notes]
    return out


def _story(doc: Document) -> list[Flowable]:
    story = [*_heading(doc), HRFlowable(width="100%", thickness=0.8, color=PRIMARY), *_parties(doc.parties)]
    if doc.table is not None:
        story += [Spacer(1, 2 * mm), *_table(doc.table)]
    return story + _notes(doc)


# --------------------------------------------------------------------------------------------------
# Pages: running title, footer and "Page 1 of 2" (known only once every page is laid out)
# --------------------------------------------------------------------------------------------------


def _decorate(canv: Canvas, doc: Document, page: int, pages: int) -> None:
    styles = _styles()
    canv.saveState()
    if page > 1:
        running = " · ".join(t for t in (doc.title, doc.subtitle) if t)
        para = Paragraph(_markup(running), styles["running"])
        para.wrap(WIDTH, 8 * mm)
        rule = PAGE_HEIGHT - MARGIN_TOP + 5 * mm
        para.drawOn(canv, MARGIN_X, rule + 1.5 * mm)
        canv.setStrokeColor(BORDER)
        canv.setLineWidth(0.4)
        canv.line(MARGIN_X, rule, PAGE_WIDTH - MARGIN_X, rule)
    top = MARGIN_BOTTOM - 7 * mm
    canv.setStrokeColor(BORDER)
    canv.setLineWidth(0.4)
    canv.line(MARGIN_X, top, PAGE_WIDTH - MARGIN_X, top)
    counts = {
        "n": formats.format_number(page, doc.language or None),
        "total": formats.format_number(pages, doc.language or None),
    }
    number = Paragraph(_markup(_("Page %(n)s of %(total)s") % counts), styles["page"])
    _w, h = number.wrap(35 * mm, 10 * mm)
    number.drawOn(canv, PAGE_WIDTH - MARGIN_X - 35 * mm, top - 2 * mm - h)
    if doc.footer:
        footer = Paragraph(_markup(doc.footer), styles["footer"])
        _w, h = footer.wrap(WIDTH - 40 * mm, top - 6 * mm)
        footer.drawOn(canv, MARGIN_X, top - 2 * mm - h)
    canv.restoreState()


def _numbered_canvas(doc: Document) -> Callable[..., Canvas]:
    class NumberedCanvas(Canvas):
        """Keeps each page until the document ends, then draws its decorations knowing the page count."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                _decorate(self, doc, number, len(self._pages))
                super().showPage()
            super().save()

    return NumberedCanvas


# --------------------------------------------------------------------------------------------------
# What apps call
# --------------------------------------------------------------------------------------------------


def render(document: Document) -> bytes:
    """The document as the bytes of an A4 PDF: the same bytes for the same document."""
    language = document.language or translation.get_language() or settings.LANGUAGE_CODE
    _primary()
    buffer = io.BytesIO()
    with translation.override(language):
        frame = Frame(
            MARGIN_X,
            MARGIN_BOTTOM,
            WIDTH,
            PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        template = BaseDocTemplate(
            buffer,
            pagesize=A4,
            pageTemplates=[PageTemplate("page", frames=[frame])],
            title=document.title,
            author=document.author,
            subject=document.subtitle,
            creator="CICOPA",
            keywords=list(document.keywords),
            lang=language,
            displayDocTitle=1,
            invariant=1,
            initialFontName=REGULAR,
        )
        template.build(_story(document), canvasmaker=_numbered_canvas(document))
    return buffer.getvalue()


def safe_filename(name: str, extension: str = "pdf") -> str:
    """A file name any system and browser takes: ASCII letters, digits, '.', '_' and '-' ("Facture Łódź
    n°12" -> "Facture-Lodz-n-12.pdf"), at most 100 characters, never empty, with the extension."""
    stem = name[: -len(extension) - 1] if name.lower().endswith(f".{extension}") else name
    letters = unicodedata.normalize("NFKD", "".join(_ascii_letter(ch) for ch in stem))
    unaccented = "".join(ch for ch in letters if not unicodedata.combining(ch))
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", unaccented).strip(".-_")
    return f"{cleaned[:100].rstrip('.-_') or 'document'}.{extension}"


def _ascii_letter(ch: str) -> str:
    """A letter that Unicode does not decompose into a base letter and an accent, as its readers write it
    without one (ł -> l, Ø -> O, ß -> ss); any other character as it is."""
    if ch.isascii():
        return ch
    folded = fold(ch)
    if not folded.isascii() or folded == unicodedata.normalize("NFKD", ch.lower()):
        return ch
    return folded.upper() if ch.isupper() else folded


def pdf_response(pdf: bytes, filename: str, *, attachment: bool = False) -> HttpResponse:
    """Answer with a PDF, shown in the browser (or downloaded, with `attachment`) under a safe file name; the
    name as given, accents and all, is offered too (RFC 6266) to the browsers that read it."""
    safe = safe_filename(filename)
    given = filename if filename.lower().endswith(".pdf") else f"{filename}.pdf"
    disposition = f'{"attachment" if attachment else "inline"}; filename="{safe}"'
    if given != safe and given.strip():
        disposition += f"; filename*=UTF-8''{urllib.parse.quote(given.strip(), safe='')}"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = disposition
    response["Content-Length"] = str(len(pdf))
    response["Cache-Control"] = "private"
    # Chromium shows a PDF in a page of its own making, with an <embed> and inline styles that the platform's
    # policy (object-src 'none', no inline style) would block; a PDF runs none of the site's scripts.
    response["Content-Security-Policy"] = (
        "default-src 'none'; object-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"
    )
    return response
