"""Architecture guards: the import-linter contracts, a Qt-free core, and the house style of modules.

The contracts live in pyproject.toml ``[tool.importlinter]``. Packages that are not written yet are
left out of the check (and named in the test's output) instead of failing it; once they exist they are
checked like the rest.
"""

import ast
import os
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "checklist_app"
QT_PREFIXES = ("PySide6", "shiboken6")
# Packages whose modules must import without Qt (besides the two named modules and the CLI).
QT_FREE_PACKAGES = ["checklist_app.domain", "checklist_app.rules", "checklist_app.storage",
                    "checklist_app.pdf", "checklist_app.cli", "checklist_app.workflows"]
MAX_LINES = 400  # house style: every module stays under this


# --- import-linter ---------------------------------------------------------------------------------

def _module_exists(name: str, root_package: str) -> bool:
    """Whether an internal module is on disk as grimp sees it (packages need an ``__init__.py``)."""
    if not (name == root_package or name.startswith(root_package + ".")) or "*" in name:
        return True  # external (PySide6) or a wildcard expression: not ours to judge
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _adapt_layer(layer: str, exists) -> str:
    """Mark layer modules that do not exist yet as optional, import-linter's ``(module)`` syntax."""
    delimiter = "|" if "|" in layer else ":"
    parts = [part.strip() for part in layer.split(delimiter)]
    return f" {delimiter} ".join(p if p.startswith("(") or exists(p) else f"({p})" for p in parts)


def _adapted_config(skipped: list[str]) -> tuple[dict, list[dict]]:
    """The pyproject.toml contracts, minus modules that do not exist yet (recorded in ``skipped``)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    contracts = config.pop("contracts")
    root = config["root_package"]

    def exists(name: str) -> bool:
        return _module_exists(name, root)

    adapted = []
    for contract in contracts:
        contract = dict(contract)
        if contract["type"] == "forbidden":
            present = [m for m in contract["source_modules"] if exists(m)]
            skipped += [f"{contract['name']}: {m}" for m in contract["source_modules"] if m not in present]
            if not present:
                continue
            contract["source_modules"] = present
        elif contract["type"] == "layers" and "containers" not in contract:
            layers = [_adapt_layer(layer, exists) for layer in contract["layers"]]
            pairs = zip(contract["layers"], layers, strict=True)
            skipped += [f"{contract['name']}: {new}" for old, new in pairs if old != new]
            contract["layers"] = layers
        adapted.append(contract)
    return config, adapted


def _ini_value(value) -> str:
    if isinstance(value, list):  # multi-line, so that even a one-item list stays a list
        return "".join(f"\n    {_ini_value(item)}" for item in value)
    return str(value).replace("%", "%%")  # configparser interpolates %


def _write_ini(path: Path, session: dict, contracts: list[dict]) -> None:
    lines = ["[importlinter]"] + [f"{key} = {_ini_value(value)}" for key, value in session.items()]
    for number, contract in enumerate(contracts, start=1):
        lines += ["", f"[importlinter:contract:{contract.pop('id', number)}]"]
        lines += [f"{key} = {_ini_value(value)}" for key, value in contract.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_import_linter_contracts_hold(tmp_path):
    skipped: list[str] = []
    session, contracts = _adapted_config(skipped)
    config = tmp_path / "importlinter.ini"
    _write_ini(config, session, contracts)
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--config", str(config), "--no-cache", "--no-logo"],
        cwd=ROOT, capture_output=True, text=True, timeout=240,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "120"},
    )
    assert result.returncode == 0, (
        "import-linter found a broken contract or a bad configuration in pyproject.toml "
        "[tool.importlinter]:\n" + result.stdout + result.stderr
        + ("\n(not checked yet, module missing: " + "; ".join(skipped) + ")" if skipped else "")
    )


# --- no Qt in the core -----------------------------------------------------------------------------

_IMPORT_CORE = textwrap.dedent("""
    import importlib, importlib.util, pkgutil, sys

    QT = {qt!r}
    def qt_loaded():
        return sorted(m for m in sys.modules if m.startswith(QT))

    names = ["checklist_app.domain.form", "checklist_app.domain.record", "checklist_app.cli",
             "checklist_app.resources", "checklist_app.cached_yaml"]
    for package in {packages!r}:
        if importlib.util.find_spec(package) is None:
            continue  # not written yet
        names.append(package)
        module = importlib.import_module(package)
        names += [info.name for info in pkgutil.walk_packages(module.__path__, package + ".")]
    for name in names:
        importlib.import_module(name)
        if qt_loaded():
            print("QT", name, " ".join(qt_loaded()[:5]))
            sys.exit(1)
    print("OK", len(names), " ".join(names))
""")


def test_core_modules_import_without_qt():
    code = _IMPORT_CORE.format(qt=QT_PREFIXES, packages=QT_FREE_PACKAGES)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            timeout=240)
    out = result.stdout.strip()
    assert not out.startswith("QT"), f"importing {out.split()[1]} loaded Qt ({' '.join(out.split()[2:])})"
    assert result.returncode == 0 and out.startswith("OK"), (
        f"importing the core modules failed:\n{result.stdout}{result.stderr}"
    )


# --- house style -----------------------------------------------------------------------------------

def _core_sources() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py")
                  if "ui" not in p.relative_to(PACKAGE).parts[:1] and "__pycache__" not in p.parts)


def test_every_core_module_has_a_docstring_and_stays_short():
    sources = _core_sources()
    assert sources, f"no modules found under {PACKAGE}"
    problems = []
    for path in sources:
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT)
        try:
            tree = ast.parse(text, filename=str(path))
        except SyntaxError as exc:
            problems.append(f"{name}: does not parse ({exc.msg}, line {exc.lineno})")
            continue
        if not (ast.get_docstring(tree) or "").strip():
            problems.append(f"{name}: no module docstring")
        lines = len(text.splitlines())
        if lines >= MAX_LINES:
            problems.append(f"{name}: {lines} lines (house style: under {MAX_LINES}; split it)")
    assert not problems, "house style:\n  " + "\n  ".join(problems)
