"""Preview (QtPdf) of the packet, offscreen. Printing and saving it: test_print_*.py."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from checklist_app import resources
from checklist_app.domain.record import parse_record
from checklist_app.domain.timeutil import parse_datetime
from checklist_app.pdf import SignedPacket, render_checklist, render_discharge
from checklist_app.rules import evaluate, load_form, load_policy_for

pytestmark = pytest.mark.gui
NOW = parse_datetime("2026-11-21T10:00")


@pytest.fixture(scope="module")
def pdfs() -> tuple[bytes, bytes]:
    import json

    form = load_form()
    policy = load_policy_for(form, "sir-2019")
    path = resources.data_root() / "forms" / "examples" / "clean.json"
    record = parse_record(json.loads(path.read_text(encoding="utf-8")), form, NOW)
    packet = SignedPacket(record, form, evaluate(form, record, policy, NOW), policy)
    return render_checklist(packet), render_discharge(packet)


def _pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def _dark_pixels(image, step: int = 4) -> int:
    return sum(1 for y in range(0, image.height(), step) for x in range(0, image.width(), step)
               if image.pixelColor(x, y).lightness() < 100)


def test_preview_shows_both_documents(qtbot, pdfs):
    from checklist_app.ui.signing.preview import PacketPreviewWidget

    widget = PacketPreviewWidget()
    qtbot.addWidget(widget)
    assert not widget.print_button.isEnabled()
    widget.set_documents(*pdfs)
    qtbot.waitUntil(lambda: widget.checklist_view.page_count() == _pages(pdfs[0]))
    assert widget.discharge_view.page_count() == _pages(pdfs[1])
    assert f"({_pages(pdfs[0])} pages)" in widget.tabs.tabText(0)
    with qtbot.waitSignal(widget.print_requested):
        widget.print_button.click()
    with qtbot.waitSignal(widget.save_requested):
        widget.save_button.click()


def test_page_image_is_painted_on_white(qtbot, pdfs):
    from checklist_app.ui.signing.preview import PdfPreviewWidget, page_image

    widget = PdfPreviewWidget()
    qtbot.addWidget(widget)
    widget.set_pdf(pdfs[0])
    qtbot.waitUntil(lambda: widget.page_count() > 0)
    image = page_image(widget.document, 0, 600)
    assert image.pixelColor(2, 2).name() == "#ffffff", "QPdfDocument's transparent background shows through"
    assert _dark_pixels(image) > 200, "the page has text"


@pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform's note when a window is shown
def test_view_draws_the_pages(qtbot, pdfs):
    from checklist_app.ui.signing.preview import PdfPreviewWidget

    widget = PdfPreviewWidget()
    qtbot.addWidget(widget)
    widget.resize(700, 900)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_pdf(pdfs[1])
    # QPdfView renders pages in the background: wait until the text shows, never a fixed sleep.
    qtbot.waitUntil(lambda: _dark_pixels(widget.view.viewport().grab().toImage()) > 100, timeout=10000)
