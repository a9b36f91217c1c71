"""Table helpers shared by the documents: a grid that splits only between rows, with readable padding, and
cells of plain text that cost a fraction of a Paragraph.

Reportlab never splits a table row across pages unless asked (``splitInRow``), so every row stays whole;
``repeatRows`` repeats a header row at the top of each continued page.

Most cells hold user text without any markup (a medicine's name, a dose, a question's label). ``fit`` breaks
such text into lines for its column once, and the table draws the lines itself in the font, size, leading and
colour of a Paragraph style (``grid`` turns each ``CellText``'s style into TableStyle commands). A Paragraph
would parse markup, build fragments, break the lines again at every wrap and draw through its own canvas
state: for the 1,000 cells of a 200-medication checklist that would be most of the document's time. Text that
needs a fallback font (CJK) still goes into a Paragraph, since only markup can switch fonts mid-line.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, Table, TableStyle

from checklist_app.pdf import fonts
from checklist_app.pdf.layout import RULE, SHADE
from checklist_app.pdf.plain_text import break_lines

PAD_X = 4  # left and right padding of every cell; ``fit`` breaks lines at the column width less both


def grid(rows: Sequence[Sequence[object]], widths: Sequence[float], *, header: bool = False,
         zebra: bool = True, extra: Sequence[tuple] = ()) -> Table:
    """A table of flowables or strings; ``header`` makes row 0 a shaded header repeated on each page."""
    table = Table([list(r) for r in rows], colWidths=list(widths), repeatRows=1 if header else 0,
                  splitByRow=1, splitInRow=0, hAlign="LEFT")
    commands: list[tuple] = [
        ("FONTNAME", (0, 0), (-1, -1), fonts.SANS),  # the default is Helvetica, which is not embedded
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD_X),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD_X),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("BOX", (0, 0), (-1, -1), 0.6, RULE),
    ]
    first = 1 if header else 0
    if header:
        commands += [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dedede")),
                     ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor("#666666"))]
    if zebra:
        for n in range(first + 1, len(rows), 2):
            commands.append(("BACKGROUND", (0, n), (-1, n), SHADE))
    table.setStyle(TableStyle(commands + _text_commands(rows) + list(extra)))
    return table


class CellText(str):
    """A cell's plain text, already broken into lines for its column, and the style to draw it in."""

    style: ParagraphStyle

    def __new__(cls, lines: Sequence[str], style: ParagraphStyle) -> CellText:
        cell = super().__new__(cls, "\n".join(lines))
        cell.style = style
        return cell


def _text_commands(rows: Sequence[Sequence[object]]) -> list[tuple]:
    """Font, size, leading and colour for the CellText cells: one range per column and run of one style.

    Other cells (Paragraphs, blanks) inside a run do not end it: table text styles do not touch flowables.
    """
    commands: list[tuple] = []
    for col in range(max((len(r) for r in rows), default=0)):
        runs: list[list] = []  # [style, first row, last row]
        for n, row in enumerate(rows):
            cell = row[col] if col < len(row) else None
            if not isinstance(cell, CellText):
                continue
            if runs and runs[-1][0] is cell.style:
                runs[-1][2] = n
            else:
                runs.append([cell.style, n, n])
        for style, top, bottom in runs:
            start, stop = (col, top), (col, bottom)
            commands += [("FONTNAME", start, stop, style.fontName), ("FONTSIZE", start, stop, style.fontSize),
                         ("LEADING", start, stop, style.leading), ("TEXTCOLOR", start, stop, style.textColor)]
    return commands


def fit(text: object, style: ParagraphStyle, width: float) -> CellText | Paragraph:
    """User text (not markup) for a ``grid`` cell in a column ``width`` wide, printed in ``style``.

    Plain lines when the document font draws every character; a Paragraph (with the CJK font where needed,
    and U+FFFD for what no font has) otherwise.
    """
    clean = fonts.clean(str(text))
    if not fonts.sans_only(clean):
        return CellParagraph(fonts.markup(clean), style)
    lines = break_lines(clean, style.fontName, style.fontSize, width - 2 * PAD_X, style.spaceShrinkage)
    return CellText(lines, style)


class CellParagraph(Paragraph):
    """A Paragraph for a table cell that breaks its lines once per width.

    Reportlab wraps every cell of a long table two or three times at the same width (measuring the rows,
    again in each part after a page split, and when drawing), and breaking lines is most of the time a long
    table takes. A Paragraph's lines depend only on its text, its style and the width, so the result of the
    last wrap at a width is reused: same layout, same bytes (a 200-medication checklist: 246 -> 196 ms warm).
    """

    _wrapped_at: float | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (reportlab's names)
        if availWidth == self._wrapped_at:
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        self._wrapped_at = availWidth if hasattr(self, "blPara") and size[0] == availWidth else None
        return size


def cells(texts: Sequence[str], style) -> list[Paragraph]:
    """Wrap already-marked-up texts in (cell) Paragraphs of one style."""
    return [CellParagraph(text, style) for text in texts]
