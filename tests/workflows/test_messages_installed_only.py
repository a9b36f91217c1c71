"""The message catalogue comes from the installed ``messages.yaml``; its JSON copy in the user cache folder
(which the user can edit) may only word the first paint, never what a signature means, and a copy that
does not equal the installed file is found, logged, replaced and ignored once the app is live."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest

from checklist_app import cached_yaml, resources
from checklist_app.workflows import messages

MESSAGES = resources.resource_path(messages.MESSAGES_FILE)
INSTALLED = resources.load_yaml(MESSAGES)
TAMPERED = "I confirm the patient is CLEARED for the procedure."


@pytest.fixture
def catalogue(tmp_path, monkeypatch):
    """A fresh catalogue (as in a new process) over an empty cache folder; the real state is put back."""
    monkeypatch.setenv(cached_yaml.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(messages, "_loaded", {})
    monkeypatch.setattr(messages, "_first_paint", {"from_copy": False})
    monkeypatch.setattr(cached_yaml, "_served", {})
    return tmp_path / "cache" / "yaml"


def tamper(folder) -> None:
    """Edit the copy as someone with access to the user's cache folder would: data changed, key kept valid."""
    (copy,) = folder.glob("*-messages.yaml.json")
    kept = json.loads(copy.read_text(encoding="utf-8"))
    kept["data"]["sign"]["meaning_not_cleared"] = TAMPERED
    kept["data"]["states"]["signed_not_cleared"] = "Signed, cleared"
    copy.write_text(json.dumps(kept), encoding="utf-8")


def new_process(monkeypatch) -> None:
    monkeypatch.setattr(messages, "_loaded", {})
    monkeypatch.setattr(messages, "_first_paint", {"from_copy": False})


def test_a_tampered_copy_never_words_a_signature_and_is_replaced_once_the_app_is_live(catalogue, monkeypatch,
                                                                                       caplog):
    installed = INSTALLED["sign"]["meaning_not_cleared"].format(count=1)
    messages.paint_from_copy()
    assert messages.text("states.draft") == "Draft"  # a first start: parsed, and the copy written
    messages.confirm_installed()
    tamper(catalogue)

    new_process(monkeypatch)  # the next start paints from the (now tampered) copy
    messages.paint_from_copy()
    assert messages.text("states.signed_not_cleared") == "Signed, cleared"  # display text before the app is live
    assert messages.text("sign.meaning_not_cleared", count=1) == installed  # never from the copy
    with caplog.at_level(logging.WARNING, logger="checklist_app.cached_yaml"):
        messages.confirm_installed()  # start-up's second step
    assert "messages.yaml.json did not match" in caplog.text and str(MESSAGES) in caplog.text
    assert messages.text("sign.meaning_not_cleared", count=1) == installed
    assert messages.text("states.signed_not_cleared") == "Signed, NOT CLEARED"
    (copy,) = catalogue.glob("*-messages.yaml.json")  # written again, from the installed file
    assert json.loads(copy.read_text(encoding="utf-8"))["data"] == INSTALLED

    new_process(monkeypatch)
    messages.paint_from_copy()
    caplog.clear()
    assert messages.text("states.signed_not_cleared") == "Signed, NOT CLEARED"
    with caplog.at_level(logging.WARNING, logger="checklist_app.cached_yaml"):
        messages.confirm_installed()
    assert caplog.text == ""  # a copy equal to the installed file is kept quietly


def test_without_the_first_paint_the_copy_is_never_read(catalogue, monkeypatch):
    """Headless commands, and the one-step start, never call paint_from_copy."""
    messages.paint_from_copy()
    messages.text("states.draft")
    messages.confirm_installed()
    tamper(catalogue)
    new_process(monkeypatch)
    assert messages.text("states.signed_not_cleared") == "Signed, NOT CLEARED"
    assert messages.text("sign.meaning_not_cleared", count=2) == INSTALLED["sign"]["meaning_not_cleared"].format(
        count=2)
    assert cached_yaml._served == {}


def test_a_copy_that_cannot_be_rewritten_is_still_ignored(catalogue, monkeypatch, caplog):
    messages.paint_from_copy()
    messages.text("states.draft")
    messages.confirm_installed()
    tamper(catalogue)
    new_process(monkeypatch)
    messages.paint_from_copy()
    assert messages.text("states.signed_not_cleared") == "Signed, cleared"
    monkeypatch.setattr(cached_yaml, "_keep", lambda *args: None)  # a full or read-only cache folder
    with caplog.at_level(logging.WARNING, logger="checklist_app.cached_yaml"):
        messages.confirm_installed()
    assert not list(catalogue.glob("*-messages.yaml.json"))  # deleted
    assert messages.text("states.signed_not_cleared") == "Signed, NOT CLEARED"


IMPORTS_COPIES = re.compile(r"^\s*(from checklist_app import [^\n]*\bcached_yaml\b|"
                            r"from checklist_app\.cached_yaml import|import checklist_app\.cached_yaml)", re.MULTILINE)


def test_only_the_first_paint_reads_the_copies():
    """The form, policies and site settings that rules, PDFs and signing use are parsed from the installed
    files (``domain.loading``); the copies are read by the first view and the catalogue's first paint only."""
    package = Path(cached_yaml.__file__).parent
    readers = sorted(str(p.relative_to(package)) for p in package.rglob("*.py")
                     if IMPORTS_COPIES.search(p.read_text(encoding="utf-8")))
    assert readers == ["workflows/first_view.py", "workflows/messages.py"]
