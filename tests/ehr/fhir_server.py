"""A FHIR R4 server on localhost for the tests: validates every request body with the fhir.resources R4B
models (400 with an OperationOutcome when invalid), processes transaction Bundles all or nothing with
conditional create (``ifNoneExist``) and update-as-create (PUT), searches by identifier, and can be told to
fail: answer 500, be slow, or drop the connection before or after doing the work.

``FhirServer.creates`` counts resources created per type, so a test can show an export was delivered
exactly once however many times it was sent.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError


def outcome(code: str, text: str) -> dict[str, Any]:
    return {"resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": code, "diagnostics": text}]}


class Invalid(Exception):
    """A request the server refuses with 400."""


def _identifiers(resource: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    for key in ("identifier", "masterIdentifier"):
        value = resource.get(key)
        for ident in value if isinstance(value, list) else [value] if value else []:
            found.append((ident.get("system", ""), ident.get("value", "")))
    return found


class FhirServer:
    """The server's state and behaviour; ``url`` is its base."""

    def __init__(self, port: int = 0) -> None:
        self.resources: dict[str, dict[str, dict[str, Any]]] = {}
        self.puts: dict[str, dict[str, Any]] = {}  # PUT url -> the resource as last sent
        self.creates: Counter[str] = Counter()
        self.updates: Counter[str] = Counter()
        self.requests: list[tuple[str, str]] = []  # method, path
        self.bodies: list[bytes] = []
        self.fail_next: list[int] = []  # statuses to answer, one per request, before doing anything
        self.drop_next: list[str] = []  # "before" or "after" (the work done, the answer never sent)
        self.delay = 0.0  # seconds before answering a POST
        self.search_delay = 0.0  # seconds before answering a search (GET): a slow EHR
        self.authorizations: list[str | None] = []  # the Authorization header of each GET (search)
        self.post_authorizations: list[str | None] = []  # ... and of each POST (transaction, token)
        self.token_endpoint: Any = None  # a callable(form fields) -> (status, body) answering POST /token
        self.lock = threading.Lock()
        self._next_id = 0
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/fhir"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> FhirServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def all(self, resource_type: str) -> list[dict[str, Any]]:
        return list(self.resources.get(resource_type, {}).values())

    # --- FHIR behaviour -------------------------------------------------------------------------------

    def validate(self, resource: Any) -> dict[str, Any]:
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            raise Invalid("the body is not a FHIR resource (no resourceType)")
        try:
            model = get_fhir_model_class(resource["resourceType"])
        except KeyError:
            raise Invalid(f"unknown resource type {resource['resourceType']!r}") from None
        try:
            model.model_validate(resource)
        except ValidationError as exc:
            first = exc.errors()[0]
            raise Invalid(f"{resource['resourceType']}.{'.'.join(map(str, first['loc']))}: {first['msg']}") from None
        return resource

    def load(self, bundle: dict[str, Any]) -> None:
        """Hold a Bundle's resources as if created here (the example Bundles of forms/examples/fhir)."""
        for entry in bundle.get("entry") or []:
            resource = self.validate(entry["resource"])
            self.resources.setdefault(resource["resourceType"], {})[resource["id"]] = copy.deepcopy(resource)

    def search(self, resource_type: str, query: str, store: dict[str, dict[str, dict[str, Any]]] | None = None
               ) -> list[dict[str, Any]]:
        params = parse_qs(query)
        if "patient" in params:  # Observation?patient=&code=, AllergyIntolerance?patient=, ...
            return self.search_by_patient(resource_type, params)
        wanted = params.get("identifier", [])
        if set(params) - {"identifier"} or len(wanted) != 1:
            raise Invalid(f"this server searches by identifier only, not {query!r}")
        system, _, value = wanted[0].rpartition("|")
        found = (store if store is not None else self.resources).get(resource_type, {}).values()
        return [r for r in found if any((s == system or not system) and v == value for s, v in _identifiers(r))]

    def search_by_patient(self, resource_type: str, params: dict[str, list[str]]) -> list[dict[str, Any]]:
        if set(params) - {"patient", "code"} or len(params["patient"]) != 1:
            raise Invalid(f"this server searches by patient (and code) only, not {sorted(params)}")
        target = f"Patient/{params['patient'][0]}"
        codes = {c for text in params.get("code", []) for c in text.split(",")}
        found = []
        for resource in self.resources.get(resource_type, {}).values():
            subject = (resource.get("subject") or resource.get("patient") or {}).get("reference")
            codings = (resource.get("code") or {}).get("coding") or []
            if subject == target and (not codes or any(f"{c.get('system')}|{c.get('code')}" in codes
                                                       or c.get("code") in codes for c in codings)):
                found.append(resource)
        return found

    def transaction(self, bundle: dict[str, Any]) -> dict[str, Any]:
        self.validate(bundle)
        if bundle.get("type") != "transaction":
            raise Invalid(f"Bundle.type must be 'transaction' here, not {bundle.get('type')!r}")
        entries = bundle.get("entry") or []
        store = copy.deepcopy(self.resources)  # all or nothing: committed only if every entry succeeds
        puts = copy.deepcopy(self.puts)
        creates, updates = Counter(), Counter()
        resolved: dict[str, str] = {}
        results: list[dict[str, Any]] = []
        for entry in entries:
            request, resource = entry.get("request") or {}, entry.get("resource")
            if not request.get("method") or not request.get("url"):
                raise Invalid("every transaction entry needs request.method and request.url")
            self.validate(resource)
            kind = resource["resourceType"]
            if request["method"] == "POST":
                if request["url"] != kind:
                    raise Invalid(f"POST {request['url']} of a {kind}")
                existing = self.search(kind, request["ifNoneExist"], store) if request.get("ifNoneExist") else []
                if len(existing) > 1:
                    return {"status": 412, "body": outcome("duplicate", "ifNoneExist matched several")}
                if existing:
                    rid, status = existing[0]["id"], "200 OK"
                else:
                    rid, status = self._new_id(), "201 Created"
                    store.setdefault(kind, {})[rid] = {**resource, "id": rid}
                    creates[kind] += 1
            elif request["method"] == "PUT":
                target_kind, _, rid = request["url"].partition("/")
                if target_kind != kind or not rid or resource.get("id") != rid:
                    raise Invalid(f"PUT {request['url']} must carry a {target_kind} with that id")
                # Compared as sent (the stored copy has its references resolved): content unchanged is no update.
                before = puts.get(request["url"])
                status = "200 OK" if before else "201 Created"
                if before is None:
                    creates[kind] += 1
                elif before != resource:
                    updates[kind] += 1
                puts[request["url"]] = copy.deepcopy(resource)
                store.setdefault(kind, {})[rid] = dict(resource)
            else:
                raise Invalid(f"method {request['method']} is not supported in a transaction here")
            if entry.get("fullUrl"):
                resolved[entry["fullUrl"]] = f"{kind}/{rid}"
            results.append({"response": {"status": status, "location": f"{kind}/{rid}/_history/1"}})
        for entry in entries:  # references to fullUrls now point at the server's ids
            kind, rid = resolved[entry["fullUrl"]].split("/")
            store[kind][rid] = json.loads(_rewrite(json.dumps(store[kind][rid]), resolved))
        self.resources, self.puts = store, puts
        self.creates.update(creates)
        self.updates.update(updates)
        return {"status": 200, "body": {"resourceType": "Bundle", "type": "transaction-response", "entry": results}}

    def _new_id(self) -> str:
        self._next_id += 1
        return str(self._next_id)

    # --- HTTP ------------------------------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/fhir+json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (the slow server case): as a real server, carry on

            def _drop(self) -> None:
                self.close_connection = True
                self.connection.shutdown(2)

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                parts = urlsplit(self.path)
                if server.search_delay:
                    time.sleep(server.search_delay)
                kind = parts.path.removeprefix("/fhir/").strip("/")
                with server.lock:
                    server.requests.append(("GET", self.path))
                    server.authorizations.append(self.headers.get("Authorization"))
                    fail = server.fail_next.pop(0) if server.fail_next else None
                    if fail:
                        return self._answer(fail, outcome("security" if fail in (401, 403) else "exception",
                                                          f"told to answer {fail}"))
                    try:
                        found = server.search(kind, parts.query)
                    except Invalid as exc:
                        return self._answer(400, outcome("not-supported", str(exc)))
                self._answer(200, {"resourceType": "Bundle", "type": "searchset", "total": len(found),
                                   "entry": [{"resource": r} for r in found]})

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with server.lock:
                    server.requests.append(("POST", self.path))
                    server.post_authorizations.append(self.headers.get("Authorization"))
                    server.bodies.append(body)
                    fail = server.fail_next.pop(0) if server.fail_next else None
                    drop = server.drop_next.pop(0) if server.drop_next else None
                    delay = server.delay
                if delay:
                    time.sleep(delay)
                if drop == "before":
                    return self._drop()
                if fail:
                    return self._answer(fail, outcome("exception", f"told to answer {fail}"))
                if self.path == "/token" and server.token_endpoint is not None:
                    status, answer = server.token_endpoint(parse_qs(body.decode()))
                    return self._answer(status, answer)
                if self.path.rstrip("/") != "/fhir":
                    return self._answer(404, outcome("not-found", f"POST {self.path}: only transactions here"))
                if not self.headers.get("Content-Type", "").startswith("application/fhir+json"):
                    return self._answer(415, outcome("not-supported", "send application/fhir+json"))
                with server.lock:
                    try:
                        result = server.transaction(json.loads(body))
                    except (Invalid, ValueError) as exc:
                        return self._answer(400, outcome("invalid", str(exc)))
                if drop == "after":  # the work is committed, the answer is lost
                    return self._drop()
                self._answer(result["status"], result["body"])

        return Handler


def _rewrite(text: str, resolved: dict[str, str]) -> str:
    for full_url, local in resolved.items():
        text = text.replace(f'"reference": "{full_url}"', f'"reference": "{local}"')
    return text


@contextmanager
def running(port: int = 0) -> Iterator[FhirServer]:
    server = FhirServer(port).start()
    try:
        yield server
    finally:
        server.stop()
