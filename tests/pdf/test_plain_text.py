"""``PlainParagraph``: plain text set like a Paragraph (same lines, same height, same first baseline), split
between lines across pages, and CJK text left to a real Paragraph."""

from __future__ import annotations

import io

import pytest
from pdf_helpers import flat, page_texts
from reportlab.lib.pagesizes import A6
from reportlab.platypus import Paragraph, SimpleDocTemplate

from checklist_app.pdf import fonts
from checklist_app.pdf.layout import DocumentRenderer
from checklist_app.pdf.plain_text import PlainParagraph, plain_or_paragraph

TEXT = "Remedy 001 extended-release tablet with a long name 1 mg: ask your doctor when to take it again."


class _Styles(DocumentRenderer):
    base_size = 11.5

    def story(self):
        return []


@pytest.fixture(scope="module")
def style():
    return _Styles().style["body"]


@pytest.mark.parametrize("width", [120.0, 200.0, 333.3, 500.0])
def test_it_takes_the_lines_and_height_a_paragraph_takes(style, width):
    plain, paragraph = PlainParagraph(TEXT, style), Paragraph(fonts.markup(TEXT), style)
    assert plain.wrap(width, 1000) == paragraph.wrap(width, 1000)
    assert plain.lines == [" ".join(words) for _, words in paragraph.blPara.lines]
    assert (plain.getSpaceBefore(), plain.getSpaceAfter()) == (paragraph.getSpaceBefore(), paragraph.getSpaceAfter())


def _pdf(flowables) -> bytes:
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A6, initialFontName=fonts.SANS).build(flowables)
    return buffer.getvalue()


def test_a_long_text_splits_between_lines_across_pages_and_keeps_every_word(style):
    words = [f"word{n:03d}" for n in range(400)]
    pages = page_texts(_pdf([PlainParagraph(" ".join(words), style)]))
    assert len(pages) > 2
    assert " ".join(pages).split() == words


def test_a_split_never_leaves_the_first_line_alone(style):
    plain = PlainParagraph(TEXT * 3, style)
    plain.wrap(200, 1000)
    assert len(plain.lines) > 3
    assert plain.split(200, style.leading * 1.5) == [], "one line would be left at the foot of the page"
    first, rest = plain.split(200, style.leading * 2.5)
    assert first.wrap(200, 1000)[1] == 2 * style.leading
    rest.wrap(200, 1000)
    assert first.lines + rest.lines == plain.lines
    assert (first.getSpaceAfter(), rest.getSpaceBefore()) == (0, 0)


def test_text_prints_as_typed_and_cjk_goes_to_a_paragraph(style):
    typed = 'O\'Brien & <Sons> "Jr" 5 mg'
    plain = plain_or_paragraph(typed, style)
    assert isinstance(plain, PlainParagraph)
    assert typed in flat(page_texts(_pdf([plain]))[0])
    cjk = plain_or_paragraph("ワルファリン <5 mg>", style)
    assert isinstance(cjk, Paragraph) and "ChecklistCJK" in cjk.text
    assert "ワルファリン <5 mg>" in flat(page_texts(_pdf([cjk]))[0])


def _positions(pdf: bytes, page: int = 0) -> list[tuple[float, float, str]]:
    from pypdf import PdfReader

    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            found.append((round(cm[4] + tm[4], 2), round(cm[5] + tm[5], 2), text.strip()))

    PdfReader(io.BytesIO(pdf)).pages[page].extract_text(visitor_text=visit)
    return found


def test_a_bulleted_item_is_placed_as_a_paragraph_with_a_bullet_places_it(style):
    item = style.clone("item", leftIndent=16, bulletIndent=0, bulletFontName=fonts.SANS, bulletFontSize=11.5)
    plain = _positions(_pdf([PlainParagraph(TEXT, item, bullet="•"), PlainParagraph("next", item, bullet="•")]))
    paragraph = _positions(_pdf([Paragraph(fonts.markup(TEXT), item, bulletText="•"),
                                 Paragraph("next", item, bulletText="•")]))
    assert plain == paragraph
    assert [text for _, _, text in plain].count("•") == 2


def test_a_bulleted_item_never_carries_a_single_line_over(style):
    item = style.clone("item", leftIndent=16)
    plain = PlainParagraph(TEXT * 2, item, bullet="•")
    plain.wrap(200, 1000)
    lines = len(plain.lines)
    assert plain.split(200, style.leading * (lines - 0.5)) == [], "the last line alone on the next page"
    first, rest = plain.split(200, style.leading * (lines - 1.5))
    assert first.bullet == "•" and rest.bullet is None


@pytest.mark.parametrize("width", [60.0, 75.0, 90.0, 140.0])
def test_a_no_break_space_holds_its_words_together_as_in_a_paragraph(style, width):
    text = "Apixaban 5 mg: start it again at 9:30\u00a0AM on Wednesday."
    plain, paragraph = PlainParagraph(text, style), Paragraph(fonts.markup(text), style)
    assert plain.wrap(width, 1000) == paragraph.wrap(width, 1000)
    assert plain.lines == [" ".join(words) for _, words in paragraph.blPara.lines]
    assert any("9:30\u00a0AM" in line for line in plain.lines)
