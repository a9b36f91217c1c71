"""Printing and saving the packet without Qt: CUPS' ``lp``, one merged PDF for "Print to file", private
files for "Save PDFs", and the sentences that tell the nurse what happened.

The print dialog's choices arrive as ``PrintOptions`` (the window reads them off the printer the dialog
returns) and become lp's own options, so the queue gets the PDFs unchanged, as vector pages, on the paper,
sides, copies and pages asked for. The packet is two documents printed as one: its page range counts across
both (pages 1-7 of a 4 + 3 page packet are all of it), and ``document_ranges`` splits it into each
document's own pages. pypdf (imported when used) counts and merges pages.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from checklist_app.domain.errors import ChecklistError
from checklist_app.file_modes import write_private

Documents = Sequence[tuple[str, bytes]]  # (title or file name, PDF)
Sides = Literal["one-sided", "two-sided-long-edge", "two-sided-short-edge"]
PageRange = tuple[int, int]  # first and last page, 1-based, both included
PageRanges = tuple[PageRange, ...]  # "1, 3-4" is ((1, 1), (3, 4)); empty for every page

_REQUEST_ID = re.compile(r"request id is (\S+)")
LP_TIMEOUT_S = 60


class PrintError(ChecklistError):
    """The packet could not be sent to the printer, or saved; the message says what happened and where."""


@dataclass(frozen=True)
class PrintOptions:
    """What the print dialog asked for, in CUPS' words (``media``, ``sides``)."""

    paper: str = "Letter"  # a CUPS media name: Letter, A4, Legal
    sides: Sides = "one-sided"
    copies: int = 1
    collate: bool = True
    pages: PageRanges = ()  # of the whole packet
    reverse: bool = False  # last page first
    # Other CUPS options the dialog gathered, passed on as they are: odd or even pages ("page-set"), pages
    # per sheet, and the printer's own settings chosen under Properties (tray, quality...).
    other: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class PrintJob:
    """What was sent: the printer (or file), CUPS job ids (empty when Qt printed), documents, pages, how."""

    printer: str
    job_ids: tuple[str, ...]
    documents: int
    pages: int
    method: str  # "lp", "qprinter" or "file"


def page_count(data: bytes) -> int:
    """Pages in a PDF."""
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def document_ranges(pages: PageRanges, counts: Sequence[int]) -> list[PageRanges]:
    """Each document's own pages within the packet's ``pages`` (empty: that document has none of them)."""
    ranges: list[PageRanges] = []
    start = 0  # pages of the packet before this document
    for count in counts:
        wanted = pages or ((start + 1, start + count),)
        own = ((max(first - start, 1), min(last - start, count)) for first, last in wanted)
        ranges.append(tuple((first, last) for first, last in own if first <= last))
        start += count
    return ranges


def parse_page_ranges(text: str) -> PageRanges:
    """CUPS' page-ranges value ("1,3-4", as the dialog writes what was typed) as ranges: ((1, 1), (3, 4))."""
    ranges = []
    for part in text.replace(" ", "").split(","):
        first, _, last = part.partition("-")
        if first.isdigit() and (not last or last.isdigit()):
            ranges.append((int(first), int(last or first)))
    return tuple(ranges)


def page_total(ranges: PageRanges) -> int:
    """How many pages ``ranges`` hold."""
    return sum(last - first + 1 for first, last in ranges)


def lp_command(lp: str, printer: str, title: str, path: Path, options: PrintOptions,
               pages: PageRanges = ()) -> list[str]:
    """The ``lp`` command line printing ``path`` with ``options``; ``pages`` are the document's own (empty:
    all of it)."""
    command = [lp, "-d", printer, "-t", title]
    for name, value in options.other:
        command += ["-o", f"{name}={value}"]
    command += ["-n", str(max(1, options.copies)), "-o", f"media={options.paper}", "-o", f"sides={options.sides}"]
    if options.copies > 1:
        command += ["-o", f"collate={'true' if options.collate else 'false'}"]
    if options.reverse:
        command += ["-o", "outputorder=reverse"]
    if pages:
        command += ["-P", ",".join(f"{first}-{last}" for first, last in pages)]
    return [*command, "--", str(path)]


def job_number(request_id: str) -> str:
    """The job's number from lp's request id ("Ward-3-12" is job 12 on Ward-3)."""
    return request_id.rsplit("-", 1)[-1]


def send_with_lp(documents: Documents, printer: str, options: PrintOptions, *, lp: str | None = None) -> PrintJob:
    """Send each (title, PDF) to ``printer`` as its own job; PrintError with lp's own words on failure."""
    command = lp or shutil.which("lp")
    if not command:
        raise PrintError("The 'lp' command (CUPS) is not installed on this computer.")
    counts = [page_count(data) for _, data in documents]
    ranges = document_ranges(options.pages, counts)
    sent: list[tuple[str, str]] = []  # (title, request id)
    with tempfile.TemporaryDirectory(prefix="checklist-print-") as folder:
        for n, ((title, data), count, pages) in enumerate(zip(documents, counts, ranges, strict=True)):
            if not pages:
                continue  # none of its pages were asked for
            path = Path(folder) / f"{n}.pdf"
            path.write_bytes(data)
            whole = pages == ((1, count),)
            result = _run(lp_command(command, printer, title, path, options, () if whole else pages))
            match = _REQUEST_ID.search(result.stdout)
            if result.returncode != 0 or not match:
                reason = (result.stderr or result.stdout).strip() or f"exit status {result.returncode}"
                raise PrintError(_refused(printer, title, reason, sent))
            sent.append((title, match.group(1)))
    if not sent:
        raise PrintError(f"{pages_text(options.pages)} are not in the packet ({sum(counts)} pages); nothing "
                         "was printed. Choose pages within it.")
    printed = sum(page_total(own) for own in ranges)
    return PrintJob(printer, tuple(request for _, request in sent), len(sent), printed, "lp")


def pages_text(pages: PageRanges) -> str:
    """"Pages 1-1, 3-4" for a message."""
    return "Pages " + ", ".join(f"{first}-{last}" for first, last in pages) if pages else "The pages"



def _run(command: list[str]) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=LP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(command, 1, "", f"no answer from the print system in {LP_TIMEOUT_S} s")


def _refused(printer: str, title: str, reason: str, sent: list[tuple[str, str]]) -> str:
    before = "".join(f" '{t}' was sent (job {job_number(r)}) and is printing." for t, r in sent)
    return f"The printer '{printer}' did not take '{title}'. The print system said: {reason.rstrip('.')}.{before}"


def merged_pdf(documents: Documents, pages: PageRanges = ()) -> bytes:
    """One PDF of the packet's pages (``pages`` of the whole packet), as they are: text stays text."""
    from pypdf import PdfReader, PdfWriter

    readers = [PdfReader(io.BytesIO(data)) for _, data in documents]
    writer = PdfWriter()
    for reader, own in zip(readers, document_ranges(pages, [len(r.pages) for r in readers]), strict=True):
        for first, last in own:
            for number in range(first - 1, last):
                writer.add_page(reader.pages[number])
    if not writer.pages:
        raise PrintError(f"{pages_text(pages)} are not in the packet; nothing was written. Choose pages within it.")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def write_packet_file(path: Path, documents: Documents, pages: PageRanges = ()) -> PrintJob:
    """"Print to file": the merged packet at ``path`` (replacing it, as the print dialog allowed), private."""
    data = merged_pdf(documents, pages)
    try:
        path.unlink(missing_ok=True)
        write_private(path, data)
    except OSError as exc:
        raise PrintError(f"{path} cannot be written ({exc.strerror}). Choose another file or folder.") from None
    return PrintJob(str(path), (), len(documents), page_count(data), "file")


def save_documents(folder: Path, documents: Documents) -> list[Path]:
    """Write each (file name, PDF) into ``folder``, private to this user; a name already there gets " (2)"
    (then " (3)"...) so no file is ever replaced."""
    written = []
    for name, data in documents:
        stem, suffix = Path(name).stem, Path(name).suffix
        for n in range(1, 1000):
            path = folder / (name if n == 1 else f"{stem} ({n}){suffix}")
            try:
                write_private(path, data)
            except FileExistsError:
                continue
            except OSError as exc:
                raise PrintError(f"{path} cannot be written ({exc.strerror}). Choose another folder.") from None
            break
        else:
            raise PrintError(f"{folder} already holds 999 copies of {name}. Choose another folder.")
        written.append(path)
    return written


def sent_message(job: PrintJob) -> str:
    """What the nurse is told once the packet has gone."""
    things = f"{job.documents} document{'s' if job.documents != 1 else ''}"
    if job.method == "file":
        return f"Saved {things} ({job.pages} pages) as {job.printer}"
    if job.job_ids:
        numbers = ", ".join(job_number(r) for r in job.job_ids)
        return f"Sent {things} to {job.printer} (job{'s' if len(job.job_ids) > 1 else ''} {numbers})"
    return f"Sent {things} ({job.pages} pages) to {job.printer}"


def saved_message(paths: Sequence[Path]) -> tuple[str, str]:
    """(what was done, the files by name) after "Save PDFs"."""
    folder = paths[0].parent if paths else Path()
    return (f"Saved {len(paths)} PDF{'s' if len(paths) != 1 else ''} in {folder}",
            "\n".join(path.name for path in paths))
