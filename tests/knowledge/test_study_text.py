"""Reading the text of a study's PDF (knowledge/study_text.py) and cutting excerpts around the words searched
for (knowledge/excerpts.py): pure functions, on real PDFs made by the tests."""

from __future__ import annotations

import pytest
from study_pdfs import encrypted_pdf, image_only_pdf, pages_pdf, study_pdf

from cicopa.knowledge import study_text
from cicopa.knowledge.excerpts import excerpt


def test_the_text_of_a_real_multi_page_pdf_is_read_with_its_pages():
    data = study_pdf("zanzibarite", pages=4)
    result = study_text.extract(data)
    assert result.error == ""
    assert result.pages == 4
    assert "zanzibarite" in result.text
    assert result.text.count("zanzibarite") == 1
    # the word is on page 3: after the third page's heading, before the fourth's
    assert result.text.index("Page 3 of the study") < result.text.index("zanzibarite")
    assert result.text.index("zanzibarite") < result.text.index("Page 4 of the study")
    assert "Worker co-operatives in industry" in result.text


def test_unicode_text_is_read_back():
    from cicopa.core import pdf

    data = pdf.render(
        pdf.Document(title="Coopératives de Łódź", notes=["Cooperativas de trabajo asociado en Ærø, año 2020."])
    )
    result = study_text.extract(data)
    assert not result.error
    assert "Łódź" in result.text and "año" in result.text and "Ærø" in result.text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"%PDF-1.7\n", study_text.DAMAGED),
        (b"not a pdf at all", study_text.DAMAGED),
        (b"", study_text.DAMAGED),
    ],
)
def test_a_broken_file_gives_a_reason_and_never_raises(data, reason):
    result = study_text.extract(data)
    assert result.reason == reason
    assert result.text == ""


def test_a_truncated_pdf_never_raises():
    data = study_pdf()
    for cut in (60, len(data) // 3, len(data) // 2, len(data) - 30):
        result = study_text.extract(data[:cut])
        assert isinstance(result.text, str)
        assert result.error == "" or result.reason in (study_text.DAMAGED, study_text.NO_TEXT)


def test_a_pdf_without_text_is_flagged():
    result = study_text.extract(image_only_pdf())
    assert result.reason == study_text.NO_TEXT
    assert result.pages == 2


def test_an_encrypted_pdf_is_flagged():
    result = study_text.extract(encrypted_pdf())
    assert result.reason == study_text.ENCRYPTED


def test_the_text_is_capped_and_normalised():
    data = pages_pdf([["co-", "operative   producers\x07 of  the world"] * 5])
    result = study_text.extract(data, max_text=50)
    assert len(result.text) <= 50
    assert study_text.normalise("co-\noperative  of\t the\n\n\n\nworld\u00ad") == "co-operative of the\n\nworld"
    assert "\x07" not in study_text.normalise("a\x07b")


# --- excerpts (knowledge/excerpts.py, shared with the library's search): as the study's page calls it ---------


def cut(text, q, width=300):
    from cicopa.core.fulltext import TextQuery

    return excerpt(text, TextQuery.parse(q).terms, width=width)


def _marked(segments):
    return [s for s, match in segments if match]


def _plain(segments):
    return "".join(s for s, _ in segments)


def test_excerpt_marks_words_case_and_accents_aside_as_prefixes():
    text = "Les Coopératives de production. Une COOPÉRATIVE agricole et des coopérateurs."
    segments = cut(text, "cooperative")
    assert _marked(segments) == ["Coopératives", "COOPÉRATIVE"]
    assert _plain(segments) == text
    assert _marked(cut(text, "coop")) == ["Coopératives", "COOPÉRATIVE", "coopérateurs"]
    assert _marked(cut(text, "PRODUCTION agri")) == ["production", "agricole"]


def test_excerpt_handles_letters_unicode_does_not_decompose():
    assert _marked(cut("Spółdzielnia pracy w Łodzi, Ærø.", "lodz spoldz")) == ["Spółdzielnia", "Łodzi"]


def test_excerpt_is_cut_around_the_match():
    text = ("word " * 200) + "the producers of the world " + ("more " * 200)
    segments = cut(text, "producers", width=100)
    assert _marked(segments) == ["producers"]
    plain = _plain(segments)
    assert plain.startswith("…") and plain.endswith("…")
    assert len(plain) < 140
    assert "producers of the world" in plain


def test_no_match_gives_the_start_of_the_text():
    text = "First words of the study. " + "x " * 500
    segments = cut(text, "absent", width=60)
    assert _marked(segments) == []
    assert _plain(segments).startswith("First words of the study.")
    assert _plain(segments).endswith("…")
    assert cut("", "x") == []
    assert _marked(cut("Some text", "")) == []


def test_excerpt_does_not_match_inside_words():
    assert _marked(cut("Anticooperative is not cooperative", "cooperative")) == ["cooperative"]


def test_a_compound_is_marked_whole():
    text = "Producers' Co-operatives of the International Co-operative Alliance, and cooperatives."
    assert _marked(cut(text, "producers co-operatives")) == [
        "Producers",
        "Co-operatives",
        "Co-operative",
        "cooperatives",
    ]
    assert _marked(cut(text, "cooperative")) == ["Co-operatives", "Co-operative", "cooperatives"]
