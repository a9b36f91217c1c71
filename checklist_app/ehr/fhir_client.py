"""POSTing a transaction Bundle to the FHIR server with httpx, and reading its transaction-response.

Every way it can fail becomes a ``SendError`` whose text starts with its kind, which the worklist turns into
words: ``unreachable`` (no connection, timed out, connection dropped: the export may or may not have
arrived, and the retry's conditional creates settle it), ``server error`` (5xx), ``refused`` (4xx: the
server read the Bundle and said no; its OperationOutcome's first issue is kept, shortened). The bearer
token is sent in the Authorization header only; it never appears in an error, a log line or the outbox.
TLS certificates are always verified (against ``CHECKLIST_APP_FHIR_CA_FILE`` when set).
"""

from __future__ import annotations

import json
from typing import Any

from checklist_app.ehr.export_config import FhirDestination
from checklist_app.ehr.sender import SendError

FHIR_JSON = "application/fhir+json"
DETAIL_CHARS = 200  # of the server's diagnostics kept with a failure: enough for IT, short of a record


def post_transaction(destination: FhirDestination, body: bytes) -> dict[str, Any]:
    """Send ``body`` (a transaction Bundle) and return what the server answered: HTTP status and, per entry,
    its status and location. SendError on any failure."""
    import httpx

    headers = {"Content-Type": f"{FHIR_JSON}; charset=utf-8", "Accept": FHIR_JSON}
    token = destination.token()
    if token:
        headers["Authorization"] = f"Bearer {token}"
    verify: Any = str(destination.ca_file) if destination.ca_file else destination.tls_verify
    try:
        with httpx.Client(timeout=destination.timeout, verify=verify, follow_redirects=False) as client:
            reply = client.post(destination.base_url + "/", content=body, headers=headers)
    except httpx.TimeoutException:
        raise SendError(f"unreachable: no answer from {destination.base_url} within {destination.timeout:g} s") \
            from None
    except httpx.TransportError as exc:  # refused, reset, dropped, TLS failure, name not found
        raise SendError(f"unreachable: {destination.base_url}: {type(exc).__name__}") from None
    if reply.status_code >= 500:
        raise SendError(f"server error: HTTP {reply.status_code}{_outcome(reply.content)}")
    if reply.status_code >= 300:
        raise SendError(f"refused: HTTP {reply.status_code}{_outcome(reply.content)}")
    try:
        answer = json.loads(reply.content)
        entries = [entry.get("response") or {} for entry in answer.get("entry") or []]
        if answer.get("resourceType") != "Bundle" or answer.get("type") != "transaction-response":
            raise ValueError
    except (ValueError, AttributeError):
        raise SendError(f"refused: HTTP {reply.status_code} but the answer is not a transaction-response "
                        f"Bundle") from None
    bad = [e.get("status", "") for e in entries if not str(e.get("status", "")).startswith("2")]
    if bad:
        raise SendError(f"refused: the server answered {', '.join(bad)[:DETAIL_CHARS]} for some entries")
    return {"status": reply.status_code,
            "entries": [{"status": e.get("status"), "location": e.get("location")} for e in entries]}


def _outcome(content: bytes) -> str:
    """': <severity> <code>: <diagnostics>' from an OperationOutcome's first issue, or ''."""
    try:
        outcome = json.loads(content)
        issue = (outcome.get("issue") or [{}])[0]
    except (ValueError, AttributeError, IndexError):
        return ""
    words = " ".join(str(issue.get(key, "")) for key in ("severity", "code") if issue.get(key))
    detail = str(issue.get("diagnostics") or (issue.get("details") or {}).get("text") or "")[:DETAIL_CHARS]
    return f" ({words}: {detail})" if words or detail else ""
