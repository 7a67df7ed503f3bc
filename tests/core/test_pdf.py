"""Business documents as PDF: real files that a PDF reader opens, in any Latin, Greek or Cyrillic text, with
their header on every page, the same bytes every time, in the reader's language."""

from __future__ import annotations

import io
import re

import pytest
from django.utils import translation
from django.utils.translation import gettext as _
from pypdf import PdfReader

from cicopa.core import pdf
from cicopa.core.money import format_money
from cicopa.core.pdf import Document, Party, Table

POLISH = "Łódź Spółdzielnia Pracy „Meble”"
CZECH = "Kooperativa Ženy"
GREEK = "Συνεταιρισμός Υφαντριών Σουφλίου"
RUSSIAN = "Кооператив «Швея»"


def invoice(rows: int = 3, **changes) -> Document:
    lines = [
        [
            f"Item {i:03d}: chairs for {CZECH}" if i % 2 else f"Item {i:03d}: linen from {GREEK}",
            "2",
            "€85.00",
            "€170.00",
        ]
        for i in range(1, rows + 1)
    ]
    fields = {
        "title": "Invoice",
        "subtitle": "Inter-co-operative exchange",
        "meta": [("Number", "EX-2025-000142"), ("Issued", "12 March 2025"), ("Status", "Issued")],
        "parties": [
            Party("Issued by", [POLISH, "ul. Piotrkowska 104", "90-926 Łódź"]),
            Party("Billed to", [RUSSIAN, "Красный проспект 28\n630099 Новосибирск"]),
        ],
        "table": Table(
            columns=["Description", "Quantity", "Unit price", "Amount"],
            rows=lines,
            align=["left", "right", "right", "right"],
            totals=[("Subtotal", "€1,234.50"), ("VAT 21%", "€259.25"), ("Total due", "€1,493.75")],
        ),
        "notes": ["Payment within 30 days, by bank transfer."],
        "notes_label": "Payment",
        "footer": "Łódź Spółdzielnia Pracy · KRS 0000123456",
        "language": "en",
    }
    return Document(**(fields | changes))


def pages_text(content: bytes) -> list[str]:
    """The text of each page, its spaces (no-break ones included) as single spaces."""
    reader = PdfReader(io.BytesIO(content))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


def test_a_document_is_a_pdf_that_shows_every_name_amount_and_label():
    content = pdf.render(invoice())
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    (text,) = pages_text(content)
    for expected in (
        "Invoice",
        "Inter-co-operative exchange",
        POLISH,
        CZECH,
        GREEK,
        RUSSIAN,
        "Красный проспект 28 630099 Новосибирск",
        "EX-2025-000142",
        "Issued by",
        "Billed to",
        "Quantity",
        "Unit price",
        "€170.00",
        "Total due",
        "€1,493.75",
        "Payment within 30 days",
        "KRS 0000123456",
        "Page 1 of 1",
    ):
        assert expected in text, expected
    fonts = {str(font["/BaseFont"]) for font in _fonts(reader)}
    assert {name.split("+")[-1] for name in fonts} == {"NotoSans-Regular", "NotoSans-Bold"}  # no Helvetica


def _fonts(reader: PdfReader) -> list:
    fonts = []
    for page in reader.pages:
        resources = page["/Resources"]
        fonts += [ref.get_object() for ref in resources["/Font"].values()]
    return fonts


def test_the_pdf_says_what_it_is():
    reader = PdfReader(io.BytesIO(pdf.render(invoice(language="fr"))))
    assert reader.metadata is not None
    assert reader.metadata.title == "Invoice"
    assert reader.metadata.author == "CICOPA"
    assert reader.metadata.subject == "Inter-co-operative exchange"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "fr"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]  # viewers show the title, not the file name


def test_a_long_table_runs_over_pages_with_its_header_on_each():
    content = pdf.render(invoice(rows=120))
    texts = pages_text(content)
    assert len(texts) >= 3
    for number, text in enumerate(texts, start=1):
        assert "Description Quantity Unit price Amount" in text, number
        assert f"Page {number} of {len(texts)}" in text
        if number > 1:
            assert "Invoice · Inter-co-operative exchange" in text  # the running title
    everything = " ".join(texts)
    for i in range(1, 121):
        assert everything.count(f"Item {i:03d}:") == 1, i
    assert "Total due €1,493.75" in texts[-1]


def test_the_same_document_gives_the_same_bytes():
    first = pdf.render(invoice(rows=40))
    assert pdf.render(invoice(rows=40)) == first
    assert pdf.render(invoice(rows=40, footer="Another footer")) != first


def test_core_words_and_the_apps_labels_in_french():
    with translation.override("fr"):
        document = Document(
            title="Facture",
            meta=[(_("Status"), "émise")],
            parties=[Party(_("Name"), [POLISH])],
            table=Table([_("Name"), _("Note")], [["Chaises", format_money(123450, "EUR")]], align=["left", "right"]),
        )
        content = pdf.render(document)
    (text,) = pages_text(content)
    assert "Statut émise" in text
    assert "Nom Note" in text
    assert "1 234,50 €" in text
    assert "Page 1 sur 1" in text
    assert PdfReader(io.BytesIO(content)).trailer["/Root"]["/Lang"] == "fr"


def test_the_documents_language_wins_over_the_active_one():
    (text,) = pages_text(pdf.render(Document(title="Factura", language="es")))
    assert "Página 1 de 1" in text
    with translation.override("fr"):
        (text,) = pages_text(pdf.render(Document(title="Invoice", language="en")))
    assert "Page 1 of 1" in text


def test_a_sign_that_noto_sans_lacks_comes_from_the_fallback_font():
    baht = format_money(123450, "THB", "es")
    assert "\u0e3f" in baht
    (text,) = pages_text(pdf.render(Document(title="Factura", meta=[("Total", baht)], language="es")))
    assert "1.234,50 \u0e3f" in text


def test_text_is_shown_as_written_never_read_as_markup():
    document = Document(
        title="<b>Bold?</b> & Co",
        parties=[Party("<font size=40>", ['Les "Amis" & <Cie>'])],
        notes=["a\x00b", "<para>not a paragraph</para>"],
    )
    (text,) = pages_text(pdf.render(document))
    for expected in (
        "<b>Bold?</b> & Co",
        "<font size=40>",
        'Les "Amis" & <Cie>',
        "a b",
        "<para>not a paragraph</para>",
    ):
        assert expected in text


def test_a_cell_longer_than_a_page_is_split_rather_than_failing():
    long = " ".join(["A very long description of the work done."] * 400)
    content = pdf.render(Document(title="Statement", table=Table(["Description", "Amount"], [[long, "€1.00"]])))
    assert len(PdfReader(io.BytesIO(content)).pages) >= 2


def test_a_title_alone_is_a_document():
    (text,) = pages_text(pdf.render(Document(title="Certificate of training", language="en")))
    assert "Certificate of training" in text and "Page 1 of 1" in text


def test_tables_are_checked():
    with pytest.raises(ValueError, match="2 cells"):
        Table(["a", "b"], [["1", "2"], ["3"]])
    with pytest.raises(ValueError, match="alignment"):
        Table(["a"], [["1"]], align=["middle"])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="one alignment for each"):
        Table(["a", "b"], [], align=["left"])
    with pytest.raises(ValueError, match="positive width"):
        Table(["a", "b"], [], widths=[1, 0])
    with pytest.raises(ValueError, match="at least one column"):
        Table([], [])


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("invoice-2025-0001.pdf", "invoice-2025-0001.pdf"),
        ("Facture Łódź n°12", "Facture-Lodz-n-12.pdf"),
        ("Straße ÆRØ", "Strasse-AERO.pdf"),
        ("Кооператив", "document.pdf"),
        ('../../etc/passwd"\r\n.pdf', "etc-passwd.pdf"),
        ("", "document.pdf"),
        ("a" * 300, "a" * 100 + ".pdf"),
    ],
)
def test_file_names_are_safe(name, safe):
    assert pdf.safe_filename(name) == safe


def test_a_pdf_answer(client):
    content = pdf.render(invoice())
    response = pdf.pdf_response(content, "Facture Łódź 12.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "inline; filename=\"Facture-Lodz-12.pdf\"; filename*=UTF-8''Facture%20%C5%81%C3%B3d%C5%BA%2012.pdf"
    )
    assert response["Content-Length"] == str(len(content))
    assert response.content == content
    assert "object-src 'self'" in response["Content-Security-Policy"]  # Chromium's viewer needs its <embed>
    download = pdf.pdf_response(content, "invoice-12", attachment=True)
    assert download["Content-Disposition"] == 'attachment; filename="invoice-12.pdf"'
