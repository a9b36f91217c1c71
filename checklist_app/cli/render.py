"""Headless PDFs: ``render`` writes a record's checklist and discharge instructions, ``verify-seal``
checks a sealed PDF.

    python -m checklist_app render forms/examples/clean.json --out out/ [--now 2026-12-01T08:00]
    python -m checklist_app render --record-id demo-clean [--signed-version 2] --out out/ [--seal]

A record file carries no signature (signing happens in the app, with a PIN), so ``render`` prints it as a
marked draft: "DRAFT - NOT SIGNED" on every page instead of a signature block. It is a claim, not a
signature: its overrides and acknowledgements print as "recorded in the file, not verified" and never count
toward CLEARED (``cli.core.evaluate_file``), and ``--seal`` refuses it, since a seal on it would lend a typed
claim the look of a signed record.

``--record-id`` gives a signed version from the database instead: the PDFs made and sealed at signing, as
stored with it (made again, and sealed now with ``--seal``, only for a version that has none stored); each
file written is an "exported" event in the audit trail.

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

from checklist_app import file_modes
from checklist_app.cli import EXIT_INVALID, EXIT_NO, EXIT_OK
from checklist_app.cli.core import evaluate_file, load_record_file, moment, policy_for
from checklist_app.domain import conventions
from checklist_app.domain.errors import ChecklistError, PdfRenderError
from checklist_app.pdf import SignedPacket, render_checklist, render_discharge
from checklist_app.rules import load_form
from checklist_app.storage.paths import data_dir
from checklist_app.workflows.site_seal import command_database, use_for_sealing
from checklist_app.workflows.site_settings import load_effective_site


def register(sub: argparse._SubParsersAction) -> None:
    """Add render and verify-seal."""
    p = sub.add_parser("render", help="write <record_id>-checklist.pdf and <record_id>-discharge.pdf")
    p.add_argument("record", type=Path, nargs="?",
                   help="a checklist record (JSON), printed as an unsigned draft; or use --record-id")
    p.add_argument("--record-id", metavar="ID",
                   help="a signed checklist in the database: its PDFs as made and sealed at signing")
    p.add_argument("--signed-version", type=int, metavar="N",
                   help="with --record-id: which signed version (default: the current one)")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder for the PDFs (created if needed)")
    p.add_argument("--now", type=moment, help="evaluate as of this ISO date-time (default: now)")
    p.add_argument("--policy", help="policy id or file (default: the record's, else the site's)")
    p.add_argument("--form", type=Path, help="form file (default: the shipped form)")
    p.add_argument("--language", choices=["en", "es"], help="discharge sheet language (default: the record's)")
    p.add_argument("--large-print", action="store_true", default=None,
                   help="discharge sheet in large print (default: the record's dc_large_print)")
    p.add_argument("--only", choices=["checklist", "discharge"], help="write just one of the two")
    p.add_argument("--seal", action="store_true",
                   help="with --record-id: seal PDFs made again now (those stored at signing are sealed "
                        "already); refused for a record file")
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
        fd = file_modes.create_private(target)  # binary on Windows too: text mode would turn \n into \r\n
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


# Options that shape a document made from a record file; a signed version's documents were made at signing.
FILE_ONLY = (("now", "--now"), ("policy", "--policy"), ("form", "--form"), ("language", "--language"),
             ("large_print", "--large-print"), ("reproducible", "--reproducible"))


def run_render(args: argparse.Namespace) -> int:
    """Render both PDFs for one record file, or write those of a signed version."""
    if (args.record is None) == (args.record_id is None):
        raise ChecklistError("render needs either a record file or --record-id ID (a signed checklist in the "
                             "database), not both")
    if args.record_id is not None:
        given = [flag for name, flag in FILE_ONLY if getattr(args, name) not in (None, False)]
        if given:
            raise ChecklistError(f"{', '.join(given)} cannot be used with --record-id: a signed version's PDFs "
                                 "are the ones made when it was signed")
        return _render_signed(args)
    if args.signed_version is not None:
        raise ChecklistError("--signed-version goes with --record-id, not with a record file")
    if args.seal:
        raise ChecklistError(
            f"{args.record}: not sealed. A seal is for a checklist signed in the app: a record file carries no "
            "signature, and its overrides and acknowledgements are not verified. Sign it in the app (which "
            "seals its PDFs), then write them with: render --record-id ID --out DIR")
    with command_database() as db:  # the shared database when there is one: its settings
        return _render(args, db)


def _render(args: argparse.Namespace, db) -> int:
    now = args.now or datetime.now().astimezone()
    site = load_effective_site(data_dir(), db)  # the same settings the app uses
    conventions.set_site_locale(site.locale)  # before the form: its wording and the PDFs' dates follow the site
    form = load_form(args.form)
    record = load_record_file(args.record, form, now)
    policy = policy_for(form, args.policy, record, site_default=site.default_policy)
    packet = SignedPacket(record=record, form=form, evaluation=evaluate_file(form, record, policy, now),
                          policy=policy, site=site, claims_unverified=True)
    pdfs = {}
    if args.only in (None, "checklist"):
        pdfs["checklist"] = render_checklist(packet, invariant=args.reproducible)
    if args.only in (None, "discharge"):
        pdfs["discharge"] = render_discharge(packet, language=args.language, large_print=args.large_print,
                                             invariant=args.reproducible)
    _write_all(args, record.record_id, pdfs)
    status = "cleared" if packet.evaluation.cleared else "NOT CLEARED"
    claims = len(record.overrides) + len(record.acknowledgements)
    print(f"{record.record_id}: unsigned draft, {status}"
          + (f"; {claims} override(s)/acknowledgement(s) recorded in the file, not verified" if claims else ""))
    return EXIT_OK


def _render_signed(args: argparse.Namespace) -> int:
    """The PDFs of a signed version, from the database (the shared one when the URL is set)."""
    from checklist_app.pdf import certificates
    from checklist_app.storage import list_versions, open_database
    from checklist_app.workflows import packet
    from checklist_app.workflows.session import Session
    from checklist_app.workflows.store import ChecklistStore

    folder = data_dir()
    session = Session(store=ChecklistStore(open_database(data_dir=folder, create=False), folder))
    try:
        versions = list_versions(session.store.db, args.record_id)
        if not versions:
            raise ChecklistError(f"--record-id {args.record_id}: no signed checklist with this id in the database")
        chosen = versions[-1] if args.signed_version is None else next(
            (v for v in versions if v.version_no == args.signed_version), None)
        if chosen is None:
            raise ChecklistError(f"--signed-version {args.signed_version}: checklist {args.record_id} has versions "
                                 f"{', '.join(str(v.version_no) for v in versions)}")
        documents = packet.packet_documents(session, chosen, session.staff_name)
        kinds = [k for k in packet.KINDS if args.only in (None, k)]
        pdfs = {kind: pdf for (_, pdf), kind in zip(documents.documents, packet.KINDS, strict=True) if kind in kinds}
        remade = [k for k in documents.remade if k in kinds]
        if remade and args.seal:  # made again from the signed version now: sealed now, and said so below
            pdfs.update({kind: _sealed(pdfs[kind], True) for kind in remade})
        written = _write_all(args, chosen.record_id, pdfs)
        packet.record_saved(session, chosen, written)
        status = "CLEARED" if chosen.cleared else "NOT CLEARED"
        print(f"{chosen.record_id}: {chosen.signed_text()[:-1]}, {status}; "
              + ("sealed at signing" if not remade else "sealed now" if args.seal else "not sealed"))
        if remade:
            print(documents.note)
    finally:
        certificates.use_site_identity(None)  # the session chose the site's certificate for this process
        session.close()
    return EXIT_OK


def _write_all(args: argparse.Namespace, record_id: str, pdfs: dict[str, bytes]) -> list[Path]:
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PdfRenderError(f"{args.out}: the output folder cannot be created ({exc.strerror})") from None
    written = []
    for kind, pdf in pdfs.items():
        path = args.out / f"{record_id}-{kind}.pdf"
        _write(path, pdf, args.force)
        written.append(path)
        print(f"wrote {path}")
    return written


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
