"""The app's version and build id, for ``--version``, the About box, the log files, the audit event of each
signature and the footer of every PDF: ``describe()`` gives ``checklist_app 0.1.0 (build abc1234)``.

One source of truth: ``version`` in ``pyproject.toml``. A built package (wheel) carries it in
``checklist_app/_build.py``, which ``setup.py`` writes from pyproject.toml at the same moment as the
distribution's metadata, with the git commit it was built from (``-dirty`` when shipped files differed from
that commit). That stamp is read instead of ``importlib.metadata``: the metadata look-up costs about 30 ms
in a fresh process (it imports the email parser and scans sys.path), and the log file's first line needs
the version during start-up; the wheel's test checks that both say the same. A git checkout (no stamp)
reads pyproject.toml itself, so a changed version shows before pip has run again, and its build id is
``dev+<commit>``, read from the ``.git`` folder's files rather than by running git. Everything is read on
first use and kept; importing this module reads nothing.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from types import ModuleType

DIST_NAME = "checklist_app"
UNKNOWN = "unknown"

_PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE_DIR.parent


def _checkout_pyproject() -> Path | None:
    """pyproject.toml of the source tree this package is imported from, or None for an installed copy."""
    path = _CHECKOUT / "pyproject.toml"
    return path if path.is_file() and (_CHECKOUT / "setup.py").is_file() else None


@lru_cache(maxsize=1)
def version() -> str:
    """The version in pyproject.toml, e.g. ``0.1.0``."""
    stamp = _stamp()
    if stamp is not None:
        return str(stamp.VERSION)
    pyproject = _checkout_pyproject()
    if pyproject is not None:
        import tomllib

        return str(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"])
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:  # installed without setup.py's build step (no stamp): the metadata still has it
        return dist_version(DIST_NAME)
    except PackageNotFoundError:
        return UNKNOWN


@lru_cache(maxsize=1)
def build_id() -> str:
    """The commit an installed copy was built from (``abc1234``), ``dev+abc1234`` in a checkout, else unknown."""
    stamp = _stamp()
    if stamp is not None:
        return str(stamp.BUILD)
    if _checkout_pyproject() is not None:
        commit = git_head(_CHECKOUT)
        return f"dev+{commit}" if commit else "dev"
    return UNKNOWN


def describe() -> str:
    """``checklist_app 0.1.0 (build abc1234)``: what ``--version`` prints and every PDF footer carries."""
    return f"{DIST_NAME} {version()} (build {build_id()})"


def _stamp() -> ModuleType | None:
    try:
        from checklist_app import _build  # written by setup.py into a built package only
    except ImportError:
        return None
    return _build


def git_head(root: Path) -> str | None:
    """The first 7 hex digits of the commit checked out in ``root``, read from ``.git``; None when unknown.

    Reads the files git itself reads (HEAD, the branch's loose ref or packed-refs; a worktree's ``.git``
    file and ``commondir``), about a tenth of a millisecond against several for running ``git``.
    """
    try:
        git = root / ".git"
        if git.is_file():  # a linked worktree or a submodule: "gitdir: <path>"
            text = git.read_text(encoding="utf-8").strip()
            if not text.startswith("gitdir:"):
                return None
            git = (root / text.partition(":")[2].strip()).resolve()
        head = (git / "HEAD").read_text(encoding="utf-8").strip()
        if not head.startswith("ref:"):
            return _short(head)  # a detached HEAD holds the commit itself
        ref = head.partition(":")[2].strip()
        common = git
        if (git / "commondir").is_file():
            common = (git / (git / "commondir").read_text(encoding="utf-8").strip()).resolve()
        for base in (git, common):
            if (base / ref).is_file():
                return _short((base / ref).read_text(encoding="utf-8").strip())
        for line in (common / "packed-refs").read_text(encoding="utf-8").splitlines():
            commit, _, name = line.partition(" ")
            if name == ref:
                return _short(commit)
    except OSError:
        return None
    return None


def _short(commit: str) -> str | None:
    commit = commit.lower()
    return commit[:7] if len(commit) >= 7 and all(c in "0123456789abcdef" for c in commit) else None
