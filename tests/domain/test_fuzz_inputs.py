"""No input ends in a traceback: a seeded fuzz over every loader a user's file reaches.

Hostile values (integers of 5,000 digits, nesting thousands of levels deep, names of 70,000 characters, NaN,
NUL and lone surrogates, wrong types anywhere) and damaged bytes (not UTF-8, cut short, a BOM, a huge file)
go to the record loader, to ``check`` run in this process, and to the form and policy loaders as mutated
copies of the shipped files. Each must either load or be refused with the loader's own error (a
RecordValidationError naming the field, a Form/PolicyDefinitionError naming the place) and ``check`` must
exit 0, 1 (only when hard stops remain) or 2, never with a traceback.

The generator is ``random.Random(SEED)``: the same cases every run, so a failure reproduces; the failures
are collected and the first few printed with their tracebacks, so one run shows every kind at once.
About 3,350 cases: 13 s of CPU, under 20 s on two cores busy with other work (``slow``).
"""

from __future__ import annotations

import contextlib
import copy
import functools
import io
import json
import random
import traceback
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from checklist_app import resources
from checklist_app.cli import main
from checklist_app.domain.errors import DefinitionError, RecordValidationError
from checklist_app.domain.record import parse_record
from checklist_app.rules import evaluate, load_form
from checklist_app.rules.policy import check_fits_form, load_policy

pytestmark = pytest.mark.slow

SEED = 20261201
NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
RECORD_CASES, CHECK_CASES, FORM_CASES, POLICY_CASES = 2000, 150, 600, 600
MAX_MESSAGE = 2000  # a refusal quotes what is wrong, never the whole of a huge value


class Raw:
    """A hostile value as Python data and as the JSON text a file would hold (the text can say what Python
    data cannot be dumped from: 5,000 digits, 50,000 levels of nesting)."""

    def __init__(self, data: Any, text: str) -> None:
        self.data, self.text = data, text

    def __deepcopy__(self, _memo: dict) -> Raw:
        return self  # never changed once made; copying 50,000 levels would need as many stack frames


@functools.cache  # made once: 50,000 levels take a while to build
def _nested(depth: int, kind: str) -> Raw:
    data: Any = 1
    for _ in range(depth):  # built inside out, without recursion
        data = [data] if kind == "[" else {"a": data}
    text = "[" * depth + "1" + "]" * depth if kind == "[" else '{"a":' * depth + "1" + "}" * depth
    return Raw(data, text)


@functools.cache
def _huge_int(digits: int) -> Raw:
    return Raw(10 ** digits - 1, "9" * digits)  # arithmetic, not int("9" * n): no string conversion limit


def hostile(rng: random.Random, depth: int = 0) -> Any:
    """One value a careless script or an attacker might put anywhere in a file."""
    if depth > 2:
        return rng.choice([None, 1, "x"])
    inner = depth + 1
    pick = rng.randrange(24)
    if pick == 0:
        return rng.choice([None, True, False, 0, -1, 1.5, -0.0, 2 ** 63, -(2 ** 64), 10 ** 30, 1e308, -1e308])
    if pick == 1:
        return _huge_int(rng.choice([25, 400, 4301, 5000]))
    if pick == 2:
        return rng.choice([float("nan"), float("inf"), float("-inf")])
    if pick == 3:
        return _nested(rng.choice([40, 1500, 50_000]), rng.choice("[{"))
    if pick == 4:
        return "x" * rng.choice([65, 101, 301, 2001, 70_000])
    if pick == 5:
        return rng.choice(["", " ", "\x00", "a\x00b", "\ud800", "\udfff x", "\u202e", "é" * 300, "\n" * 50])
    if pick == 6:
        return rng.choice(["2026-13-45", "2026-11-21T25:61", "1e309", "NaN", "-0", "0x1F", "12 kg", "9" * 5000])
    if pick == 7:
        return rng.choice(["../../etc/passwd", "/tmp/x.yaml", "p" * 300, "sir-2019/../x", "C:\\x.json"])
    if pick == 8:
        return [hostile(rng, inner) for _ in range(rng.randrange(4))]
    if pick == 9:
        keys = ["", "id", "kind", "x" * 300, "\ud800", "a b"]
        return {rng.choice(keys): hostile(rng, inner) for _ in range(rng.randrange(3))}
    if pick == 10:
        return [{key: hostile(rng, inner) for key in ("finding_key", "physician_id", "by", "at", "reason", "note")}]
    if pick == 11:
        return list(range(rng.choice([600, 5000])))
    if pick == 12:
        return {"value": hostile(rng, inner), "unit": hostile(rng, inner), "date": hostile(rng, inner)}
    return rng.choice([True, 3, 7.5, "text", "yes", "no", "2026-11-20", "2026-11-20T10:00", [], {}, None])


def _random_place(data: Any, rng: random.Random) -> tuple:
    """A random place in ``data`` (keys and list positions): a walk down from the top that stops at each level
    with some chance, so places near the top are changed as often as deep ones."""
    path: tuple = ()
    node = data
    while isinstance(node, dict | list) and node and (not path or rng.random() < 0.75):
        key = rng.choice(list(node)) if isinstance(node, dict) else rng.randrange(len(node))
        path, node = path + (key,), node[key]
    return path


def _get(data: Any, path: tuple) -> Any:
    for step in path:
        data = data[step]
    return data


def mutate(text: str, rng: random.Random, extra_values: list[Any] = ()) -> Any:
    """The data of JSON ``text`` with one to three random changes: a value replaced, a key dropped or added, a
    list entry repeated. (Parsed afresh each time: quicker than copying the data.)"""
    data = json.loads(text)
    for _ in range(rng.randint(1, 3)):
        path = _random_place(data, rng)
        # A copy: the same list put inside itself by a later change could not be written as JSON.
        value = copy.deepcopy(rng.choice(list(extra_values))) if extra_values and rng.random() < 0.3 else hostile(rng)
        if not path:
            return value
        parent, last = _get(data, path[:-1]), path[-1]
        action = rng.randrange(5)
        if action == 0 and isinstance(parent, dict):
            del parent[last]
        elif action == 1 and isinstance(parent, dict):
            parent[rng.choice(["x" * 300, "extra", "", "kind", "id", "show_if", "when"])] = value
        elif action == 2 and isinstance(parent, list):
            parent.append(rng.choice(parent))
        else:
            parent[last] = value
    return data


def as_data(value: Any) -> Any:
    """Python data (what a loader gets after parsing)."""
    if isinstance(value, Raw):
        return value.data
    if isinstance(value, dict):
        return {k: as_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_data(v) for v in value]
    return value


def as_json(value: Any) -> str:
    """JSON text, with Raw values written as their text (NaN and Infinity as Python's json writes them)."""
    raws: dict[str, str] = {}

    def placeholder(raw: Raw) -> str:
        key = f"@@raw{len(raws)}@@"
        raws[key] = raw.text
        return key

    text = json.dumps(value, default=placeholder)
    for key, raw in raws.items():
        text = text.replace(f'"{key}"', raw)
    return text


def damage_bytes(raw: bytes, rng: random.Random) -> bytes:
    """File-level damage: bytes flipped or cut, not UTF-8, a BOM, nothing, or more than any file should hold."""
    pick = rng.randrange(7)
    if pick == 0:
        return raw[: rng.randrange(len(raw))]
    if pick == 1:
        return b"\xef\xbb\xbf" + raw
    if pick == 2:
        at = rng.randrange(len(raw))
        return raw[:at] + bytes([rng.choice([0x00, 0x80, 0xC3, 0xFF, 0x7B, 0x22])]) + raw[at + 1:]
    if pick == 3:
        return b""
    if pick == 4:
        return raw + b" " * (5 << 20)  # 5 MB of padding after a valid document
    if pick == 5:
        return raw.replace(b":", b"::", 1)
    return b"\xff\xfe" + raw.decode("utf-8").encode("utf-16-le")


class Failures:
    """Collects what went wrong, with the case and the traceback, and says all of it at the end."""

    def __init__(self) -> None:
        self.items: list[str] = []

    @contextlib.contextmanager
    def case(self, name: str, expected: tuple[type[BaseException], ...]):
        try:
            yield
        except expected as exc:
            text = str(exc)
            if len(text) > MAX_MESSAGE * 10 or not text.strip():
                self.items.append(f"{name}: message of {len(text)} characters: {text[:200]!r}")
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                self.items.append(f"{name}: message cannot be printed as UTF-8: {text[:200]!r}")
        except BaseException:  # noqa: BLE001 - the whole point: anything else is a failure, reported below
            self.items.append(f"{name}:\n{traceback.format_exc(limit=-4)}")

    def check(self) -> None:
        kinds = Counter(item.strip().splitlines()[-1][:120] for item in self.items)
        summary = "\n".join(f"{count:5} x {kind}" for kind, count in kinds.most_common())
        assert not self.items, (f"{len(self.items)} inputs crashed a loader, by kind:\n{summary}\n\nthe first "
                                f"five:\n\n" + "\n\n".join(self.items[:5]))


def _examples() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in resources.example_records()]


@pytest.fixture(scope="module")
def form():
    return load_form()


def test_the_record_loader_refuses_hostile_records_field_by_field(form):
    rng, failures = random.Random(SEED), Failures()
    examples = _examples()
    for n in range(RECORD_CASES):
        mutated = mutate(rng.choice(examples), rng)
        with failures.case(f"record #{n}", (RecordValidationError,)):
            try:
                parse_record(as_data(mutated), form, NOW)
            except RecordValidationError as exc:
                assert exc.errors and all(e.field and e.problem for e in exc.errors), exc
                assert all(len(str(e)) < MAX_MESSAGE for e in exc.errors), str(exc)[:500]
                raise
    failures.check()


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_check_in_process_exits_0_1_or_2_and_never_shows_a_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("CHECKLIST_APP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CHECKLIST_APP_DATABASE_URL", raising=False)
    rng, failures = random.Random(SEED + 1), Failures()
    examples = _examples()
    for n in range(CHECK_CASES):
        path = tmp_path / f"r{n % 7}.json"
        base = rng.choice(examples)
        if rng.random() < 0.7:
            path.write_text(as_json(mutate(base, rng)), encoding="utf-8")
        else:
            path.write_bytes(damage_bytes(base.encode("utf-8"), rng))
        argv = ["check", str(path), "--now", "2026-11-21T10:00"]
        as_json_out = rng.random() < 0.5
        if as_json_out:
            argv.append("--json")
        if rng.random() < 0.15:
            argv += ["--policy", rng.choice(["p" * 300, "../../etc/passwd", "sir-2019", "asra-2018", "", "nope",
                                             "/dev/null", "x.yaml"])]
        with failures.case(f"check #{n} {argv[3:]}", ()):
            code, out, err = _run(argv)
            assert "Traceback" not in err + out, err[-2000:]
            assert code in (0, 1, 2), (code, err[-500:])
            if code == 1:  # 1 means hard stops remain, and says which; anything else is not a 1
                if as_json_out:
                    assert json.loads(out)["open_hard_stops"], out[:500]
                else:
                    assert "HARD STOP" in out, (out[:500], err[-500:])
            if code == 2:
                assert err.strip() or '"valid": false' in out, (out[:500], err[:500])
    failures.check()


def _evaluate_loaded(form, policy, records, failures: Failures, name: str) -> None:
    """A form or policy that loads must also work: records validate against it and are evaluated with it."""
    for data in records:
        with failures.case(f"{name} record {data.get('record_id')}", (RecordValidationError,)):
            record = parse_record(copy.deepcopy(data), form, NOW)
            evaluate(form, record, policy, NOW)


_TEXT_DAMAGE = [
    ("a 5,000-digit number", lambda t: t.replace("max: ", "max: " + "9" * 5000 + " #", 1)),
    ("flow nesting 20,000 deep", lambda t: t + "\nx: " + "[" * 20_000 + "]" * 20_000 + "\n"),
    ("block nesting 2,000 deep", lambda t: t + "\nx:\n" + "".join(" " * i + "- \n" for i in range(2000))),
    ("aliases expanding a billion times", lambda t: t + "\nx: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n" + "".join(
        f"x{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n" for i in range(1, 10))),
    ("a tab in the indentation", lambda t: t.replace("\n  ", "\n\t", 3)),
    ("an unclosed quote", lambda t: t.replace("'", "", 1)),
    ("a python tag", lambda t: t + "\nx: !!python/object/apply:os.system ['true']\n"),
    ("a long id", lambda t: t.replace("id: ", "id: " + "a" * 300, 2)),
    ("a huge float", lambda t: t.replace("max: ", "max: 1e999 #", 1)),
    ("a .nan", lambda t: t.replace("max: ", "max: .nan #", 1)),
    ("a binary value", lambda t: t.replace("title: ", "title: !!binary aGVsbG8= #", 1)),
    ("a set", lambda t: t.replace("title: ", "title: !!set {a, b} #", 1)),
]


def _write_text_damage(path: Path, text: str, rng: random.Random) -> str:
    if rng.random() < 0.5:
        name, damage = rng.choice(_TEXT_DAMAGE)
        path.write_text(damage(text), encoding="utf-8")
        return name
    path.write_bytes(damage_bytes(text.encode("utf-8"), rng))
    return "bytes"


def test_mutated_forms_load_or_are_refused_in_words(form, tmp_path):
    rng, failures = random.Random(SEED + 2), Failures()
    shipped = resources.form_path(resources.DEFAULT_FORM)
    text = shipped.read_text(encoding="utf-8")
    data = json.dumps(resources.parse_yaml(text, shipped))
    policy = load_policy(resources.policy_path(resources.DEFAULT_POLICY))
    records = [json.loads(r) for r in _examples()]
    records = [r for r in records if r["record_id"] in ("demo-clean", "demo-warnings")] or records[:2]
    patterns = ["(", "[a-", "a{99999999999}", "(?P<x>", "\\", "(a+)+$", "^[A-Z]{2}\\d+$"]
    for n in range(FORM_CASES):
        if n % 8 == 0:
            path = tmp_path / "form.yaml"
            how = _write_text_damage(path, text, rng)
        else:
            path = tmp_path / "form.json"
            path.write_text(as_json(mutate(data, rng, patterns)), encoding="utf-8")
            how = "data"
        loaded = None
        with failures.case(f"form #{n} ({how})", (DefinitionError,)):
            loaded = load_form(path)
        if loaded is not None and n % 4 == 1:  # building a record model takes ~10 ms: a quarter of them
            fits = True
            with failures.case(f"form #{n} fits", (DefinitionError,)):
                fits = False
                check_fits_form(policy, loaded)
                fits = True
            if fits:
                _evaluate_loaded(loaded, policy, records, failures, f"form #{n}")
    failures.check()


def test_mutated_policies_load_or_are_refused_in_words(form, tmp_path):
    rng, failures = random.Random(SEED + 3), Failures()
    records = [json.loads(r) for r in _examples()]
    folder = tmp_path / "policies"
    folder.mkdir()
    shipped = {name: resources.form_path(f"policies/{name}.yaml") for name in ("sir-2019", "asra-2018")}
    (folder / "sir-2019.yaml").write_bytes(shipped["sir-2019"].read_bytes())  # the base a variant extends
    texts = {name: path.read_text(encoding="utf-8") for name, path in shipped.items()}
    datas = {name: json.dumps(resources.parse_yaml(text, shipped[name])) for name, text in texts.items()}
    for n in range(POLICY_CASES):
        name = "asra-2018" if n % 8 == 0 else "sir-2019"
        if n % 5 == 0:
            path = folder / "mutant.yaml"
            how = _write_text_damage(path, texts[name], rng)
        else:
            path = folder / "mutant.json"
            extra = ["sir-2019", "../sir-2019", "x" * 300, ["inr_max"], {"x": 1}]
            path.write_text(as_json(mutate(datas[name], rng, extra)), encoding="utf-8")
            how = "data"
        loaded = None
        with failures.case(f"policy #{n} {name} ({how})", (DefinitionError,)):
            policy = load_policy(path)
            check_fits_form(policy, form, path)
            loaded = policy
        if loaded is not None and n % 2 == 0:
            _evaluate_loaded(form, loaded, [rng.choice(records)], failures, f"policy #{n}")
    failures.check()
