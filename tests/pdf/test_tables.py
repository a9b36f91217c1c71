"""Plain-text table cells (``pdf.tables.fit``): they must break lines as a Paragraph would, never run out of
their column, keep what was typed, and hand text that needs the CJK font to a Paragraph."""

from __future__ import annotations

import io

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pdf_helpers import page_texts
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, SimpleDocTemplate

from checklist_app.pdf import fonts
from checklist_app.pdf.layout import DocumentRenderer
from checklist_app.pdf.plain_text import break_lines
from checklist_app.pdf.tables import PAD_X, CellText, fit, grid


class _Styles(DocumentRenderer):
    base_size = 9.0

    def story(self):
        return []


@pytest.fixture(scope="module")
def style():
    return _Styles().style


WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLM0123456789()<>&\"'.,;:-/éüñ", min_size=1,
                max_size=14)


@settings(max_examples=200, deadline=None)
@given(words=st.lists(WORDS, min_size=1, max_size=40), width=st.floats(min_value=90, max_value=400),
       bold=st.booleans())
# Words longer than a line: a Paragraph fills the rest of the current line with the word's first letters.
@example(words=["0", "000000000<Dmm"], width=90.0, bold=True)
@example(words=["abc", "0000000000000000000000000000D"], width=90.0, bold=True)
@example(words=["0000000000000", "WWWWWWWWWWWWWWWWWWWWWWWW", "x"], width=90.0, bold=True)
@example(words=["0", "000000", "0000000", "0000000000000000", "<"], width=90.0, bold=False)
def test_lines_break_where_a_paragraph_breaks_them(words, width, bold):
    style = _Styles().style["bold" if bold else "body"]
    text = " ".join(words)
    paragraph = Paragraph(fonts.markup(text), style)
    paragraph.wrap(width, 10_000)
    lines = paragraph.blPara.lines
    if paragraph.blPara.kind == 0:  # one fragment: (spare width, words) per line
        expected = [" ".join(words) for _, words in lines]
    else:  # several fragments (an escaped < or &): each line's fragments, spaces included, but for a space
        # left at the end of a line where a long word's first piece did not fit: it prints nothing
        expected = ["".join(frag.text for frag in line.words).rstrip(" ") for line in lines]
    assert break_lines(text, style.fontName, style.fontSize, width, style.spaceShrinkage) == expected


@pytest.mark.parametrize("text", ["m", "a m", "mm x", "a mm b"])
def test_a_letter_wider_than_the_line_ends_its_line_as_in_a_paragraph(style, text):
    body = style["body"]
    paragraph = Paragraph(fonts.markup(text), body)
    paragraph.wrap(5.0, 10_000)
    expected = [" ".join(words) for _, words in paragraph.blPara.lines]
    assert break_lines(text, body.fontName, body.fontSize, 5.0, body.spaceShrinkage) == expected


def test_no_line_runs_out_of_its_column(style):
    body = style["body"]
    text = "Remedy extended-release tablet " * 6 + "X" * 120 + " end"
    for line in break_lines(text, body.fontName, body.fontSize, 120):
        slack = 0.05 * stringWidth(" ", body.fontName, body.fontSize) * line.count(" ")
        assert stringWidth(line, body.fontName, body.fontSize) <= 120 + slack, line
    assert "".join(break_lines(text, body.fontName, body.fontSize, 120)).count("X") == 120


def test_line_breaks_and_blank_lines_are_kept_and_spaces_collapse(style):
    body = style["body"]
    assert break_lines("first   line\n\n  third\tline ", body.fontName, body.fontSize, 300) == [
        "first line", "", "third line"]


def test_typed_characters_stay_as_typed_and_cjk_goes_to_a_paragraph(style):
    plain = fit('O\'Brien & <Sons> "Jr" Łukasz', style["body"], 200)
    assert isinstance(plain, CellText)
    assert plain == 'O\'Brien & <Sons> "Jr" Łukasz'
    cjk = fit("ワルファリン <5 mg>", style["body"], 200)
    assert isinstance(cjk, Paragraph)
    assert "ChecklistCJK" in cjk.text and "&lt;5 mg&gt;" in cjk.text


def _pdf(rows, widths) -> bytes:
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, initialFontName=fonts.SANS).build([grid(rows, widths, header=True)])
    return buffer.getvalue()


def _fonts_used(pdf: bytes) -> set[str]:
    return {str(f.get_object()["/BaseFont"]) for page in PdfReader(io.BytesIO(pdf)).pages
            for f in page["/Resources"]["/Font"].values()}


def test_cells_print_in_their_own_style(style):
    widths = [150.0, 150.0]
    body_only = _pdf([[fit("Medicine", style["body"], 150), fit("Dose", style["body"], 150)],
                      [fit("Apixaban", style["body"], 150), fit("5 mg", style["body"], 150)]], widths)
    assert not any("Bold" in f for f in _fonts_used(body_only))
    mixed = _pdf([[fit("Medicine", style["bold"], 150), fit("Dose", style["bold"], 150)],
                  [fit("Apixaban", style["body"], 150), fit("山田", style["body"], 150)]], widths)
    used = _fonts_used(mixed)
    assert any("Bold" in f for f in used) and any("DejaVuSans" in f and "Bold" not in f for f in used)
    assert any("WenQuanYi" in f or "wqy" in f.lower() for f in used)
    assert "Apixaban" in page_texts(mixed)[0] and "山田" in page_texts(mixed)[0]


def test_a_long_cell_grows_its_row_instead_of_overflowing(style):
    text = "a long medicine name that needs several lines in a narrow column"
    cell = fit(text, style["body"], 80)
    lines = cell.split("\n")
    assert len(lines) > 2 and " ".join(lines) == text
    assert all(stringWidth(line, fonts.SANS, 9.0) <= 80 - 2 * PAD_X + 1 for line in lines)
