"""Text extraction of the library's studies: how many pages a second pypdf reads through
`knowledge/study_text.extract` (what the background task runs on an uploaded PDF), on a PDF of realistic running
text made here with ReportLab; beside it, in the same run, the floor of opening the same PDF and counting its
pages (pypdf parses the file and its page tree, no text), and pypdf's bare `extract_text` loop without our
normalisation.
Usage: python bench/knowledge_extraction.py [--pages 200] [--repeat 3]
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import time
from pathlib import Path

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

from cicopa.knowledge import study_text

SEED = Path(__file__).resolve().parent.parent / "src" / "cicopa" / "knowledge" / "data" / "what-is-cicopa-1998.txt"


def make_pdf(pages: int) -> bytes:
    """About `pages` A4 pages of paragraphs made of the words of CICOPA's 1998 text, shuffled (the same every
    run), with a heading every few pages, as a report reads."""
    words = SEED.read_text(encoding="utf-8").split()
    rng = random.Random(1998)
    styles = getSampleStyleSheet()
    story = []
    for page in range(pages):
        story.append(Paragraph(f"Chapter {page + 1}: producers' co-operatives of the world", styles["Heading2"]))
        for _ in range(5):  # five paragraphs of ~110 words fill an A4 page in 10 pt
            story.append(Paragraph(" ".join(rng.choice(words) for _ in range(110)), styles["BodyText"]))
        story.append(PageBreak())
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, invariant=1).build(story)
    return buffer.getvalue()


def best(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    start = time.perf_counter()
    data = make_pdf(args.pages)
    made = time.perf_counter() - start
    pages = len(PdfReader(io.BytesIO(data)).pages)

    def open_and_count() -> int:
        return len(PdfReader(io.BytesIO(data)).pages)

    def bare_pypdf() -> int:
        reader = PdfReader(io.BytesIO(data))
        return sum(len(p.extract_text() or "") for p in reader.pages)

    def ours() -> study_text.Extracted:
        # every page read: the platform stops at study_text.MAX_TEXT characters (about 500 pages of this text)
        return study_text.extract(data, max_text=10**9)

    count_s, _ = best(open_and_count, args.repeat)
    bare_s, _ = best(bare_pypdf, args.repeat)
    ours_s, result = best(ours, args.repeat)
    assert isinstance(result, study_text.Extracted) and not result.error and result.pages == pages
    raw_pages = [p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages]
    normalise_s, _ = best(lambda: [study_text.normalise(t) for t in raw_pages], args.repeat)
    small = make_pdf(2)
    small_ms = statistics.median(
        [best(lambda: study_text.extract(small), 1)[0] * 1000 for _ in range(max(5, args.repeat))]
    )

    print(
        f"PDF: {pages} pages, {len(data) / 1e6:.2f} MB, {len(result.text):,} characters of text (made in {made:.1f} s)"
    )
    print(f"study_text.extract (pypdf + normalise): {ours_s:6.2f} s  {pages / ours_s:8,.0f} pages/s")
    print(f"bare pypdf extract_text loop:          {bare_s:6.2f} s  {pages / bare_s:8,.0f} pages/s")
    print(f"of which normalising the text:         {normalise_s:6.3f} s")
    print(f"floor: open and count pages only:      {count_s:6.3f} s  {pages / count_s:8,.0f} pages/s")
    print(f"extract / bare pypdf time:             {ours_s / bare_s:6.2f}x")
    print(f"extract / open-and-count time:         {ours_s / count_s:6.1f}x")
    print(f"a 2-page study, median:                {small_ms:6.1f} ms")


if __name__ == "__main__":
    main()
