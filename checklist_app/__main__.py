"""Entry point: ``python -m checklist_app`` opens the app; with a command it runs that command headless.

Until the intake window exists (see the README), launching without a command runs the headless
``check`` on the demo record so a fresh install shows something real.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch to the GUI or to a headless command."""
    args = list(sys.argv[1:] if argv is None else argv)
    from checklist_app import cli

    if args and args[0] not in ("--gui",):
        return cli.main(args)
    if importlib.util.find_spec("checklist_app.ui.app") is not None:
        from checklist_app.ui.app import run_gui  # Qt only from here on

        return run_gui(args[1:])
    from checklist_app import resources

    demo = str(resources.form_path("examples/clean.json"))
    print("The intake window is not built yet; showing the headless check of the demo record.\n"
          f"Other commands: python -m checklist_app --help\n\n$ python -m checklist_app check {demo}\n")
    return cli.main(["check", demo])


if __name__ == "__main__":
    sys.exit(main())
