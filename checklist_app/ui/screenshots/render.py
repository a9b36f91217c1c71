"""Render the screens for the README (``python -m checklist_app screenshots --out DIR``), offscreen.

Everything happens in a temporary data folder with invented patients and demo staff accounts, and a
fixed clock (07:15 today), so the pictures never contain real data and show the same situation each
time: the worklist, every section of the demo patient, the findings panel with a hard stop (a wristband
that does not match), the review, the signing dialog with a drawn signature, and the lock screen.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import datetime, time
from pathlib import Path

from PySide6.QtCore import QEvent, QPointF, QSize
from PySide6.QtWidgets import QApplication, QWidget

from checklist_app.domain.signed import SignedVersion
from checklist_app.ui import theme
from checklist_app.ui.checklist.window import ChecklistWindow
from checklist_app.ui.context import AppContext
from checklist_app.ui.lock.idle_lock import LockScreen
from checklist_app.ui.screenshots import data as screenshot_data
from checklist_app.ui.signing.review_dialog import ReviewDialog
from checklist_app.ui.signing.review_text import review_html
from checklist_app.ui.signing.signature_dialog import SignatureDialog
from checklist_app.ui.worklist.window import WorklistWindow
from checklist_app.workflows import signing
from checklist_app.workflows.store import ChecklistStore


def _settle(app: QApplication, rounds: int = 4, ctx: AppContext | None = None) -> None:
    if ctx is not None:
        ctx.autosaver.wait_until_saved(5.0)  # so the status line says "saved", as it would by now
    for _ in range(rounds):
        app.processEvents()


def _save(widget: QWidget, path: Path) -> Path:
    QApplication.processEvents()
    widget.grab().save(str(path), "PNG")
    return path


def render_screenshots(out: Path, *, size: tuple[int, int] = (1366, 768)) -> list[Path]:
    """Write the PNG files into ``out`` and return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(["checklist-screenshots"])
    screenshot_data.quiet_offscreen_warnings()
    theme.apply_theme(app)
    scale = app.devicePixelRatio() or 1.0
    logical = QSize(round(size[0] / scale), round(size[1] / scale))
    with tempfile.TemporaryDirectory(prefix="checklist-screens-") as folder:
        store = ChecklistStore.open(Path(folder))
        now = datetime.combine(datetime.now().date(), time(7, 15)).astimezone()
        ctx = AppContext(store, clock=lambda: now)
        try:
            return list(_render_all(app, ctx, out, logical))
        finally:
            for widget in QApplication.topLevelWidgets():
                widget.close()
                widget.deleteLater()
            # Delete the windows now, while Qt and the database are still up, not at interpreter exit.
            QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
            ctx.close()


def _render_all(app: QApplication, ctx: AppContext, out: Path, size: QSize) -> Iterator[Path]:
    screenshot_data.populate(ctx)
    ctx.set_user(ctx.store.staff(screenshot_data.NURSE))
    worklist = WorklistWindow(ctx)
    worklist.resize(size)
    worklist.show()
    _settle(app)
    yield _save(worklist, out / "01-worklist.png")

    window = worklist.open_record("demo-clean")
    assert window is not None
    window.resize(size)
    _settle(app)
    for index, section in enumerate(ctx.form.sections):
        if window.view.sections.get(section.id) == "not_needed" or window.section_list.item(index).isHidden():
            continue  # not asked for this patient, or a section this site's policy does not switch on
        window.show_section(index, focus=False)
        _settle(app)
        yield _save(window, out / f"02-section-{index + 1:02d}-{section.id}.png")

    yield from _hard_stop(app, window, out)
    yield from _signing(app, window, out)

    window.close()
    lock = LockScreen(ctx)
    lock.resize(size)
    lock.show()
    _settle(app)
    yield _save(lock, out / "06-lock-screen.png")


def _hard_stop(app: QApplication, window: ChecklistWindow, out: Path) -> Iterator[Path]:
    """Scan a wristband that does not match the MRN: the hard stop shows under the field and in the panel."""
    window.show_section(0, focus=False)
    scan = window.pages[0].items["wristband_scan"]
    scan.edit.setFocus()
    scan.edit.setText("MRN-204118")
    scan.commit()
    _settle(app, ctx=window.ctx)
    yield _save(window, out / "03-findings-hard-stop.png")
    scan.edit.setText("MRN-204811")
    scan.commit()
    _settle(app)


def _signing(app: QApplication, window: ChecklistWindow, out: Path) -> Iterator[Path]:
    window.refresh()
    review = ReviewDialog(window, review_html(window.ctx.form, window.state.answers, window.evaluation,
                                              window.view, window.statuses))
    review.show()
    _settle(app)
    yield _save(review, out / "04-review.png")
    review.close()
    meaning, not_cleared = signing.meaning_of(window.checklist)

    def refuse(*_args: object) -> SignedVersion:
        raise RuntimeError("screenshots never sign")

    dialog = SignatureDialog(window, signer_id=screenshot_data.NURSE, meaning=meaning, sign=refuse,
                             not_cleared=not_cleared)
    dialog.pin_edit.setText("0000")
    dialog.show()
    _settle(app)
    for stroke in screenshot_data.signature_strokes():
        dialog.pad.add_stroke([QPointF(x, y) for x, y in stroke])
    yield _save(dialog, out / "05-signing-dialog.png")
    dialog.close()
