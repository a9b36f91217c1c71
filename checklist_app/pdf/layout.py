"""The renderer skeleton both documents share (pretix's pattern): page geometry as class attributes,
hook methods for styles, header, footer and story, and a canvas that prints "Page X of Y".

A subclass sets the geometry and overrides ``styles``, ``draw_header``, ``draw_footer`` and ``story``;
``render()`` builds into memory and returns the PDF bytes. ``invariant=True`` gives byte-identical
output for the same input (no creation date, fixed document id), which the tests rely on.
"""

from __future__ import annotations

import io
import logging

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate
from reportlab.platypus.doctemplate import LayoutError

from checklist_app.domain.errors import PdfRenderError
from checklist_app.pdf import fonts
from checklist_app.version import describe

log = logging.getLogger(__name__)

INK = colors.HexColor("#111111")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#9a9a9a")
SHADE = colors.HexColor("#f0f0f0")
STOP_RED = colors.HexColor("#b00020")
WARN_AMBER = colors.HexColor("#8a5a00")
OK_GREEN = colors.HexColor("#1b5e20")
FAINT = colors.HexColor("#767676")  # the software line: there for staff who trace a page, not for the reader
SOFTWARE_SIZE = 6  # points


class NumberedCanvas(Canvas):
    """Holds every page back until the end so each can say "Page X of Y" once Y is known.

    ``page_label(canvas, page, total)`` is set by the renderer; it draws the label in its own place.
    """

    page_label = None

    def __init__(self, *args, **kwargs) -> None:
        # Else every page names Helvetica (reportlab's start-up font), which is not embedded.
        kwargs["initialFontName"] = kwargs.get("initialFontName") or fonts.SANS
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        """Draw each held page's label with the final page count, then write the file."""
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            if self.page_label is not None:
                self.page_label(self, number, total)
            super().showPage()
        super().save()


class DocumentRenderer:
    """Base of the checklist and discharge renderers; subclasses fill in the hooks."""

    page_size = LETTER
    left_margin = 16 * mm
    right_margin = 16 * mm
    top_margin = 34 * mm  # below the header the subclass draws
    bottom_margin = 22 * mm  # above the footer
    base_size = 9.5
    title = "Document"
    author = "checklist_app"

    def __init__(self, *, invariant: bool = False) -> None:
        self.invariant = invariant
        # ``checklist_app 0.1.0 (build abc1234)``: every page names the software that made it (footers, metadata).
        self.software = describe()
        fonts.register_fonts()
        self.style = self.styles()

    # --- hooks ------------------------------------------------------------------------------------
    def keywords(self) -> str:
        """The PDF's Keywords entry (a signed document's audit anchor, domain/anchor.py); '' for none."""
        return ""

    def styles(self) -> dict[str, ParagraphStyle]:
        """Paragraph styles by name; sizes scale with ``base_size``."""
        size = self.base_size
        body = ParagraphStyle("body", fontName=fonts.SANS, fontSize=size, leading=size * 1.3, textColor=INK)
        return {
            "body": body,
            "small": ParagraphStyle("small", parent=body, fontSize=size * 0.85, leading=size * 1.1),
            "muted": ParagraphStyle("muted", parent=body, fontSize=size * 0.85, leading=size * 1.1,
                                    textColor=MUTED),
            "bold": ParagraphStyle("bold", parent=body, fontName=fonts.SANS_BOLD),
            "h1": ParagraphStyle("h1", parent=body, fontName=fonts.SANS_BOLD, fontSize=size * 1.6,
                                 leading=size * 2.0, spaceAfter=size * 0.5),
            "h2": ParagraphStyle("h2", parent=body, fontName=fonts.SANS_BOLD, fontSize=size * 1.25,
                                 leading=size * 1.6, spaceBefore=size * 1.2, spaceAfter=size * 0.4,
                                 keepWithNext=1),
            "h3": ParagraphStyle("h3", parent=body, fontName=fonts.SANS_BOLD, fontSize=size * 1.05,
                                 leading=size * 1.35, spaceBefore=size * 0.6, spaceAfter=size * 0.2,
                                 keepWithNext=1),
        }

    def draw_header(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        """Draw what sits above the frame on every page."""

    def draw_footer(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        """Draw what sits below the frame on every page (except "Page X of Y")."""

    def draw_software(self, canv: Canvas, y: float) -> float:
        """The software line, small and grey, ending at the right margin at height ``y``; returns its width."""
        canv.setFillColor(FAINT)
        return fonts.draw_string(canv, self.page_size[0] - self.right_margin, y, self.software, SOFTWARE_SIZE,
                                 anchor="right")

    def draw_page_label(self, canv: Canvas, page: int, total: int) -> None:
        """Draw "Page X of Y" bottom right, once the total is known."""
        canv.setFillColor(INK)
        fonts.draw_string(canv, self.page_size[0] - self.right_margin, 8 * mm, f"Page {page} of {total}",
                          self.base_size * 0.9, bold=True, anchor="right")

    def story(self) -> list[Flowable]:
        """The flowing content."""
        raise NotImplementedError

    # --- machinery ----------------------------------------------------------------------------------
    @property
    def frame_width(self) -> float:
        """Usable width between the side margins."""
        return self.page_size[0] - self.left_margin - self.right_margin

    def _on_page(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        canv.saveState()
        self.draw_header(canv, doc)
        self.draw_footer(canv, doc)
        canv.restoreState()

    def _canvas(self, *args, **kwargs) -> NumberedCanvas:
        canv = NumberedCanvas(*args, **kwargs)
        canv.page_label = self.draw_page_label
        return canv

    def render(self) -> bytes:
        """Build the document and return the PDF bytes; PdfRenderError when it cannot be laid out."""
        buffer = io.BytesIO()
        width, height = self.page_size
        doc = BaseDocTemplate(
            buffer, pagesize=self.page_size, title=self.title, author=self.author, creator=self.software,
            keywords=self.keywords(),
            leftMargin=self.left_margin, rightMargin=self.right_margin, topMargin=self.top_margin,
            bottomMargin=self.bottom_margin, invariant=1 if self.invariant else 0,
        )
        frame = Frame(self.left_margin, self.bottom_margin, self.frame_width,
                      height - self.top_margin - self.bottom_margin, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._on_page)])
        try:
            doc.build(self.story(), canvasmaker=self._canvas)
        except LayoutError as exc:
            log.exception("layout failed")
            raise PdfRenderError(f"{self.title}: a part of the document does not fit on a page ({exc})") from exc
        return buffer.getvalue()
