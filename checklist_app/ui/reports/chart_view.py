"""One of the report's charts on screen: the reportlab drawing the printed report uses, made into a one-page
PDF and drawn by Qt's PDF renderer (QtPdf, which the packet preview already ships), so the screen shows
exactly what prints, fonts included.

Measured against the alternatives (2026-12-03, this machine): QtCharts would need PySide6-Addons (+153 MB
installed, on an install already over its size target); pyqtgraph needs numpy (+59 MB) and draws
differently from the PDF; reportlab's PNG renderer needs rl_renderPM (+1.7 MB) and gives a fixed-resolution
bitmap; its SVG through QtSvg costs nothing to install but Qt's SVG renderer does not know the embedded
fonts and drops the labels' font. This way adds nothing: four charts take ~100 ms to draw (180 ms the
first time), and reportlab's chart modules ~130 ms to import, paid when the Reports window first opens.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing

from checklist_app.ui.signing.preview import load_document, page_image


class ChartView(QWidget):
    """Shows one drawing, scaled to the widget's width with its own proportions (height for width)."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setObjectName(name.lower().replace(" ", "_"))
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMinimumWidth(360)
        self._aspect = 0.3
        self._document = self._buffer = None
        self._image: QImage | None = None

    def set_drawing(self, drawing: Drawing, description: str = "") -> None:
        """Show ``drawing``; ``description`` is what a screen reader says instead of the picture."""
        self._aspect = drawing.height / drawing.width
        self._document, self._buffer = load_document(renderPDF.drawToString(drawing), self)
        self._image = None
        self.setAccessibleDescription(description)
        self.updateGeometry()
        self.update()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt override)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt override)
        return round(width * self._aspect)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(720, self.heightForWidth(720))

    def image(self) -> QImage | None:
        """The chart as last drawn (tests and screenshots look at it)."""
        return self._image

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        if self._document is None:
            return
        ratio = self.devicePixelRatioF()
        width = max(1, round(min(self.width(), self.height() / self._aspect) * ratio))
        if self._image is None or self._image.width() != width:  # drawn again only when the size changes
            self._image = page_image(self._document, 0, width)
            self._image.setDevicePixelRatio(ratio)
        painter = QPainter(self)
        painter.drawImage(0, 0, self._image)
        painter.end()
