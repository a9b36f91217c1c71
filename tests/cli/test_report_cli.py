"""``report``: CSV files with their documented columns and no patient unless asked, the printable PDF (its
headings and figures read back with pypdf), and a refusal naming the option for a bad range (exit 2)."""

from __future__ import annotations

import csv
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from signed_record import PHYSICIAN, sign_example

from checklist_app.cli import EXIT_INVALID, EXIT_OK, main
from checklist_app.cli.reports import report_range
from checklist_app.domain.errors import ChecklistError
from checklist_app.workflows.report_csv import FILES, PATIENTS_FILE, columns


@pytest.fixture(scope="module")
def signed_dir(tmp_path_factory):
    """A data folder with two checklists signed for real: the clean example, and hard-inr overridden."""
    folder = tmp_path_factory.mktemp("signed")
    sign_example(folder, "clean")
    overridden = sign_example(folder, "hard-inr", override="INR re-checked by the lab, 1.3 at 06:50")
    return folder, overridden


def today() -> str:
    return date.today().isoformat()


def read(path):
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_csv_files_have_their_documented_columns_and_the_counts(signed_dir, tmp_path, capsys):
    folder, overridden = signed_dir
    out = tmp_path / "csv"
    assert main(["--data-dir", str(folder), "report", "--from", today(), "--to", today(), "--csv", str(out)]) == EXIT_OK
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    for name in FILES:
        with (out / name).open(encoding="utf-8-sig", newline="") as handle:
            assert next(csv.reader(handle)) == [column for column, _ in columns(name)], name
    (summary,) = read(out / "summary.csv")
    assert (summary["started"], summary["signed_cleared"], summary["signed_not_cleared"], summary["overrides"]) == (
        "2", "2", "0", "1")
    stop = next(f for f in overridden.content.evaluation.hard_stops)
    rule = next(r for r in read(out / "rules.csv") if r["rule_id"] == stop.rule_id)
    assert (rule["checklists"], rule["overridden"], rule["override_rate_percent"], rule["deferred"]) == (
        "1", "1", "100.0", "0")
    (physician,) = read(out / "physicians.csv")
    assert (physician["staff_id"], physician["overrides"]) == (PHYSICIAN, "1")
    days = read(out / "periods_day.csv")
    assert [d["period"] for d in days] == [today()] and days[0]["signed_with_time"] == "2"
    patient = overridden.content.record["answers"]["patient_name"]
    everything = "".join(p.read_text(encoding="utf-8-sig") for p in out.iterdir())
    assert patient not in everything and "Wrote 9 CSV files" in capsys.readouterr().out


def test_patients_are_listed_only_when_asked(signed_dir, tmp_path):
    folder, _ = signed_dir
    out = tmp_path / "csv"
    assert main(["--data-dir", str(folder), "report", "--from", today(), "--csv", str(out), "--with-patients"]) == 0
    assert (out / PATIENTS_FILE).exists() and read(out / PATIENTS_FILE) == []  # nothing was deferred


def test_the_pdf_has_its_headings_and_figures(signed_dir, tmp_path):
    folder, overridden = signed_dir
    pdf = tmp_path / "unit.pdf"
    assert main(["--data-dir", str(folder), "report", "--from", today(), "--to", today(), "--pdf", str(pdf)]) == 0
    reader = PdfReader(pdf)
    text = "\n".join(page.extract_text() for page in reader.pages)
    for heading in ("Unit report:", "Summary", "Checklists signed by day", "Why signed NOT CLEARED",
                    "Minutes from first answer to signature", "Rules that stopped most checklists",
                    "Rules that warned most", "Every rule that raised a finding", "Overrides per physician",
                    "Per proceduralist", "Per nurse (signer)", "Per day", "Ready by the site's deadline",
                    "not available yet", f"Page 1 of {len(reader.pages)}"):
        assert heading in text, heading
    assert "Test Physician (md.signer)" in text
    assert overridden.content.record["answers"]["patient_name"] not in text
    assert "PATIENT IDENTIFIERS" not in text


@pytest.mark.parametrize("args, field", [
    (["--from", "2026-13-01", "--to", "2026-12-01"], "--from: '2026-13-01' is not a date"),
    (["--from", "2026-11-05", "--to", "1/12/2026"], "--to: '1/12/2026' is not a date"),
    (["--from", "2026-11-05", "--to", "2026-11-01"], "--to: 2026-11-01 is before --from"),
    (["--to", "2026-11-01"], "--from: missing"),
    (["--month", "2026-13"], "--month: '2026-13' is not a month"),
    (["--month", "2026-11", "--from", "2026-11-01"], "--month: give either"),
    (["--from", "1900-01-01", "--to", "2026-01-01"], "more than 20 years"),
])
def test_a_bad_range_is_refused_naming_the_option(signed_dir, capsys, args, field):
    folder, _ = signed_dir
    assert main(["--data-dir", str(folder), "report", *args]) == EXIT_INVALID
    error = capsys.readouterr().err
    assert error.startswith("error: ") and field in error


def test_the_default_range_is_last_month_and_a_month_is_whole():
    assert report_range(None, None, None, date(2026, 3, 10)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert report_range(None, None, "2026-12", date(2026, 3, 10)) == (date(2026, 12, 1), date(2026, 12, 31))
    assert report_range("2026-11-02", None, None, date(2026, 11, 21)) == (date(2026, 11, 2), date(2026, 11, 21))
    with pytest.raises(ChecklistError, match="--from"):
        report_range(None, (date.today() + timedelta(days=1)).isoformat(), None, date.today())
