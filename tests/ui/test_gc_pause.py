"""gc_pause freezes long-lived objects while a checklist is open, but never keeps garbage frozen."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest

from checklist_app.ui import gc_pause


class Node:
    """An object in a reference cycle: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


def cycle() -> weakref.ref:
    return weakref.ref(Node())


@pytest.fixture(autouse=True)
def no_windows(monkeypatch):
    monkeypatch.setattr(gc_pause, "_open_windows", 0)
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_garbage_made_before_a_window_opens_is_collected_not_frozen():
    gone = cycle()
    gc_pause.window_opened()
    assert gone() is None
    assert gc_pause.frozen_count() > 0


def test_closing_one_of_two_windows_collects_what_only_it_held():
    gc_pause.window_opened()
    held = [Node()]  # a closed window's objects: frozen with everything else when the second window opened
    gc_pause.window_opened()
    gone = weakref.ref(held[0])
    held.clear()
    gc.collect()
    assert gone() is not None  # frozen: the collector does not see it
    gc_pause.window_closed()  # one window still open
    assert gone() is None
    assert gc_pause.frozen_count() > 0
    gc_pause.window_closed()
    assert gc_pause.frozen_count() == 0


def test_objects_loaded_later_are_frozen_once_loaded_while_a_window_is_open():
    gc_pause.window_opened()
    before = gc_pause.frozen_count()
    made = []
    loading = threading.Thread(target=lambda: made.extend(object.__new__(Node) for _ in range(5000)))
    loading.start()
    gc_pause.freeze_after(loading)
    loading.join()
    for _ in range(100):
        if gc_pause.frozen_count() >= before + 5000:
            break
        threading.Event().wait(0.01)
    assert gc_pause.frozen_count() >= before + 5000


def test_nothing_is_frozen_after_loading_when_no_window_is_open():
    loading = threading.Thread(target=lambda: None)
    loading.start()
    gc_pause.freeze_after(loading)
    loading.join()
    threading.Event().wait(0.05)
    assert gc_pause.frozen_count() == 0
