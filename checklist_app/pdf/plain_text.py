"""Text without markup, set as a Paragraph would set it, without a Paragraph's cost.

A reportlab Paragraph parses markup, builds fragments and breaks lines through general machinery. Most of
what the documents print is plain user text in one font (a medicine, a dose, an answer): ``break_lines``
breaks it exactly where a left-aligned Paragraph would (a property test compares them), and
``PlainParagraph`` draws those lines as one text object. A 200-medication packet has about 1,000 such texts.
Text that needs the CJK fallback font still needs a Paragraph: only markup can switch fonts mid-line
(``plain_or_paragraph`` chooses).
"""

from __future__ import annotations

import re
from functools import lru_cache

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Paragraph

from checklist_app.pdf import fonts

# Where a Paragraph breaks a line: white space, but not a no-break space (U+00A0, as in "9:30\u00a0AM").
_BREAKS = re.compile(r"[^\S\u00a0]+")


@lru_cache(maxsize=8192)
def _width(word: str, font: str, size: float) -> float:
    # The same words come back in every row (doses, "Once a day", dates), and across documents.
    return pdfmetrics.stringWidth(word, font, size)


def break_lines(text: str, font: str, size: float, width: float, shrink: float = 0.05) -> list[str]:
    """``text`` broken into lines about ``width`` points wide, as a Paragraph breaks it: at spaces, runs of
    white space printed as one, each line break kept, and a word longer than a line split between letters.

    Like a Paragraph (its ``spaceShrinkage``), a line may run over by ``shrink`` of a space per space in it:
    a fraction of a point, taken from the cell's padding.
    """
    space = _width(" ", font, size)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        first = len(lines)
        words: list[str] = []
        used = 0.0
        for word in filter(None, _BREAKS.split(paragraph)):
            measure = _width(word, font, size)
            if measure > width:  # split between letters, its first piece filling what is left of this line
                pieces = _split_word(word, font, size, width, used + space if words else 0.0)
                lines.append(" ".join(words + [piece for piece in pieces[:1] if piece]))
                lines += pieces[1:-1]
                # The last piece goes on like a word; a word that stayed whole (one letter wider than the
                # line) ends its line, as the first piece does.
                words, used = ([pieces[-1]], _width(pieces[-1], font, size)) if len(pieces) > 1 else ([], 0.0)
            elif words and used + space + measure > width + shrink * space * len(words):
                lines.append(" ".join(words))
                words, used = [word], measure
            else:
                used += (space if words else 0.0) + measure
                words.append(word)
        if words or len(lines) == first:  # an empty paragraph is an empty line
            lines.append(" ".join(words))
    return lines


def _split_word(word: str, font: str, size: float, width: float, start: float) -> list[str]:
    """The pieces of a word too long for a line, as a Paragraph cuts them (letter widths added up): the first
    fills the line from ``start`` (it may be empty when nothing more fits), each next one a whole line."""
    pieces, piece, line = [], "", start
    for char in word:
        letter = _width(char, font, size)
        if line + letter > width and (piece or letter <= width):
            pieces.append(piece)
            piece, line = "", 0.0
        piece += char
        line += letter
    return pieces + [piece]


class PlainParagraph(Flowable):
    """Plain text in one style (left aligned), broken into lines at the width it is given.

    Like a Paragraph it splits between lines at a page end, never leaving its first line alone at the foot
    of a page (reportlab's default ``allowOrphans=0``). With ``bullet`` it is a list item, as a Paragraph
    with ``bulletText`` draws one: the bullet at the style's ``bulletIndent`` in its bullet font, the text
    at ``leftIndent``; and, as in a reportlab list, it never carries a single line over to the next page.
    """

    def __init__(self, text: str, style: ParagraphStyle, bullet: str | None = None) -> None:
        super().__init__()
        self.text, self.style, self.bullet = text, style, bullet
        self.spaceBefore, self.spaceAfter = style.spaceBefore, style.spaceAfter
        self.lines: list[str] = []
        self._wrapped_at: float | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (reportlab's names)
        """Break the lines for this width (once per width); the height is one leading per line."""
        s = self.style
        if availWidth != self._wrapped_at:
            width = availWidth - s.leftIndent - s.rightIndent
            self.lines = break_lines(self.text, s.fontName, s.fontSize, width, s.spaceShrinkage)
            self._wrapped_at = availWidth
        self.width, self.height = availWidth, len(self.lines) * s.leading
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        """The lines that fit in ``availHeight`` and the rest; nothing when fewer than two lines would fit."""
        self.wrap(availWidth, availHeight)
        fits = int(availHeight // self.style.leading)
        if fits < 2 or fits >= len(self.lines) or (self.bullet and len(self.lines) - fits < 2):
            return []
        first = PlainParagraph("\n".join(self.lines[:fits]), self.style, self.bullet)
        rest = PlainParagraph("\n".join(self.lines[fits:]), self.style)
        first.spaceAfter, rest.spaceBefore, rest.spaceAfter = 0, 0, self.spaceAfter
        return [first, rest]

    def draw(self) -> None:
        """The lines as one text object, first baseline one font size below the top, as a Paragraph's."""
        s = self.style
        if self.bullet:
            mark = self.canv.beginText(s.bulletIndent, self.height - s.fontSize)
            mark.setFont(s.bulletFontName, s.bulletFontSize)
            mark.setFillColor(getattr(s, "bulletColor", s.textColor))  # as a Paragraph draws its bullet
            mark.textOut(self.bullet)
            self.canv.drawText(mark)
        text = self.canv.beginText(s.leftIndent, self.height - s.fontSize)
        text.setFont(s.fontName, s.fontSize, s.leading)
        text.setFillColor(s.textColor)
        for line in self.lines:
            text.textLine(line)
        self.canv.drawText(text)


def plain_or_paragraph(text: object, style: ParagraphStyle, bullet: str | None = None) -> Flowable:
    """User text (not markup) in ``style``, optionally a bulleted item: a PlainParagraph when the document font
    draws every character, else a Paragraph with the fallback fonts."""
    clean = fonts.clean(str(text))
    if fonts.sans_only(clean):
        return PlainParagraph(clean, style, bullet)
    return Paragraph(fonts.markup(clean), style, bulletText=bullet)
