"""The Qt-free half of printing: the print dialog's choices as lp options, a packet-wide page range split per
document, the "Print to file" PDF (the pages themselves, merged), private never-replaced saved files, and the
sentences the nurse reads afterwards. A stand-in ``lp`` script records its arguments."""

from __future__ import annotations

import io
import stat
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from checklist_app.workflows.print_jobs import (
    PrintError,
    PrintJob,
    PrintOptions,
    document_ranges,
    lp_command,
    merged_pdf,
    parse_page_ranges,
    save_documents,
    saved_message,
    send_with_lp,
    sent_message,
    write_packet_file,
)


def _pdf(label: str, count: int) -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=letter)
    for n in range(1, count + 1):
        page.drawString(72, 700, f"{label} page {n}")
        page.showPage()
    page.save()
    return out.getvalue()


PACKET = [("checklist.pdf", _pdf("Checklist", 4)), ("discharge.pdf", _pdf("Discharge", 3))]


def test_the_dialogs_choices_become_lps_options():
    options = PrintOptions(paper="A4", sides="two-sided-long-edge", copies=2, collate=True)
    assert lp_command("lp", "Ward-3", "checklist.pdf", Path("/tmp/0.pdf"), options, ((2, 3),)) == [
        "lp", "-d", "Ward-3", "-t", "checklist.pdf", "-n", "2", "-o", "media=A4", "-o", "sides=two-sided-long-edge",
        "-o", "collate=true", "-P", "2-3", "--", "/tmp/0.pdf"]
    plain = lp_command("lp", "Ward-3", "x", Path("x.pdf"), PrintOptions())
    assert plain == ["lp", "-d", "Ward-3", "-t", "x", "-n", "1", "-o", "media=Letter", "-o", "sides=one-sided",
                     "--", "x.pdf"]
    several = lp_command("lp", "W", "x", Path("x.pdf"), PrintOptions(reverse=True), ((1, 1), (3, 4)))
    assert several[-6:] == ["-o", "outputorder=reverse", "-P", "1-1,3-4", "--", "x.pdf"]
    uncollated = lp_command("lp", "W", "x", Path("x.pdf"), PrintOptions(copies=3, collate=False))
    assert uncollated[uncollated.index("collate=false") - 1] == "-o"


@pytest.mark.parametrize(("pages", "expected"), [
    ((), [((1, 4),), ((1, 3),)]),
    (((1, 7),), [((1, 4),), ((1, 3),)]),
    (((2, 3),), [((2, 3),), ()]),
    (((4, 5),), [((4, 4),), ((1, 1),)]),
    (((5, 9),), [(), ((1, 3),)]),
    (((8, 9),), [(), ()]),
    (((1, 1), (3, 3), (6, 7)), [((1, 1), (3, 3)), ((2, 3),)]),  # "1, 3, 6-7" typed
])
def test_a_packet_page_range_is_split_into_each_documents_own_pages(pages, expected):
    assert document_ranges(pages, [4, 3]) == expected


def _fake_lp(folder: Path, script: str) -> str:
    path = folder / "lp"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)
    return str(path)


def test_each_document_is_its_own_job_with_only_its_pages(tmp_path):
    log = tmp_path / "calls"
    lp = _fake_lp(tmp_path, f'echo "$@" >> {log}\nn=$(wc -l < {log})\n'
                            'echo "request id is Ward-3-$((n + 11)) (1 file(s))"\n')
    job = send_with_lp(PACKET, "Ward-3", PrintOptions(pages=((4, 5),)), lp=lp)
    assert job == PrintJob("Ward-3", ("Ward-3-12", "Ward-3-13"), 2, 2, "lp")
    calls = log.read_text().splitlines()
    assert "-P 4-4" in calls[0] and "-t checklist.pdf" in calls[0]
    assert "-P 1-1" in calls[1] and "-t discharge.pdf" in calls[1]
    assert sent_message(job) == "Sent 2 documents to Ward-3 (jobs 12, 13)"
    only_checklist = send_with_lp(PACKET, "Ward-3", PrintOptions(pages=((1, 4),)), lp=lp)
    assert only_checklist.documents == 1 and only_checklist.pages == 4
    assert "-P" not in log.read_text().splitlines()[2]  # the whole document: no range sent
    assert sent_message(only_checklist) == "Sent 1 document to Ward-3 (job 14)"


def test_a_refusal_gives_lps_words_and_what_was_sent_before_it(tmp_path):
    lp = _fake_lp(tmp_path, 'case "$*" in *discharge*) echo "lp: Unable to print: out of paper." >&2; exit 1;; esac\n'
                            'echo "request id is Ward-3-40 (1 file(s))"\n')
    with pytest.raises(PrintError) as refused:
        send_with_lp(PACKET, "Ward-3", PrintOptions(), lp=lp)
    assert str(refused.value) == ("The printer 'Ward-3' did not take 'discharge.pdf'. The print system said: "
                                  "lp: Unable to print: out of paper. 'checklist.pdf' was sent (job 40) and is "
                                  "printing.")
    with pytest.raises(PrintError, match="Pages 8-9 are not in the packet"):
        send_with_lp(PACKET, "Ward-3", PrintOptions(pages=((8, 9),)), lp=lp)


def test_print_to_file_writes_the_pages_themselves_small_searchable_and_private(tmp_path):
    out = tmp_path / "packet.pdf"
    out.write_bytes(b"an older print")
    job = write_packet_file(out, PACKET, ((3, 4), (5, 6)))
    assert job == PrintJob(str(out), (), 2, 4, "file")
    assert sent_message(job) == f"Saved 2 documents (4 pages) as {out}"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert [line.strip() for line in text.split("\f") if line.strip()] == [
        "Checklist page 3", "Checklist page 4", "Discharge page 1", "Discharge page 2"]
    whole = merged_pdf(PACKET)
    assert len(PdfReader(io.BytesIO(whole)).pages) == 7
    assert len(whole) < 2 * sum(len(data) for _, data in PACKET)  # the pages' own content, not pictures


def test_saving_never_replaces_a_file_and_keeps_it_private(tmp_path):
    (tmp_path / "checklist.pdf").write_bytes(b"kept")
    first = save_documents(tmp_path, PACKET)
    second = save_documents(tmp_path, PACKET)
    assert [p.name for p in first] == ["checklist (2).pdf", "discharge.pdf"]
    assert [p.name for p in second] == ["checklist (3).pdf", "discharge (2).pdf"]
    assert (tmp_path / "checklist.pdf").read_bytes() == b"kept"
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in first + second)
    assert saved_message(first) == (f"Saved 2 PDFs in {tmp_path}", "checklist (2).pdf\ndischarge.pdf")


def test_a_folder_that_cannot_be_written_is_named(tmp_path):
    with pytest.raises(PrintError, match=r"cannot be written .*Choose another folder"):
        save_documents(tmp_path / "missing", PACKET)


def test_the_dialogs_own_cups_options_go_first_so_the_ones_read_from_the_printer_win():
    options = PrintOptions(other=(("page-set", "odd"), ("number-up", "2")))
    command = lp_command("lp", "W", "x", Path("x.pdf"), options)
    assert command[5:13] == ["-o", "page-set=odd", "-o", "number-up=2", "-n", "1", "-o", "media=Letter"]


@pytest.mark.parametrize(("typed", "ranges"), [
    ("1,3-4", ((1, 1), (3, 4))),
    ("2", ((2, 2),)),
    (" 5 - 7 , 9", ((5, 7), (9, 9))),
    ("", ()),
])
def test_a_typed_page_list_is_read_as_ranges(typed, ranges):
    assert parse_page_ranges(typed) == ranges
