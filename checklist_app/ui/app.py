"""``run_gui(args)``: start the intake window, or say in one line why it cannot start here.

This module imports no Qt at the top: on a machine without a display it must answer before Qt would
abort with its platform-plugin error, and name the headless commands instead. Everything that needs
Qt is in ``ui.startup``, imported only once a display (or an explicit ``QT_QPA_PLATFORM``) is there.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path


def no_display() -> bool:
    """True on Linux and other X11/Wayland systems with no display and no Qt platform chosen."""
    if sys.platform in ("win32", "darwin") or os.environ.get("QT_QPA_PLATFORM"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def no_display_message() -> str:
    """The one line printed instead of starting (from messages.yaml, read without Qt)."""
    from checklist_app.workflows import messages  # only here: a start with a display has its own first paint

    return " ".join(messages.text("startup.no_display").split())


def parse_args(args: Sequence[str]) -> argparse.Namespace:
    """Options of ``python -m checklist_app --gui``."""
    from checklist_app.cli import VersionAction

    parser = argparse.ArgumentParser(prog="python -m checklist_app --gui", description="Open the intake window.")
    parser.add_argument("--version", action=VersionAction)
    parser.add_argument("--data-dir", type=Path, help="where the database lives (default: the user data folder)")
    parser.add_argument("--exit-when-open", action="store_true",
                        help="start as usual, then exit once the app is open (status 0), or print why it cannot "
                             "open instead of showing a box (status 1): checks an installation")
    parser.set_defaults(paint_first=True)  # the window first, then the rest (ui.startup)
    return parser.parse_args(list(args))


def run_gui(args: Sequence[str] = ()) -> int:
    """Open the worklist; returns the exit status (2 when there is no display)."""
    options = parse_args(args)
    if no_display():
        print(no_display_message())
        return 2
    if options.data_dir is not None:
        os.environ["CHECKLIST_APP_DATA_DIR"] = str(options.data_dir)
    from checklist_app.ui.startup.opening import start  # Qt from here on

    return start(options)
