"""``verify-audit`` and ``backup``: the site admin's checks that the record is whole, and its safe copy.

``verify-audit`` walks the audit chain and re-hashes every signed version and PDF; it prints OK with the
counts (exit 0), or each problem starting with the first broken link (exit 1). ``backup`` writes a
consistent snapshot of the database while the app may still be running.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from checklist_app.domain.errors import StorageError
from checklist_app.storage import backup_to, open_database, paths, verify_audit, verify_versions
from checklist_app.storage.anchors import pdf_file_problems


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``verify-audit`` and ``backup``."""
    verify = subparsers.add_parser(
        "verify-audit", help="check the audit trail and signed versions for tampering",
        description="Check that no audit event, signed version or stored PDF was changed, removed or "
                    "reordered. Exit status 0: intact; 1: something was altered (the first problem is "
                    "named).")
    verify.add_argument("--pdfs", metavar="FOLDER", type=Path,
                        help="also check the signed PDFs in this folder (exported copies, a print queue's output) "
                             "against the trail")
    verify.set_defaults(handler=_verify)
    backup = subparsers.add_parser(
        "backup", help="write a consistent copy of the database",
        description="Write a snapshot of the database (safe while the app runs). DEST is a new file or a "
                    "folder for a dated file; keep it on another disk, readable only by the admin.")
    backup.add_argument("destination", metavar="DEST",
                        help="a folder (created if needed; ends with / or has no extension) or a new file name")
    backup.set_defaults(handler=_backup)


def _verify(args: argparse.Namespace) -> int:
    files = 0
    with open_database(create=False) as db:
        report = verify_audit(db)
        versions, version_problems = verify_versions(db)
        if args.pdfs is not None:
            files, file_problems = pdf_file_problems(db, args.pdfs.expanduser())
            version_problems += file_problems
    problems = list(report.problems) + version_problems
    if problems:
        print(f"BROKEN: the record was altered outside the app ({len(problems)} problem(s)):")
        for problem in problems:
            print(f"  - {problem}")
        print("Keep the database file as it is for investigation, and restore the last backup to continue.")
        return 1
    also = f"; {files} signed PDF(s) in {args.pdfs} match the trail" if args.pdfs is not None else ""
    print(f"OK: {report.count} audit events in an unbroken chain; {versions} signed versions match their "
          f"SHA-256{also}.")
    return 0


def _backup(args: argparse.Namespace) -> int:
    destination = Path(args.destination).expanduser()
    if args.destination.endswith(("/", os.sep)) or not destination.suffix:
        try:  # a folder, as in the README: make it rather than write a file called "backups"
            paths.ensure_private_dir(destination)
        except OSError as exc:
            raise StorageError(f"{destination}: the backup folder cannot be created ({exc.strerror})") from None
    with open_database(create=False) as db:
        written = backup_to(db, destination)
    print(f"Backup written to {written} (readable by this user only).")
    return 0
