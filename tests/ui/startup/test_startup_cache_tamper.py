"""A JSON copy in the user cache folder (``cached_yaml``) may word the first paint, nothing more: a copy
edited to change what a NOT CLEARED signature means, or the form's labels, is found when the app opens,
named in the log, written again from the installed file, and the installed words are the ones used."""

from __future__ import annotations

import argparse
import json
import logging
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from checklist_app import cached_yaml, resources
from checklist_app.storage import paths
from checklist_app.ui.startup import opening as startup
from checklist_app.workflows import messages

TAMPERED = "I confirm that the patient is CLEARED for the procedure."
INSTALLED = resources.load_yaml(resources.resource_path(messages.MESSAGES_FILE))


def start(monkeypatch, data_dir, while_opening=None, when_open=None) -> int:
    """One start of the app with its first paint, as in a new process (a fresh message catalogue)."""
    monkeypatch.setattr(messages, "_loaded", {})
    monkeypatch.setattr(messages, "_first_paint", {"from_copy": False})
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(startup, "critical", lambda title, text: pytest_fail(f"{title}: {text}"))
    finish = startup.Opening.finish

    def observed_finish(opening):
        if while_opening is not None:
            while_opening(opening)
        finish(opening)
        QTimer.singleShot(0, lambda: (when_open and when_open(opening), QApplication.exit(0)))

    monkeypatch.setattr(startup.Opening, "finish", observed_finish)
    # Never hang the suite; stopped once the start returns: a QApplication.exit() outside the app's event loop
    # makes every later event loop (a later test's dialog) return at once.
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(lambda: QApplication.exit(3))
    guard.start(20_000)
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        return startup.start(argparse.Namespace(data_dir=None, paint_first=True))
    finally:
        guard.stop()
        for handler in [h for h in root.handlers if h not in before]:
            root.removeHandler(handler)
            handler.close()


def pytest_fail(text: str) -> None:
    raise AssertionError(f"an error box was shown: {text}")


def copy_of(cache, name: str):
    (copy,) = cache.glob(f"*-{name}.json")
    return copy


def test_a_tampered_cache_copy_is_detected_and_ignored_for_signing(qapp, data_dir, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv(cached_yaml.CACHE_ENV, str(cache))
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(data_dir))
    monkeypatch.setattr(cached_yaml, "_served", {})
    assert start(monkeypatch, data_dir) == 0  # a new installation: the demo patient; the copies written
    assert start(monkeypatch, data_dir) == 0  # a later start: the worklist's rows, labels from the form's copy

    copy = copy_of(cache / "yaml", "messages.yaml")
    kept = json.loads(copy.read_text(encoding="utf-8"))
    kept["data"]["sign"]["meaning_not_cleared"] = TAMPERED  # the key (path, length, CRC-32) left valid
    copy.write_text(json.dumps(kept), encoding="utf-8")
    form_copy = copy_of(cache / "yaml", resources.DEFAULT_FORM)
    form = json.loads(form_copy.read_text(encoding="utf-8"))
    for section in form["data"]["sections"]:
        for item in section["items"]:
            for option in item.get("options") or []:
                if isinstance(option, dict) and "label" in option:
                    option["label"] = "TAMPERED"
    form_copy.write_text(json.dumps(form), encoding="utf-8")

    seen = {}

    def while_opening(opening):  # the first paint: display only
        seen["first paint"] = [r.procedure for r in opening.worklist.model.rows]
        seen["meaning while opening"] = messages.text("sign.meaning_not_cleared", count=1)

    def when_open(opening):
        seen["meaning"] = messages.text("sign.meaning_not_cleared", count=1)
        seen["rows"] = [r.procedure for r in opening.worklist.model.rows]
        seen["form"] = opening.ctx.form.item("procedure_type").option_label("kyphoplasty")

    assert start(monkeypatch, data_dir, while_opening, when_open) == 0
    installed = INSTALLED["sign"]["meaning_not_cleared"].format(count=1)
    assert seen["first paint"] == ["TAMPERED"]  # what the copy may do: word the first paint
    assert seen["meaning while opening"] == seen["meaning"] == installed  # signing wording: never the copy
    assert seen["rows"] == ["Kyphoplasty (balloon)"] == [seen["form"]]
    assert json.loads(copy.read_text(encoding="utf-8"))["data"] == INSTALLED  # written again, installed data
    assert "TAMPERED" not in form_copy.read_text(encoding="utf-8")
    log = (data_dir / "logs" / "app.log").read_text(encoding="utf-8")
    assert log.count("did not match") == 2 and copy.name in log and form_copy.name in log
    assert "Okafor" not in log  # no patient data in the log


def test_words_painted_from_a_tampered_copy_are_worded_again_once_the_app_is_open(qapp, data_dir, tmp_path,
                                                                                   monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv(cached_yaml.CACHE_ENV, str(cache))
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(data_dir))
    monkeypatch.setattr(cached_yaml, "_served", {})
    assert start(monkeypatch, data_dir) == 0
    copy = copy_of(cache / "yaml", "messages.yaml")
    kept = json.loads(copy.read_text(encoding="utf-8"))
    kept["data"]["startup"]["no_staff"] = "TAMPERED notice"
    copy.write_text(json.dumps(kept), encoding="utf-8")
    seen = {}

    def while_opening(opening):
        seen["first paint"] = opening.worklist.staff_notice.text()

    def when_open(opening):
        seen["open"] = opening.worklist.staff_notice.text()

    assert start(monkeypatch, data_dir, while_opening, when_open) == 0
    assert seen == {"first paint": "TAMPERED notice", "open": INSTALLED["startup"]["no_staff"].strip()}
