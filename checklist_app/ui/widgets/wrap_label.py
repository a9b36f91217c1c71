"""A word-wrapped plain-text label that remembers its height for each width.

Qt lays a wrapped label's text out again for every ``heightForWidth`` question, and a layout pass asks
several times (once per candidate width: with and without a scroll bar, for the minimum and the hint).
For a finding that lists many medicines that would be most of a keystroke: the card's text is laid out a
dozen times whenever a card above it comes or goes. The answer depends only on the text, the font, the
style (margins, padding) and the width, so it is kept until one of those changes.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QLabel, QWidget

# Changes after which the same width may need another height (a style sheet role's font or padding
# arrives as a font or contents-rect change). changeEvent, not event(): every paint and move goes through
# event(), and a Python override there costs more than it saves.
_RELAYOUT_CHANGES = frozenset({QEvent.Type.FontChange, QEvent.Type.StyleChange, QEvent.Type.ContentsRectChange,
                               QEvent.Type.LayoutDirectionChange})


class WrapLabel(QLabel):
    """``controls.label(text, role)`` with word wrap, plus a height-for-width cache."""

    def __init__(self, text: str = "", role: str | None = None, *, name: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._heights: dict[int, int] = {}
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        if role:
            # Not theme.set_role: its unpolish and polish are for a widget already styled; this one is styled
            # once, with its role, when it is first shown (a finding card has six of these).
            self.setProperty("role", role)
        self.setAccessibleName(name or text)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt override)
        """Show ``text`` (forgets the heights worked out for the old text)."""
        if text != self.text():
            self._heights.clear()
        super().setText(text)

    def clear(self) -> None:
        """No text (forgets the heights: QLabel.clear does not go through setText)."""
        self._heights.clear()
        super().clear()

    def setNum(self, number: float) -> None:  # noqa: N802 (Qt override)
        """Show a number (forgets the heights, as setText does)."""
        self._heights.clear()
        super().setNum(number)

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt override)
        height = self._heights.get(width)
        if height is None:
            height = self._heights[width] = super().heightForWidth(width)
        return height

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() in _RELAYOUT_CHANGES:
            self._heights.clear()
        super().changeEvent(event)
