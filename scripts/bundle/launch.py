"""The bundle's entry point, for both of its programs: exactly ``python -m checklist_app`` (no arguments or
``--gui``: the window; a command such as ``check`` or ``--version``: headless, without loading Qt)."""

import sys

from checklist_app.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
