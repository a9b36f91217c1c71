"""Entry point: ``python -m checklist_app`` opens the intake window; with a command it runs that command
headless (``check``, ``render``, ``staff``...), without importing Qt.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch to the window (no arguments, or ``--gui``) or to a headless command."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] != "--gui":
        from checklist_app import cli

        return cli.main(args)
    from checklist_app.ui.app import run_gui  # Qt is imported only from here on

    return run_gui(args[1:])


if __name__ == "__main__":
    sys.exit(main())
