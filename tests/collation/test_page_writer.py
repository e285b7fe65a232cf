"""The lean line layout of the collated PDF: wrapping by cached word widths, and pages."""

from __future__ import annotations

from io import BytesIO

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from collation.page_writer import LineWrapper, PageWriter, TextStyle
from core.pdf_fonts import BOLD, REGULAR, register_fonts

register_fonts()
TEXT = TextStyle(REGULAR, 9.5, 12.5)


def _width(line: str) -> float:
    return pdfmetrics.stringWidth(line, REGULAR, 9.5)


@given(st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=400))
def test_wrapped_lines_fit_and_keep_every_word(text):
    lines = LineWrapper(TEXT).lines(text, 200)
    assert all(_width(line) <= 200.01 for line in lines)
    assert "".join("".join(lines).split()) == "".join(text.split())


def test_lines_break_at_spaces_and_keep_the_writers_line_breaks():
    wrapper = LineWrapper(TEXT)
    text = "We pledge to listen.\n\nThen we act on what we hear, every single time, without fail."
    lines = wrapper.lines(text, 150)
    assert lines[0] == "We pledge to listen."
    assert lines[1] == ""
    assert all(" " not in (line[:1] + line[-1:]) for line in lines)
    assert " ".join(lines[2:]) == "Then we act on what we hear, every single time, without fail."


def test_a_word_too_long_for_any_line_is_split():
    lines = LineWrapper(TEXT).lines("x" * 300, 100)
    assert len(lines) > 1
    assert "".join(lines) == "x" * 300


def _write(paragraphs: int) -> tuple[PdfReader, PageWriter]:
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    decorated = []
    writer = PageWriter(
        canvas,
        left=50,
        top=A4[1] - 60,
        bottom=50,
        width=A4[0] - 100,
        first_page_number=3,
        decorate=lambda c, n: (decorated.append(n), c.drawString(50, 20, f"Page {n}")),
    )
    writer.new_page()
    writer.heading(0, "An area", TextStyle(BOLD, 15, 19), space_before=6)
    for n in range(paragraphs):
        writer.labelled(
            "Label", f"Paragraph {n}: " + "words that go on " * 20, TextStyle(BOLD, 8.5, 11), TEXT
        )
    writer.heading(1, "A point", TextStyle(BOLD, 11.5, 14.5), space_before=8)
    writer.write("Łódź, Ж and Ω render in the embedded font.", TEXT)
    writer.finish()
    canvas.save()
    assert decorated == list(range(3, 3 + writer.pages))
    return PdfReader(BytesIO(buffer.getvalue())), writer


def test_pages_fill_and_number_on_from_where_they_start():
    reader, writer = _write(120)
    assert len(reader.pages) == writer.pages > 3
    text = [page.extract_text() for page in reader.pages]
    assert "Page 3" in text[0]
    assert f"Page {2 + writer.pages}" in text[-1]
    assert all("Paragraph" in page for page in text[:-1])  # no page left empty
    assert "Łódź, Ж and Ω" in text[-1]
    assert writer.headings[0] == (0, "An area", 3)
    assert writer.headings[1][2] == 2 + writer.pages
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles == ["An area"]


@pytest.mark.parametrize("paragraphs", [1, 40])
def test_a_label_never_ends_a_page_alone(paragraphs):
    reader, _ = _write(paragraphs)
    for page in reader.pages:
        lines = [line for line in page.extract_text().splitlines() if line.strip()]
        body = [line for line in lines if not line.startswith("Page ")]
        assert body[-1] != "Label"


def test_a_no_break_space_holds_its_words_together_and_is_kept():
    wrapper = LineWrapper(TEXT)
    text = "We wrote to Dr\u00a0Smith and to 10\u202fkm away, " * 12
    for measure in (60, 90, 150, 300):
        lines = wrapper.lines(text, measure)
        assert all(not line.endswith("Dr") and not line.startswith("Smith") for line in lines)
        assert sum(line.count("Dr\u00a0Smith") for line in lines) == 12
        assert sum(line.count("10\u202fkm") for line in lines) == 12
