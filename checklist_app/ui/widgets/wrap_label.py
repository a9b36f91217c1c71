"""A word-wrapped plain-text label that remembers its height for each width.

Qt lays a wrapped label's text out again for every ``heightForWidth`` question, and a layout pass asks
several times (once per candidate width: with and without a scroll bar, for the minimum and the hint).
For a finding that lists many medicines that was most of a keystroke: the card's text was laid out a
dozen times whenever a card above it came or went. The answer depends only on the text, the font, the
style (margins, padding) and the width, so it is kept until one of those changes.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QLabel, QWidget

from checklist_app.ui import theme

# Events after which the same width may need another height.
_RELAYOUT_EVENTS = frozenset({QEvent.Type.FontChange, QEvent.Type.StyleChange, QEvent.Type.Polish,
                              QEvent.Type.ContentsRectChange, QEvent.Type.LayoutDirectionChange})


class WrapLabel(QLabel):
    """``controls.label(text, role)`` with word wrap, plus a height-for-width cache."""

    def __init__(self, text: str = "", role: str | None = None, *, name: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._heights: dict[int, int] = {}
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        if role:
            theme.set_role(self, role)
        self.setAccessibleName(name or text)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt override)
        """Show ``text`` (forgets the heights worked out for the old text)."""
        if text != self.text():
            self._heights.clear()
        super().setText(text)

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt override)
        height = self._heights.get(width)
        if height is None:
            height = self._heights[width] = super().heightForWidth(width)
        return height

    def event(self, event: QEvent) -> bool:
        if event.type() in _RELAYOUT_EVENTS:
            self._heights.clear()
        return super().event(event)
