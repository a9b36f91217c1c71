"""Headless commands, ``python -m checklist_app <command>``: no Qt is imported on these paths.

Each module in this package registers its own subcommands; ``main`` builds the parser, runs the
command and turns every ``ChecklistError`` into a plain message and exit status 2 (never a traceback).
Exit statuses: 0 fine, 1 the command's own "no" (hard stops remain, audit chain broken), 2 bad input.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from checklist_app.domain.errors import ChecklistError

# Modules that add subcommands; each has register(subparsers).
COMMAND_MODULES = ["checklist_app.cli.core"]
OPTIONAL_COMMAND_MODULES = [
    "checklist_app.cli.staff",
    "checklist_app.cli.audit",
    "checklist_app.cli.db",
    "checklist_app.cli.render",
    "checklist_app.cli.screenshots",
    "checklist_app.cli.reports",
    "checklist_app.cli.fhir",
    "checklist_app.cli.plan",
]

EXIT_OK, EXIT_NO, EXIT_INVALID = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's default exits 2 too; keep it one line
        self.print_usage(sys.stderr)
        self.exit(EXIT_INVALID, f"{self.prog}: {message}\n")


class VersionAction(argparse.Action):
    """``--version``: print ``checklist_app 0.1.0 (build abc1234)`` and exit 0. Unlike argparse's own
    ``action="version"`` the version is read only when asked, not whenever a parser is built."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 default: object = argparse.SUPPRESS, help: str = "print the version and build, then exit") -> None:
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, _namespace: argparse.Namespace, _values: object,
                 _option_string: str | None = None) -> None:  # argparse passes them by position
        from checklist_app.version import describe

        print(describe())
        parser.exit(EXIT_OK)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every available subcommand."""
    parser = _Parser(prog="python -m checklist_app",
                     description="Pre-procedure checklist for vertebroplasty and kyphoplasty: headless commands. "
                     "Exit status: 0 fine, 1 the answer is no (hard stops remain, tampering found), 2 bad input.")
    parser.add_argument("--version", action=VersionAction)
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="where the database and keys live (default: $CHECKLIST_APP_DATA_DIR or the user data folder)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES + OPTIONAL_COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # that area is not built yet
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one headless command; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.data_dir:
        os.environ["CHECKLIST_APP_DATA_DIR"] = args.data_dir
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_INVALID
    try:
        return int(args.handler(args))
    except ChecklistError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except BrokenPipeError:
        return EXIT_OK
