"""Headless PDFs: ``render`` writes a record's checklist and discharge instructions, ``verify-seal``
checks a sealed PDF.

    python -m checklist_app render forms/examples/clean.json --out out/ [--now 2026-12-01T08:00] [--seal]

A record file carries no signature (signing happens in the app, with a PIN), so ``render`` prints the
checklist as a marked draft: "DRAFT - NOT SIGNED" on every page instead of a signature block.

With ``$CHECKLIST_APP_DATABASE_URL`` set, both commands use the site's settings and sealing certificate
from the shared database, as the app does (``workflows.site_seal``).

``verify-seal`` always prints one verdict line, never a traceback, and exits 0 when the seal is valid, 1
when it is not (changed, cut short, damaged, not a PDF, no seal, sealed at another site or installation),
2 when the file could not be checked (it cannot be read, or the certificates to trust cannot be read).
"""

from __future__ import annotations

import argparse
import os
from datetime import datetime
from pathlib import Path

from checklist_app.cli import EXIT_INVALID, EXIT_NO, EXIT_OK
from checklist_app.cli.core import load_record_file, moment, policy_for
from checklist_app.domain.errors import ChecklistError, PdfRenderError
from checklist_app.pdf import SignedPacket, render_checklist, render_discharge
from checklist_app.rules import evaluate, load_form
from checklist_app.storage.paths import data_dir
from checklist_app.workflows.site_seal import command_database, use_for_sealing
from checklist_app.workflows.site_settings import load_effective_site


def register(sub: argparse._SubParsersAction) -> None:
    """Add render and verify-seal."""
    p = sub.add_parser("render", help="write <record_id>-checklist.pdf and <record_id>-discharge.pdf")
    p.add_argument("record", type=Path, help="a checklist record (JSON)")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder for the PDFs (created if needed)")
    p.add_argument("--now", type=moment, help="evaluate as of this ISO date-time (default: now)")
    p.add_argument("--policy", help="policy id or file (default: the record's, else the site's)")
    p.add_argument("--form", type=Path, help="form file (default: the shipped form)")
    p.add_argument("--language", choices=["en", "es"], help="discharge sheet language (default: the record's)")
    p.add_argument("--large-print", action="store_true", default=None,
                   help="discharge sheet in large print (default: the record's dc_large_print)")
    p.add_argument("--only", choices=["checklist", "discharge"], help="write just one of the two")
    p.add_argument("--seal", action="store_true",
                   help="seal both PDFs with the installation certificate, as the app does at signing")
    p.add_argument("--force", action="store_true", help="replace PDFs already in the output folder")
    p.add_argument("--reproducible", action="store_true",
                   help="byte-identical output for the same input (no creation date in the PDF)")
    p.set_defaults(handler=run_render)

    p = sub.add_parser("verify-seal",
                       help="check the PAdES seal of a PDF made by render --seal or the app; exit 0 valid, "
                            "1 not valid, 2 could not be checked")
    p.add_argument("pdf", type=Path)
    p.add_argument("--trust", type=Path, metavar="PEM",
                   help="root certificate to trust (default: the site's, or this installation's)")
    p.set_defaults(handler=run_verify)


def _write(path: Path, data: bytes, replace: bool) -> None:
    """Write a PDF readable by this user only (it holds patient data); never replace a file unasked."""
    target = path.with_name(path.name + ".part") if replace else path
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise PdfRenderError(f"{target} already exists; use --force to replace it") from None
    except OSError as exc:
        raise PdfRenderError(f"{target}: cannot be written ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        if replace:
            os.replace(target, path)
    except OSError as exc:
        target.unlink(missing_ok=True)
        raise PdfRenderError(f"{path}: cannot be written ({exc.strerror})") from None


def run_render(args: argparse.Namespace) -> int:
    """Render both PDFs for one record."""
    with command_database() as db:  # the shared database when there is one: its settings and certificate
        return _render(args, db)


def _render(args: argparse.Namespace, db) -> int:
    now = args.now or datetime.now().astimezone()
    form = load_form(args.form)
    record = load_record_file(args.record, form, now)
    folder = data_dir()
    site = load_effective_site(folder, db)  # the same settings the app uses
    policy = policy_for(form, args.policy or record.policy_id or site.default_policy, record)
    if db is not None and args.seal:
        use_for_sealing(db, folder, site_name=site.facility_name)
    packet = SignedPacket(record=record, form=form, evaluation=evaluate(form, record, policy, now), policy=policy,
                          site=site)
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PdfRenderError(f"{args.out}: the output folder cannot be created ({exc.strerror})") from None
    written = []
    if args.only in (None, "checklist"):
        pdf = _sealed(render_checklist(packet, invariant=args.reproducible), args.seal)
        path = args.out / f"{record.record_id}-checklist.pdf"
        _write(path, pdf, args.force)
        written.append(path)
    if args.only in (None, "discharge"):
        pdf = _sealed(render_discharge(packet, language=args.language, large_print=args.large_print,
                                       invariant=args.reproducible), args.seal)
        path = args.out / f"{record.record_id}-discharge.pdf"
        _write(path, pdf, args.force)
        written.append(path)
    status = "cleared" if packet.evaluation.cleared else "NOT CLEARED"
    for path in written:
        print(f"wrote {path}")
    print(f"{record.record_id}: unsigned draft, {status}" + (", sealed" if args.seal else ""))
    return EXIT_OK


def _sealed(pdf: bytes, seal: bool) -> bytes:
    if not seal:
        return pdf
    from checklist_app.pdf.seal import seal_pdf  # pyHanko: imported only when a document is sealed

    return seal_pdf(pdf)


def run_verify(args: argparse.Namespace) -> int:
    """Validate a sealed PDF and print the verdict: 0 valid, 1 not valid, 2 not checked (see the top)."""
    from checklist_app.pdf.seal import validate_sealed

    try:
        data = args.pdf.read_bytes()
    except FileNotFoundError:
        return _not_checked(args.pdf, "the file does not exist")
    except IsADirectoryError:
        return _not_checked(args.pdf, "this is a folder, not a PDF file")
    except OSError as exc:
        return _not_checked(args.pdf, f"the file cannot be read ({exc.strerror})")
    try:
        if args.trust is not None:
            check = validate_sealed(data, trust_root=args.trust)
        else:
            with command_database() as db:
                if db is not None:
                    use_for_sealing(db, data_dir())
                check = validate_sealed(data)
    except ChecklistError as exc:  # the certificates to trust, or the shared database, cannot be read
        return _not_checked(args.pdf, str(exc))
    print(f"{args.pdf}: {check.summary()}")
    return EXIT_OK if check.valid else EXIT_NO


def _not_checked(pdf: Path, reason: str) -> int:
    print(f"{pdf}: Seal not checked: {reason.rstrip('.')}.")
    return EXIT_INVALID
