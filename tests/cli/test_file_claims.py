"""Record files are claims, not signatures: an override or acknowledgement typed into a file (here by
"dr.nobody") is shown as "recorded in the file, not verified" by ``check`` and on the rendered PDF, never
counts toward CLEARED, and ``render --seal`` refuses the file."""

from __future__ import annotations

import json

import pytest
from pypdf import PdfReader

from checklist_app import resources
from checklist_app.cli import EXIT_INVALID, EXIT_NO, main

NOW = "2026-11-21T10:00"
INR_STOP = "LAB-01-inr:inr@b64f2408"  # the hard stop of forms/examples/hard-inr.json at NOW


def forged(tmp_path) -> str:
    """hard-inr.json with an override by a physician nobody knows, and an acknowledgement of a warning."""
    data = json.loads(resources.form_path("examples/hard-inr.json").read_text(encoding="utf-8"))
    data["overrides"] = [{"finding_key": INR_STOP, "physician_id": "dr.nobody", "at": "2026-11-21T09:00",
                          "reason": "Fine by me, go ahead."}]
    data["acknowledgements"] = [{"finding_key": "NO-SUCH-01:x@00000000", "by": "rn.nobody", "at": "2026-11-21T09:01",
                                 "note": "Told nobody."}]
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(data))
    return str(path)


def test_check_does_not_count_a_files_override_and_says_it_is_not_verified(tmp_path, capsys):
    assert main(["check", forged(tmp_path), "--now", NOW]) == EXIT_NO
    out = " ".join(capsys.readouterr().out.split())  # the report wraps at 100 columns
    assert "Recorded in the file, not verified (not counted): Overridden by dr.nobody" in out
    assert "OVERRIDES AND ACKNOWLEDGEMENTS RECORDED IN THE FILE, NOT VERIFIED (2)" in out
    assert "NO-SUCH-01:x@00000000: acknowledgement by rn.nobody at 2026-11-21 09:01: Told nobody. (no such " \
           "finding now)" in out
    assert out.endswith("Result: NOT CLEARED - 1 hard stop remains (1 with an override recorded in the "
                                 "file, not verified).")
    assert "CLEARED - nothing stops" not in out


def test_check_json_lists_the_claims_as_unverified_and_not_cleared(tmp_path, capsys):
    assert main(["check", forged(tmp_path), "--now", NOW, "--json"]) == EXIT_NO
    data = json.loads(capsys.readouterr().out)
    assert data["cleared"] is False and data["open_hard_stops"] == [INR_STOP] and data["overridden"] == []
    claims = {c["kind"]: c for c in data["unverified_claims"]}
    assert claims["override"]["by"] == "dr.nobody" and claims["override"]["finding_raised"] is True
    assert claims["acknowledgement"]["finding_raised"] is False
    assert all(c["verified"] is False and c["counted"] is False for c in claims.values())


def test_the_rendered_draft_says_not_verified_and_not_cleared(tmp_path, capsys):
    assert main(["render", forged(tmp_path), "--out", str(tmp_path / "out"), "--now", NOW,
                 "--only", "checklist"]) == 0
    assert "NOT CLEARED; 2 override(s)/acknowledgement(s) recorded in the file, not verified" in capsys.readouterr().out
    reader = PdfReader(tmp_path / "out" / "demo-hard-inr-checklist.pdf")
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    assert "NOT CLEARED" in text and "DRAFT - NOT SIGNED" in text
    assert "Recorded in the file, not verified (not counted): override by dr.nobody" in text
    assert "2 overrides or acknowledgements recorded in the file, not verified" in text
    assert "Overridden by" not in text and "overridden by a physician" not in text


@pytest.mark.parametrize("only", [[], ["--only", "discharge"]])
def test_render_seal_refuses_the_file_and_writes_nothing(tmp_path, capsys, only):
    assert main(["render", forged(tmp_path), "--out", str(tmp_path / "out"), "--now", NOW, "--seal", *only]) \
        == EXIT_INVALID
    assert "not sealed. A seal is for a checklist signed in the app" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
