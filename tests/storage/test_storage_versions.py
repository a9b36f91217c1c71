"""Signed versions: frozen with a SHA-256, refused to UPDATE/DELETE, amended by new versions, PDFs kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from signed_helpers import signed_content
from storage_helpers import DRIVER_ERRORS, PINS, drop_guards, raw

from checklist_app.domain.canonical import canonical_json, sha256_hex
from checklist_app.domain.errors import StorageError
from checklist_app.storage import (
    AuthenticationError,
    Database,
    amend,
    attach_pdf,
    get_pdf,
    get_version,
    list_events,
    list_versions,
    load_draft,
    save_draft,
    sign,
    tables,
    verify_versions,
)

CONTENT = signed_content({"record_id": "r1", "answers": {"inr": 1.1}})
PDF = b"%PDF-1.7\n... the signed checklist ...\n%%EOF\n"


def sign_r1(db: Database, **overrides: object) -> object:
    args = dict(signer_id="rn1", pin=PINS["rn1"], meaning="Pre-procedure checklist completed and verified",
                content=CONTENT, form_id="vertebral_augmentation", form_version="1.0",
                policy_id="site_policy", policy_version="2026.1", pdf=PDF)
    return sign(db, "r1", **{**args, **overrides})


def test_signing_freezes_the_payload_with_its_sha256(staffed: Database) -> None:
    save_draft(staffed, "r1", CONTENT.record, staff_id="rn1")
    version = sign_r1(staffed)
    assert (version.version_no, version.replaces_version_id, version.documents) == (1, None, ("checklist",))
    assert version.content == CONTENT
    assert version.signer.model_dump() == {"staff_id": "rn1", "name": "Rita Nurse", "credentials": "RN",
                                           "role": "nurse"}
    assert version.payload["form"] == {"id": "vertebral_augmentation", "version": "1.0"}
    assert version.payload["policy"] == {"id": "site_policy", "version": "2026.1"}
    assert version.payload["meaning"] == "Pre-procedure checklist completed and verified"
    assert version.payload["workstation"] == "ws-test" and version.signed_at.utcoffset() == timedelta(0)
    assert version.payload["signed_at"].endswith("+00:00")  # the stored text the signed_at >= queries compare
    assert version.sha256 == sha256_hex(version.payload)
    with staffed.read() as conn:
        stored = conn.execute(tables.signed_versions.select()).one().content_json
    assert stored.encode() == canonical_json(version.payload)
    assert load_draft(staffed, "r1") is None
    event = list_events(staffed, "r1")[-2]  # then document_attached
    assert (event.event_type, event.details["sha256"]) == ("signed", version.sha256)
    assert get_pdf(staffed, version.version_id) == PDF


def test_signing_needs_the_signers_pin_and_a_clinical_role(staffed: Database) -> None:
    with pytest.raises(AuthenticationError, match="not correct"):
        sign_r1(staffed, pin="0000")
    with pytest.raises(AuthenticationError, match="only a nurse or physician can sign"):
        sign_r1(staffed, signer_id="it1", pin=PINS["it1"])
    with pytest.raises(StorageError, match="what the signature means"):
        sign_r1(staffed, meaning="")
    assert list_versions(staffed, "r1") == []


def test_a_signed_record_is_changed_only_by_an_amendment(staffed: Database) -> None:
    first = sign_r1(staffed)
    with pytest.raises(StorageError, match="already signed.*amendment"):
        sign_r1(staffed)
    with pytest.raises(StorageError, match="reason"):
        amend(staffed, "r1", replaces_version_id=first.version_id, reason="", signer_id="md1", pin=PINS["md1"],
              meaning="Amended", content=CONTENT, form_id="f", form_version="1")
    changed = signed_content({"record_id": "r1", "answers": {"inr": 1.4}})
    second = amend(staffed, "r1", replaces_version_id=first.version_id, reason="INR re-tested at 07:00",
                   signer_id="md1", pin=PINS["md1"], meaning="Amended and verified", content=changed,
                   form_id="vertebral_augmentation", form_version="1.0", pdf=b"%PDF second")
    assert (second.version_no, second.replaces_version_id) == (2, first.version_id)
    assert second.amendment_reason == "INR re-tested at 07:00" and second.signer.staff_id == "md1"
    assert [v.version_no for v in list_versions(staffed, "r1")] == [1, 2]
    # The old version and its PDF are still there, unchanged.
    assert get_version(staffed, first.version_id) == first
    assert get_pdf(staffed, first.version_id) == PDF and get_pdf(staffed, second.version_id) == b"%PDF second"
    with pytest.raises(StorageError, match="Only the latest signed version"):
        amend(staffed, "r1", replaces_version_id=first.version_id, reason="again", signer_id="md1",
              pin=PINS["md1"], meaning="Amended", content=CONTENT, form_id="f", form_version="1")
    assert list_events(staffed, "r1")[-2].event_type == "amended"


def test_a_pdf_is_attached_once(staffed: Database) -> None:
    version = sign_r1(staffed, pdf=None)
    assert get_pdf(staffed, version.version_id) is None
    attach_pdf(staffed, version.version_id, PDF, staff_id="rn1")
    attach_pdf(staffed, version.version_id, b"%PDF discharge", staff_id="rn1", kind="discharge")
    with pytest.raises(StorageError, match="never replaced"):
        attach_pdf(staffed, version.version_id, b"%PDF other", staff_id="rn1")
    assert get_version(staffed, version.version_id).documents == ("checklist", "discharge")


@pytest.mark.parametrize("sql", [
    "UPDATE signed_versions SET meaning = 'forged'",
    "DELETE FROM signed_versions",
    "UPDATE version_documents SET sha256 = 'forged'",
    "DELETE FROM version_documents",
])
def test_the_database_itself_refuses_to_change_signed_versions(staffed: Database, sql: str) -> None:
    sign_r1(staffed)
    # Around the app (on PostgreSQL the superuser, whom no grant limits): the trigger refuses.
    with raw(staffed) as conn, pytest.raises(DRIVER_ERRORS, match="cannot be changed or deleted"):
        conn.execute(sql)
    # Through the app: SQLite's trigger; on PostgreSQL the application role has no such privilege at all.
    refusal = "cannot be changed or deleted" if staffed.path else f"not allowed to do that \\({sql.split()[0]}\\)"
    with pytest.raises(StorageError, match=f"^Refused: .*{refusal}"):
        with staffed.write() as conn:
            conn.exec_driver_sql(sql)
    assert verify_versions(staffed) == (1, [])


def test_tampering_with_a_version_or_its_pdf_is_detected(staffed: Database) -> None:
    version = sign_r1(staffed)
    conn = raw(staffed)
    drop_guards(conn, "signed_versions")
    drop_guards(conn, "version_documents")
    forged = {**version.payload, "content": {"record": {"answers": {"inr": 0.9}}}}
    conn.execute("UPDATE signed_versions SET content_json = ?", (canonical_json(forged).decode(),))
    conn.execute("UPDATE version_documents SET pdf = ?", (b"%PDF forged",))
    count, problems = verify_versions(staffed)
    assert count == 1
    assert problems[0].startswith("signed version 1 (record version 1) was altered: its content no longer")
    assert "PDF of signed version 1 is not the one that was stored" in problems[1]
    # Recomputing the hash as well still shows: the trail recorded the original one.
    conn.execute("UPDATE signed_versions SET content_sha256 = ?", (sha256_hex(forged),))
    assert "differs from the one recorded when it was signed" in verify_versions(staffed)[1][0]
    conn.close()


def test_latest_versions_lists_each_records_current_version_newest_first(staffed: Database) -> None:
    from checklist_app.storage import latest_versions

    first = sign_r1(staffed)
    r2 = signed_content({"record_id": "r2", "answers": {}})
    second = sign(staffed, "r2", signer_id="rn1", pin=PINS["rn1"], meaning="Checklist completed", content=r2,
                  form_id="vertebral_augmentation", form_version="1.0")
    amended = amend(staffed, "r1", replaces_version_id=first.version_id, reason="weight corrected",
                    signer_id="rn1", pin=PINS["rn1"], meaning="Checklist completed", content=CONTENT,
                    form_id="vertebral_augmentation", form_version="1.0")
    listed = latest_versions(staffed)
    assert [v.version_id for v in listed] == [amended.version_id, second.version_id]
    assert listed[0] == get_version(staffed, amended.version_id)  # documents and payload as get_version has them
    assert [v.version_id for v in latest_versions(staffed, signed_since=amended.signed_at)] == [amended.version_id]
    assert [v.version_id for v in latest_versions(staffed, limit=1)] == [amended.version_id]
    assert latest_versions(staffed, signed_since=datetime(2999, 1, 1, tzinfo=UTC)) == []
    query = "SELECT * FROM signed_versions WHERE signed_at >= '2026' ORDER BY signed_at DESC"
    with raw(staffed) as conn:  # the worklist's query is served by the signing-time index
        if staffed.path is None:  # PostgreSQL: three rows are read faster without an index, unless told
            conn.execute("SET enable_seqscan = off")
        explain = "EXPLAIN QUERY PLAN" if staffed.path else "EXPLAIN"
        plan = " ".join(str(row) for row in conn.execute(f"{explain} {query}"))
    assert "ix_signed_versions_signed_at" in plan


class OldShape:
    """Content as an older app (or a test of one) stored it: other keys, no "cleared", findings it cannot read."""

    def to_json_data(self) -> dict:
        return {"record": {"record_id": "r1", "answers": {"inr": 1.1}}, "evaluation": {"findings": []},
                "written_by_a_newer_app": True}


def test_content_stored_in_another_shape_is_still_read_and_never_shown_as_cleared(staffed: Database) -> None:
    signed = sign(staffed, "r1", signer_id="rn1", pin=PINS["rn1"], meaning="Checklist completed",
                  content=OldShape(), form_id="f", form_version="1")
    from checklist_app.storage import latest_versions

    [listed] = latest_versions(staffed)
    assert listed.version_id == signed.version_id and listed.content.record["answers"] == {"inr": 1.1}
    assert listed.content.evaluation is None and not listed.cleared
    assert listed.payload["content"]["written_by_a_newer_app"] is True  # what was signed stays, under its hash
    assert verify_versions(staffed)[1] == []


def test_a_version_that_cannot_be_read_is_named_not_a_traceback(staffed: Database) -> None:
    version = sign_r1(staffed)
    with raw(staffed) as conn:
        drop_guards(conn, "signed_versions")
        conn.execute("UPDATE signed_versions SET content_json = '{\"signer\": 1}' WHERE version_id = ?",
                     (version.version_id,))
    with pytest.raises(StorageError, match="Signed version 1 of checklist r1 cannot be read"):
        get_version(staffed, version.version_id)
