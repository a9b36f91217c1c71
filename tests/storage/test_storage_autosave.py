"""The autosaver: changes reach the database within the debounce, are coalesced, and flush on demand."""

from __future__ import annotations

import threading
import time

import pytest

from checklist_app.storage import Autosaver, Database, load_draft


def test_a_burst_of_changes_is_coalesced_into_few_saves(db: Database) -> None:
    saves = threading.Semaphore(0)
    saver = Autosaver(db, quiet=0.1, max_delay=0.5, on_saved=saves.release)
    for n in range(20):
        saver.update("r1", {"answers": {"note": "x" * n}}, staff_id="rn1")
    assert saver.wait_until_saved(timeout=5)
    saver.close()
    assert load_draft(db, "r1").data == {"answers": {"note": "x" * 19}}
    assert load_draft(db, "r1").revision == 1  # twenty keystrokes, one write


def test_continuous_typing_is_saved_at_least_every_max_delay(db: Database) -> None:
    saver = Autosaver(db, quiet=0.2, max_delay=0.3)
    start = time.monotonic()
    n = 0
    while time.monotonic() - start < 1.5:  # typing never pauses for `quiet`
        saver.update("r1", {"answers": {"note": n}}, staff_id="rn1")
        n += 1
        time.sleep(0.02)
    assert load_draft(db, "r1").revision >= 3  # saved mid-typing, not only at the end
    saver.close()
    assert load_draft(db, "r1").data == {"answers": {"note": n - 1}}


def test_flush_saves_at_once_and_close_saves_the_rest(db: Database) -> None:
    saver = Autosaver(db, quiet=1.0, max_delay=1.0)
    saver.update("r1", {"answers": {"a": 1}}, staff_id="rn1")
    saver.flush()
    assert load_draft(db, "r1").data == {"answers": {"a": 1}}
    saver.update("r1", {"answers": {"a": 2}}, staff_id="rn1")
    saver.update("r2", {"answers": {"b": 1}}, staff_id="rn1")
    saver.close()
    assert load_draft(db, "r1").data == {"answers": {"a": 2}} and load_draft(db, "r2") is not None
    with pytest.raises(RuntimeError, match="closed"):
        saver.update("r1", {}, staff_id="rn1")


def test_the_data_is_copied_when_noted(db: Database) -> None:
    saver = Autosaver(db, quiet=1.0, max_delay=1.0)
    data = {"answers": {"sites": ["T12"]}}
    saver.update("r1", data, staff_id="rn1")
    data["answers"]["sites"].append("L1")  # the screen keeps editing its own dict
    saver.close()
    assert load_draft(db, "r1").data == {"answers": {"sites": ["T12"]}}


def test_the_debounce_is_capped_at_one_second(db: Database) -> None:
    with pytest.raises(ValueError, match="max_delay <= 1"):
        Autosaver(db, quiet=0.5, max_delay=2.0)


def test_a_bug_in_saving_keeps_the_draft_and_reports_without_its_content(
        db: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    import checklist_app.storage.autosave as autosave

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("Ann Example")

    monkeypatch.setattr(autosave, "save_draft", broken)
    saver = Autosaver(db, quiet=1.0, max_delay=1.0)
    saver.update("r1", {"answers": {"name": "Ann Example"}}, staff_id="rn1")
    with pytest.raises(autosave.StorageError, match="unexpectedly \\(KeyError\\)"):
        saver.flush()
    assert saver.unsaved_data("r1") == {"answers": {"name": "Ann Example"}}
    assert "Ann Example" not in caplog.text
    monkeypatch.undo()
    saver.close()
    assert load_draft(db, "r1").data == {"answers": {"name": "Ann Example"}}


def test_forget_drops_the_unsaved_state_of_a_signed_record(db: Database) -> None:
    saver = Autosaver(db, quiet=1.0, max_delay=1.0)
    saver.update("r1", {"answers": {"a": 1}}, staff_id="rn1")
    assert saver.forget("r1") == {"answers": {"a": 1}}
    assert not saver.has_unsaved and saver.forget("r1") is None
    saver.close()
    assert load_draft(db, "r1") is None
