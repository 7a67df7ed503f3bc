"""PDFs made by the tests with ReportLab: real documents of several pages, one with no text, one encrypted."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

FILLER = (
    "Worker co-operatives in industry and services share their experience of governance, finance and training "
    "across the federation, from one country to another."
)


def pages_pdf(pages: list[list[str]], **canvas_options) -> bytes:
    """A PDF of one page per item of `pages`, each line of text drawn on it."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, **canvas_options)
    for lines in pages:
        y = 800
        for line in lines:
            canvas.drawString(60, y, line)
            y -= 16
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def study_pdf(word_on_page_3: str = "zanzibarite", pages: int = 4) -> bytes:
    """A real multi-page study: the same paragraph on every page, and `word_on_page_3` on page 3 only."""
    content = []
    for n in range(1, pages + 1):
        lines = [f"Page {n} of the study", *([FILLER[:90], FILLER[90:]] * 10)]
        if n == 3:
            lines.append(f"The rare word {word_on_page_3} is on this page only.")
        content.append(lines)
    return pages_pdf(content)


def image_only_pdf() -> bytes:
    """A PDF with pages and no text at all (as a scan without its text layer)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    for _ in range(2):
        canvas.rect(50, 50, 400, 600, fill=1)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    return pages_pdf([["A confidential study of co-operative finance."]], encrypt="a-secret-password")
