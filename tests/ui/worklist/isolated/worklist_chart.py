"""The running app sends signed checklists to the chart on a background thread, and the worklist's Chart column
follows: a server that cannot be reached shows as "Waiting: server unreachable since HH:MM" without anyone
refreshing the window. No real server is needed for that: a localhost port nobody listens on."""

from __future__ import annotations

import socket

from signed_helpers import signed_content
from ui_helpers import NURSE, PINS, example_data

from checklist_app import storage
from checklist_app.storage import outbox
from checklist_app.ui.worklist.model import COLUMNS
from checklist_app.ui.worklist.window import WorklistWindow


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_worklist_says_the_signed_checklist_is_waiting_for_an_unreachable_chart(qtbot, ctx, monkeypatch):
    monkeypatch.setenv(outbox.FHIR_BASE_URL_ENV, f"http://127.0.0.1:{closed_port()}/fhir")
    data = example_data(ctx, "clean")
    version = storage.sign(ctx.store.db, data["record_id"], signer_id=NURSE, pin=PINS[NURSE],
                           meaning="Checklist completed", content=signed_content(data),
                           form_id="vertebral_augmentation", form_version="1.0.0", pdf=b"%PDF-1.7 checklist")
    # Both PDFs stored, as keep_packet stores them after signing: the export need not wait for them.
    storage.attach_pdf(ctx.store.db, version.version_id, b"%PDF-1.7 discharge", staff_id=NURSE, kind="discharge")
    worklist = WorklistWindow(ctx)
    qtbot.addWidget(worklist)
    worklist.show()

    def chart() -> str:
        return next((r.chart for r in worklist.model.rows if r.record_id == data["record_id"]), "")

    # The sender's first attempt fails at once (connection refused); its callback reaches the window.
    qtbot.waitUntil(lambda: chart().startswith("Waiting: server unreachable since "), timeout=10000)
    row = next(i for i, r in enumerate(worklist.model.rows) if r.record_id == data["record_id"])
    cell = worklist.model.index(row, COLUMNS.index("Chart"))
    assert worklist.model.data(cell) == chart()
