"""Table helpers shared by the documents: a grid that splits only between rows, with readable padding.

Reportlab never splits a table row across pages unless asked (``splitInRow``), so every row stays whole;
``repeatRows`` repeats a header row at the top of each continued page.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.platypus import Paragraph, Table, TableStyle

from checklist_app.pdf import fonts
from checklist_app.pdf.layout import RULE, SHADE


def grid(rows: Sequence[Sequence[object]], widths: Sequence[float], *, header: bool = False,
         zebra: bool = True, extra: Sequence[tuple] = ()) -> Table:
    """A table of flowables or strings; ``header`` makes row 0 a shaded header repeated on each page."""
    table = Table([list(r) for r in rows], colWidths=list(widths), repeatRows=1 if header else 0,
                  splitByRow=1, splitInRow=0, hAlign="LEFT")
    commands: list[tuple] = [
        ("FONTNAME", (0, 0), (-1, -1), fonts.SANS),  # the default is Helvetica, which is not embedded
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
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
    table.setStyle(TableStyle(commands + list(extra)))
    return table


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
