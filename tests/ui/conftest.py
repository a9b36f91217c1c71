"""Fixtures for the intake window tests: a fresh database per test (staff accounts copied from a template
made once per session, because scrypt makes each account cost a tenth of a second), a fixed clock, and
helpers to open a checklist window on one of the shipped example records.

The offscreen platform prints "This plugin does not support ..." (propagateSizeHints(), raise(),
grabbing the keyboard) whenever a window's size limits change or it is raised; those are limits of the
offscreen plugin, not problems in the app, so they are the one Qt message these tests ignore. Every
other Qt warning still fails the test.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from ui_helpers import ADMIN, NOW, NURSE, PHYSICIAN, PINS, attested, example_data

from checklist_app import storage

OFFSCREEN_NOISE = "This plugin does not support "  # propagateSizeHints(), raise(), grabbing the keyboard


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture(scope="session")
def staff_template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("staff-template")
    db = storage.open_database(data_dir=folder)
    try:
        storage.add_staff(db, NURSE, "Test Nurse", "RN", "nurse", PINS[NURSE], actor="tests")
        storage.add_staff(db, PHYSICIAN, "Test Physician", "MD", "physician", PINS[PHYSICIAN], actor="tests")
        storage.add_staff(db, ADMIN, "Test Admin", "IT", "admin", PINS[ADMIN], actor="tests")
    finally:
        db.close()  # folds the WAL into the file, so copying the one file copies everything
    return folder


@pytest.fixture
def data_dir(tmp_path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


@pytest.fixture
def staffed_dir(data_dir, staff_template) -> Path:
    shutil.copyfile(staff_template / storage.paths.DATABASE_FILE, data_dir / storage.paths.DATABASE_FILE)
    return data_dir


def _context(qapp, folder: Path):
    from checklist_app.ui import theme
    from checklist_app.ui.context import AppContext
    from checklist_app.workflows.store import ChecklistStore

    theme.apply_theme(qapp)
    return AppContext(ChecklistStore.open(folder), clock=lambda: NOW)


@pytest.fixture
def ctx(qapp, staffed_dir):
    """An app context on a database with a nurse, a physician and an admin; the nurse is signed in."""
    context = _context(qapp, staffed_dir)
    context.set_user(context.store.staff(NURSE))
    yield context
    context.close()


@pytest.fixture
def bare_ctx(qapp, data_dir):
    """An app context on a brand-new database with no staff accounts (a fresh install)."""
    context = _context(qapp, data_dir)
    yield context
    context.close()


@pytest.fixture
def open_example(qtbot, ctx):
    """open_example('clean') -> a ChecklistWindow on that example, saved as a draft first."""
    from checklist_app.ui.checklist.window import ChecklistWindow
    from checklist_app.workflows.checklist_state import ChecklistState

    def opener(name: str = "clean", record_id: str | None = None, **changes):
        data = example_data(ctx, name)
        if record_id:
            data["record_id"] = record_id
        data["answers"].update(changes)
        attested(ctx, data)
        ctx.store.save_draft(data["record_id"], data, NURSE)
        state, dropped = ChecklistState.from_data(ctx.form, data, fallback_staff=NURSE, now=NOW,
                                                  policy_id="sir-2019")
        assert not dropped
        window = ChecklistWindow(ctx, state)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        with qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        return window

    return opener


@pytest.fixture(autouse=True)
def removals_confirmed(monkeypatch):
    """Removing a filled list entry asks first (a modal box, which would wait for a person in a test): here it
    is answered Remove, and each question asked is kept for the tests that look at it."""
    from checklist_app.ui.widgets.remove_question import RemoveQuestion

    asked: list[tuple[str, str]] = []

    def confirm(cls, parent, entry, listed_in):
        asked.append((entry, listed_in))
        return True

    monkeypatch.setattr(RemoveQuestion, "ask", classmethod(confirm))
    return asked


@pytest.fixture(autouse=True)
def attestations_given(monkeypatch):
    """Ticking a physician's statement asks who attests it (a modal dialog, which would wait for a person in
    a test): here the real dialog is filled as a nurse would, on Dr A. Mensah's word, and accepted. The
    dialog's own tests (test_physician_attestation.py) replace this with their own answers."""
    from checklist_app.ui.checklist.attestation_dialog import AttestationDialog

    def on_word(cls, *args, **kwargs):
        dialog = cls(*args, **kwargs)
        try:
            dialog.word.setChecked(True)
            dialog.name_edit.setEditText("A. Mensah")
            dialog.on_primary()
            return dialog.result_value
        finally:
            dialog.deleteLater()

    monkeypatch.setattr(AttestationDialog, "ask", classmethod(on_word))
