"""Preview of the printed packet with QtPdf: the checklist and the discharge sheet, one tab each.

``PdfPreviewWidget`` shows one PDF (bytes) in a ``QPdfView``, all pages, fitted to the width.
``PacketPreviewWidget`` holds both documents with "Print packet..." and "Save PDFs..." buttons; it only
emits ``print_requested`` / ``save_requested``: the window decides what happens (``ui.signing.printing``) and
records it in the audit trail. ``page_image`` renders a page onto white (QPdfDocument renders onto a
transparent background, which shows as black in some viewers and printers).
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from checklist_app.domain.errors import PdfRenderError


def load_document(data: bytes, parent=None) -> tuple[QPdfDocument, QBuffer]:
    """A QPdfDocument reading ``data``; keep the returned buffer alive as long as the document."""
    buffer = QBuffer(parent)
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument(parent)
    document.load(buffer)
    return document, buffer


def page_image(document: QPdfDocument, page: int, width_px: int) -> QImage:
    """Page ``page`` (0-based) rendered ``width_px`` wide on a white background."""
    size = document.pagePointSize(page)
    if size.width() <= 0:
        raise PdfRenderError(f"page {page + 1} of the document cannot be shown")
    height_px = round(width_px * size.height() / size.width())
    rendered = document.render(page, QSize(width_px, height_px))
    image = QImage(rendered.size(), QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.drawImage(0, 0, rendered)
    painter.end()
    return image


class PdfPreviewWidget(QWidget):
    """One PDF, every page, fitted to the width of the widget."""

    loaded = Signal(int)  # the page count, once the document is ready

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = QPdfView(self)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.document: QPdfDocument | None = None
        self._buffer: QBuffer | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)

    def set_pdf(self, data: bytes) -> None:
        """Show ``data``; ``loaded`` is emitted when its pages can be drawn."""
        old = (self.document, self._buffer)
        self.document, self._buffer = load_document(data, self)
        self.document.statusChanged.connect(self._on_document_status_changed)
        self.view.setDocument(self.document)
        for thing in old:
            if thing is not None:
                thing.deleteLater()
        if self.document.status() == QPdfDocument.Status.Ready:
            self.loaded.emit(self.document.pageCount())
        elif self.document.status() == QPdfDocument.Status.Error:
            raise PdfRenderError(f"the PDF cannot be shown ({self.document.error().name})")

    def _on_document_status_changed(self, status: QPdfDocument.Status) -> None:
        if status == QPdfDocument.Status.Ready and self.document is not None:
            self.loaded.emit(self.document.pageCount())

    def page_count(self) -> int:
        """Pages in the shown document (0 before one is loaded)."""
        return self.document.pageCount() if self.document is not None else 0


class PacketPreviewWidget(QWidget):
    """Both documents of a packet side by side in tabs, with the print and save buttons."""

    print_requested = Signal()
    save_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.checklist_view = PdfPreviewWidget(self)
        self.discharge_view = PdfPreviewWidget(self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.checklist_view, "Checklist")
        self.tabs.addTab(self.discharge_view, "Discharge instructions")
        self.status_label = QLabel(self)
        self.print_button = QPushButton("&Print packet…", self)
        self.save_button = QPushButton("&Save PDFs…", self)
        for button in (self.print_button, self.save_button):
            button.setEnabled(False)
        self.print_button.clicked.connect(self.print_requested)
        self.save_button.clicked.connect(self.save_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        self.documents: dict[str, bytes] = {}

    def set_documents(self, checklist: bytes, discharge: bytes) -> None:
        """Show a packet's two PDFs and enable printing and saving."""
        self.documents = {"checklist": checklist, "discharge": discharge}
        self.checklist_view.set_pdf(checklist)
        self.discharge_view.set_pdf(discharge)
        pages = self.checklist_view.page_count(), self.discharge_view.page_count()
        self.tabs.setTabText(0, f"Checklist ({pages[0]} pages)")
        self.tabs.setTabText(1, f"Discharge instructions ({pages[1]} pages)")
        self.status_label.setText(f"{sum(pages)} pages to print")
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignVCenter)
        for button in (self.print_button, self.save_button):
            button.setEnabled(True)
