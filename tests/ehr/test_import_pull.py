"""Importing into the database's drafts through the commands, and pulling from the FHIR server on localhost:
``fhir import`` fills a new draft and records 'imported' in the audit trail (on SQLite and PostgreSQL);
``fhir pull`` finds the patient by MRN or wristband with a bearer token or SMART backend-services client
credentials (a signed JWT the server checks with the registered public key); the token appears in no output
and no audit event; a wrong MRN, refused credentials or an unreachable server fill nothing."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import fhir_server
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from importing_helpers import EXAMPLES, MRN_SYSTEM, example

from checklist_app.cli import main
from checklist_app.ehr import export_config, pull
from checklist_app.storage import Database, list_events, load_draft, outbox

TOKEN = "s3cr3t-bearer-token-never-shown"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    with fhir_server.running() as running:
        running.load(example("okafor-apixaban-recent"))
        running.load(example("lindqvist-other-patient"))
        token_file = tmp_path / "token"
        token_file.write_text(TOKEN + "\n")
        monkeypatch.delenv(outbox.FHIR_BASE_URL_ENV, raising=False)  # importing must not turn exports on
        monkeypatch.setenv(pull.IMPORT_URL_ENV, running.url)
        monkeypatch.setenv(export_config.FHIR_TOKEN_FILE_ENV, str(token_file))
        monkeypatch.setenv(export_config.MRN_SYSTEM_ENV, MRN_SYSTEM)
        yield running


def _events(db: Database, record_id: str) -> list[Any]:
    return [e for e in list_events(db, record_id) if e.event_type == "imported"]


def test_fhir_import_fills_a_new_draft_and_the_trail_says_imported_from_where(db: Database, capsys) -> None:
    path = EXAMPLES / "okafor-apixaban-recent.json"
    assert main(["fhir", "import", str(path), "--record-id", "okafor-1", "--new"]) == 0
    out = capsys.readouterr().out
    assert "filled    inr: INR 1.1, 2026-11-28 (Observation/inr-20261128)" in out
    assert "not used  MedicationStatement/ms-atorvastatin" in out
    data = load_draft(db, "okafor-1").data
    assert data["answers"]["inr"] == {"value": 1.1, "unit": "ratio", "date": "2026-11-28"}
    assert data["sources"]["inr"]["origin"] == "FHIR Bundle file okafor-apixaban-recent.json"
    [event] = _events(db, "okafor-1")
    assert event.details["source"] == "FHIR Bundle file okafor-apixaban-recent.json"
    assert "Observation/inr-20261128" in event.details["resources"] and "inr" in event.details["filled"]
    # The other patient's Bundle into this draft: refused in words, the draft untouched.
    other = EXAMPLES / "lindqvist-other-patient.json"
    assert main(["fhir", "import", str(other), "--record-id", "okafor-1"]) == 2
    assert "This is another patient" in capsys.readouterr().out
    assert load_draft(db, "okafor-1").data == data and len(_events(db, "okafor-1")) == 1


def test_fhir_pull_by_mrn_with_a_bearer_token_then_pull_again_and_take_the_new_value(
        db: Database, server: Any, capsys) -> None:
    assert main(["fhir", "pull", "--mrn", "MRN-204811", "--record-id", "okafor-2", "--new"]) == 0
    out = capsys.readouterr().out
    assert f"From FHIR {server.url}, patient MRN MRN-204811" in out
    assert "filled    platelets: Platelets 212 x10^9/L, 2026-11-28" in out
    assert set(server.authorizations) == {f"Bearer {TOKEN}"}
    searched = {path.split("?")[0] for method, path in server.requests if method == "GET"}
    assert searched == {f"/fhir/{kind}" for kind in ("Patient", "Observation", "AllergyIntolerance",
                                                      "MedicationStatement", "MedicationRequest", "ServiceRequest",
                                                      "Procedure")}
    # The morning of the procedure the lab has a newer INR: the pull shows it beside the checklist's, fills nothing.
    inr = server.resources["Observation"]["inr-20261128"]
    inr.update(effectiveDateTime="2026-12-01T06:10:00Z", meta={"versionId": "2"})
    inr["valueQuantity"]["value"] = 1.2
    assert main(["fhir", "pull", "--wristband", "MRN-204811", "--record-id", "okafor-2"]) == 1
    out = capsys.readouterr().out
    assert 'differs   inr: checklist {"value": 1.1' in out and '| chart {"value": 1.2' in out
    assert load_draft(db, "okafor-2").data["answers"]["inr"]["value"] == 1.1
    assert main(["fhir", "pull", "--record-id", "okafor-2", "--take", "inr"]) == 0
    assert "took new inr" in capsys.readouterr().out
    data = load_draft(db, "okafor-2").data
    assert data["answers"]["inr"] == {"value": 1.2, "unit": "ratio", "date": "2026-12-01"}
    assert data["import_choices"]["inr"]["choice"] == "took_new"
    trail = json.dumps([e.details for e in list_events(db, "okafor-2")])
    assert TOKEN not in trail and TOKEN not in out and TOKEN not in json.dumps(data)


def test_no_such_mrn_refused_credentials_and_no_server_fill_nothing(db: Database, server: Any, capsys) -> None:
    assert main(["fhir", "pull", "--mrn", "MRN-000000", "--record-id", "x1", "--new"]) == 2
    assert "has no patient with MRN MRN-000000. Nothing was filled." in capsys.readouterr().out
    server.fail_next = [401]
    assert main(["fhir", "pull", "--mrn", "MRN-204811", "--record-id", "x1", "--new"]) == 2
    assert "refused this workstation's credentials (HTTP 401)" in capsys.readouterr().out
    server.stop()
    assert main(["fhir", "pull", "--mrn", "MRN-204811", "--record-id", "x1", "--new"]) == 2
    assert "cannot be reached" in capsys.readouterr().out
    assert load_draft(db, "x1") is None


def test_smart_backend_services_signs_a_jwt_the_server_verifies_and_uses_its_token(
        db: Database, server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    key = ec.generate_private_key(ec.SECP384R1())
    key_file = tmp_path / "client.pem"
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    token_url = server.url.removesuffix("/fhir") + "/token"
    seen: list[dict[str, Any]] = []

    def token_endpoint(form: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        header, claims, signature = form["client_assertion"][0].split(".")
        raw = base64.urlsafe_b64decode(signature + "==")
        der = encode_dss_signature(int.from_bytes(raw[:48], "big"), int.from_bytes(raw[48:], "big"))
        key.public_key().verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA384()))  # raises if forged
        seen.append({"header": json.loads(base64.urlsafe_b64decode(header + "==")),
                     "claims": json.loads(base64.urlsafe_b64decode(claims + "==")), "form": form})
        return 200, {"access_token": "smart-access-1", "token_type": "bearer", "expires_in": 300}

    server.token_endpoint = token_endpoint
    monkeypatch.delenv(export_config.FHIR_TOKEN_FILE_ENV)
    monkeypatch.setenv(pull.SMART_CLIENT_ENV, "checklist-app-bay2")
    monkeypatch.setenv(pull.SMART_KEY_ENV, str(key_file))
    monkeypatch.setenv(pull.SMART_TOKEN_URL_ENV, token_url)
    monkeypatch.setenv(pull.SMART_KID_ENV, "bay2-2026")
    assert main(["fhir", "pull", "--mrn", "MRN-204811", "--record-id", "okafor-3", "--new"]) == 0
    [request] = seen
    assert request["header"] == {"alg": "ES384", "typ": "JWT", "kid": "bay2-2026"}
    assert request["claims"]["iss"] == request["claims"]["sub"] == "checklist-app-bay2"
    assert request["claims"]["aud"] == token_url
    assert request["form"]["grant_type"] == ["client_credentials"]
    assert set(server.authorizations) == {"Bearer smart-access-1"}
    assert "smart-access-1" not in capsys.readouterr().out
