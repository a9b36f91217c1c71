"""``screenshots --out DIR``: render the intake window's screens to PNG, offscreen, for the README.

This is the one command that needs Qt. The CLI package stays Qt-free when imported (import-linter
forbids Qt there, and the CLI sits below ``ui`` in the layers), so the renderer in
``checklist_app.ui.screenshots.render`` is loaded by name only when the command runs, after the offscreen
platform has been chosen. The screens show invented demo patients in a throw-away data folder, never
the workstation's own database.
"""

from __future__ import annotations

import argparse
import importlib
import os
from pathlib import Path

from checklist_app.cli import EXIT_INVALID, EXIT_OK

RENDERER = "checklist_app.ui.screenshots.render"


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``screenshots``."""
    p = sub.add_parser("screenshots", help="render the app's screens to PNG files (offscreen, demo data)")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder for the PNG files")
    p.add_argument("--size", default="1366x768", help="window size in screen pixels (default 1366x768)")
    p.add_argument("--scale", type=float, default=None,
                   help="Qt scale factor, e.g. 1.25 to check a 125%% display (default: 1)")
    p.set_defaults(handler=run_screenshots)


def run_screenshots(args: argparse.Namespace) -> int:
    """Render every screen into ``args.out``; prints one line per file."""
    try:
        width, height = (int(n) for n in args.size.lower().split("x"))
    except ValueError:
        print(f"error: --size must look like 1366x768, not {args.size!r}")
        return EXIT_INVALID
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # never a real window, whatever the session has
    if args.scale:
        os.environ["QT_SCALE_FACTOR"] = str(args.scale)
    renderer = importlib.import_module(RENDERER)
    for path in renderer.render_screenshots(args.out, size=(width, height)):
        print(path)
    return EXIT_OK
