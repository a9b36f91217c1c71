"""The database server out of reach while a checklist is open: the window says it is waiting for the server
and that the answers stay on screen, and says they are saved once it is back."""

from __future__ import annotations

from ui_helpers import wait_saved

from checklist_app.domain.errors import DatabaseUnavailableError


def test_the_window_says_it_waits_for_the_server_and_when_it_is_back(qtbot, ctx, open_example):
    window = open_example("clean")
    window._on_answer_changed("proceduralist", "Dr Waits")
    wait_saved(qtbot, ctx)
    ctx.on_save_failed(DatabaseUnavailableError("The database server cannot be reached."))
    assert window.save_label.text().startswith("Waiting for the database server. Your answers stay on screen")
    assert window.save_label.toolTip() == "The database server cannot be reached."
    ctx.on_board_error(None)  # the watcher reached it again
    assert window.save_label.text().startswith("All changes saved")
