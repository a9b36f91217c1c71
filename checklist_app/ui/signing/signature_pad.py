"""A pad to draw a signature with the mouse, a touch pad or a pen; saved as a PNG with the signed version.

The drawn signature is optional: the electronic signature is the staff ID and PIN; the drawing only
makes the printed page look like the paper form people know.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen, QTabletEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

INK = QColor("#0b1f4a")


class SignaturePad(QWidget):
    """Strokes drawn with a pointer; ``to_png()`` gives them on white, or None when nothing was drawn."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signature_pad")
        self.setAccessibleName("Drawn signature (optional): draw with the mouse, touch pad or pen")
        self.setMinimumSize(QSize(360, 120))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(140)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.strokes: list[list[QPointF]] = []

    def is_empty(self) -> bool:
        """Whether nothing has been drawn."""
        return not any(len(stroke) > 1 for stroke in self.strokes)

    def clear(self) -> None:
        """Remove the drawing."""
        self.strokes = []
        self.update()
        self.changed.emit()

    def add_stroke(self, points: list[QPointF]) -> None:
        """Add a whole stroke (used by the screenshots and tests as a pointer would)."""
        self.strokes.append(list(points))
        self.update()
        self.changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        self.strokes.append([event.position()])
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if self.strokes and event.buttons() & Qt.MouseButton.LeftButton:
            self.strokes[-1].append(event.position())
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        self.changed.emit()

    def tabletEvent(self, event: QTabletEvent) -> None:  # noqa: N802 (Qt override)
        # Pens send tablet events first; leaving them unaccepted makes Qt send the mouse events above.
        event.ignore()

    def _draw(self, painter: QPainter, scale: float = 1.0) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(INK, 2.4 * scale, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                            Qt.PenJoinStyle.RoundJoin))
        for stroke in self.strokes:
            for start, end in zip(stroke, stroke[1:], strict=False):
                painter.drawLine(start * scale, end * scale)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        painter.setPen(QPen(QColor("#8a93a1"), 1))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        baseline = self.height() - 30
        painter.drawLine(16, baseline, self.width() - 16, baseline)
        if self.is_empty():
            painter.setPen(QColor("#6b7280"))
            painter.drawText(20, baseline - 10, "Draw your signature here (optional)")
        self._draw(painter)
        painter.end()

    def to_png(self) -> bytes | None:
        """The drawing as PNG bytes at twice the screen size, or None when empty."""
        if self.is_empty():
            return None
        image = QImage(self.size() * 2, QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        self._draw(painter, 2.0)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        buffer.close()
        return bytes(data.data())
