#!/usr/bin/env bash
# Make the repository runnable: a Python >= 3.11 virtual environment in .venv/ with the package and its
# test extras installed (the package alone with CHECKLIST_APP_RUNTIME_ONLY=1, as scripts/run-app sets), plus
# the Debian libraries Qt needs. Safe to run again and again: the second run does nothing unless
# pyproject.toml changed (its sha256 is kept in .venv/.bootstrap-stamp).
#
# Used by scripts/run-app and scripts/run-tests. Silent when there is nothing to do; every message goes
# to stderr so the app's own output stays clean. Exits 2 when the machine lacks something we cannot fix.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

VENV="$ROOT/.venv"
VPY="$VENV/bin/python"
STAMP="$VENV/.bootstrap-stamp"
LOG="$(mktemp "${TMPDIR:-/tmp}/checklist-bootstrap.XXXXXX")"
trap 'rm -f "$LOG"' EXIT

say() { printf 'bootstrap: %s\n' "$*" >&2; }
die() {
    printf '\nbootstrap: ERROR: %s\n' "$1" >&2
    shift
    local line
    for line in "$@"; do printf '  %s\n' "$line" >&2; done
    exit 2
}
show_log() { # the last lines of the captured output of a failed step
    printf -- '---- last lines of the output ----\n' >&2
    tail -n 40 "$LOG" >&2
    printf -- '----------------------------------\n' >&2
}
is_root() { [[ "$(id -u)" == 0 ]]; }

# One bootstrap at a time (run-app and run-tests may start together). Locks the scripts/ folder itself,
# so no lock file is left in the repository.
if command -v flock >/dev/null 2>&1; then
    exec 9<"$ROOT/scripts"
    flock -w 900 9 || die "another bootstrap has held the lock on $ROOT/scripts for 15 minutes."
fi

# ---------------------------------------------------------------------------------------------------
# Debian packages
# ---------------------------------------------------------------------------------------------------
APT_UPDATED=0
apt_install() { # apt_install WHY PKG...: install as root, or print the exact command and carry on
    local why="$1"
    shift
    if ! is_root; then
        say "missing $why; install with:"
        printf '\n    sudo apt-get install -y --no-install-recommends %s\n\n' "$*" >&2
        return 1
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        say "missing $why ($*), and there is no apt-get here; install the equivalent by hand."
        return 1
    fi
    say "installing $why: $*"
    export DEBIAN_FRONTEND=noninteractive
    if [[ "$APT_UPDATED" == 0 ]]; then
        if ! apt-get update -q </dev/null >"$LOG" 2>&1; then
            show_log
            die "'apt-get update' failed (see above). Is the Debian mirror reachable?"
        fi
        APT_UPDATED=1
    fi
    if ! apt-get install -y -q --no-install-recommends "$@" </dev/null >"$LOG" 2>&1; then
        show_log
        die "'apt-get install -y --no-install-recommends $*' failed (see above)."
    fi
}

missing_debs() { # prints the packages among "$@" that dpkg does not list as installed
    local pkg
    for pkg in "$@"; do
        if ! dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q ' installed$'; then
            printf '%s ' "$pkg"
        fi
    done
}

# ---------------------------------------------------------------------------------------------------
# 1. A Python >= 3.11
# ---------------------------------------------------------------------------------------------------
PY=""
for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 \
        && "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' >/dev/null 2>&1; then
        PY="$(command -v "$candidate")"
        break
    fi
done
if [[ -z "$PY" ]]; then
    found="$(command -v python3 >/dev/null 2>&1 && python3 --version 2>&1 || echo 'no python3 at all')"
    die "this project needs Python 3.11 or newer; neither python3.11 nor python3 on PATH is one (found: $found)." \
        "On Debian 12:  apt-get install -y python3 python3-venv" \
        "Elsewhere: install Python >= 3.11 and put python3.11 or python3 on PATH, then run this again."
fi

# ---------------------------------------------------------------------------------------------------
# 2. The virtual environment
# ---------------------------------------------------------------------------------------------------
venv_works() {
    [[ -x "$VPY" ]] && "$VPY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' >/dev/null 2>&1 \
        && "$VPY" -m pip --version >/dev/null 2>&1
}

make_venv() {
    rm -rf "$VENV"
    "$PY" -m venv "$VENV" >"$LOG" 2>&1 && [[ -x "$VPY" ]] && "$VPY" -m pip --version >/dev/null 2>&1
}

if ! venv_works; then
    if [[ -e "$VENV" ]]; then
        say "$VENV is unusable (no python >= 3.11 or no pip in it); recreating it."
    fi
    say "creating .venv with $PY ($("$PY" --version 2>&1))"
    if ! make_venv; then
        rm -rf "$VENV" # a half-made venv (no pip) would fool the next run
        if ! "$PY" -c 'import venv, ensurepip; ensurepip.version()' >/dev/null 2>&1; then
            if [[ "$(readlink -f "$PY")" != /usr/bin/* ]]; then
                die "$PY has no working venv/ensurepip module, so .venv cannot be made." \
                    "Reinstall that Python with ensurepip, or put Debian's /usr/bin/python3 first on PATH."
            fi
            # Debian splits venv/ensurepip out of its python3 package.
            venv_pkg="python3-venv"
            if apt_install "Python's venv module (Debian package $venv_pkg)" "$venv_pkg"; then
                if ! make_venv; then
                    rm -rf "$VENV"
                    show_log
                    die "'$PY -m venv .venv' still fails after installing $venv_pkg (see above)."
                fi
            else
                die "cannot create .venv until $venv_pkg is installed (the command is printed above)."
            fi
        else
            show_log
            die "'$PY -m venv .venv' failed (see above)."
        fi
    fi
    rm -f "$STAMP"
fi

# ---------------------------------------------------------------------------------------------------
# 3. pip install -e '.[test,postgresql]', only when pyproject.toml changed since the last successful install.
#    CHECKLIST_APP_RUNTIME_ONLY=1 (scripts/run-app) installs the app alone, as a workstation needs it: no
#    test tools, and no setuptools (Python 3.11's venv adds it; pip fetches its own to build). A .venv that
#    has the test tools keeps them, so run-app after run-tests installs nothing.
# ---------------------------------------------------------------------------------------------------
TEST_EXTRAS="test,postgresql,ehr" # postgresql: the driver (storage tests run on a server too); ehr: the chart exchange's libraries
want="$("$VPY" -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' \
    "$ROOT/pyproject.toml")"
have="" have_extras="" # the stamp: "<sha256 of pyproject.toml> <extras installed, or 'runtime'>"
{ read -r have have_extras <"$STAMP"; } 2>/dev/null || true
[[ -n "$have" && -z "$have_extras" ]] && have_extras="$TEST_EXTRAS" # a stamp from before run-app's own mode
extras="$TEST_EXTRAS"
if [[ "${CHECKLIST_APP_RUNTIME_ONLY:-0}" == 1 && "$have_extras" != "$TEST_EXTRAS" ]]; then
    extras="runtime"
fi
if [[ "$want" != "$have" || "$extras" != "$have_extras" ]]; then
    export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
    spec="$ROOT[$extras]" shown=".[$extras]"
    if [[ "$extras" == runtime ]]; then
        spec="$ROOT" shown="."
        say "installing the package into .venv (pip install -e .); this takes a minute the first time"
    else
        say "installing the package and its test tools into .venv (pip install -e '$shown'); this takes a minute the first time"
    fi
    if ! "$VPY" -m pip install -q -e "$spec" </dev/null >"$LOG" 2>&1; then
        show_log
        die "'pip install -e $shown' failed (see above)." \
            "Check that PyPI is reachable (a proxy needs HTTPS_PROXY) and that pyproject.toml is valid."
    fi
    if [[ "$extras" == runtime ]] && "$VPY" -m pip show -q setuptools >/dev/null 2>&1; then
        "$VPY" -m pip uninstall -q -y setuptools </dev/null >"$LOG" 2>&1 \
            || say "could not remove setuptools from .venv (harmless: only its 10 MB are kept)"
    fi
    printf '%s %s\n' "$want" "$extras" >"$STAMP"
fi

# The app's own bytecode, as a normal (non-editable) install has it: pip compiles site-packages, but an
# editable install leaves the app's modules to be compiled at import, which Python then repeats on every
# start where PYTHONDONTWRITEBYTECODE is set (~20 ms of each start). Only changed files are compiled again.
"$VPY" -m compileall -q "$ROOT/checklist_app" >"$LOG" 2>&1 || say "could not compile the app's bytecode (it still runs, a little slower to start)"

# ---------------------------------------------------------------------------------------------------
# 4. The Debian libraries Qt loads (offscreen always; the X11/xcb ones when it will draw on an X display)
# ---------------------------------------------------------------------------------------------------
QT_DEBS=(libgl1 libegl1 libfontconfig1 libxkbcommon0 libglib2.0-0 libdbus-1-3 libcups2)
if [[ -n "${DISPLAY:-}" && "${QT_QPA_PLATFORM:-xcb}" == xcb* ]]; then
    QT_DEBS+=(libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-randr0
        libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0)
fi
if command -v dpkg-query >/dev/null 2>&1; then
    read -r -a missing <<<"$(missing_debs "${QT_DEBS[@]}")"
    if ((${#missing[@]})); then
        # Not root: the command is printed and we carry on; the app explains what it cannot load.
        apt_install "the system libraries Qt needs" "${missing[@]}" || true
    fi
fi

# ---------------------------------------------------------------------------------------------------
# 5. The PostgreSQL server binaries (initdb, pg_ctl) the storage tests start a throwaway server from; not
#    for run-app (a workstation only connects). Without them those tests are skipped, and fail in CI.
# ---------------------------------------------------------------------------------------------------
have_pg_server() {
    [[ -n "${CHECKLIST_TEST_PG_BINDIR:-}" && -x "${CHECKLIST_TEST_PG_BINDIR}/initdb" ]] && return 0
    compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null 2>&1
}
if [[ "$extras" != runtime ]] && command -v dpkg-query >/dev/null 2>&1 && ! have_pg_server; then
    apt_install "the PostgreSQL server the storage tests start (they are skipped without it)" postgresql || true
fi

# ---------------------------------------------------------------------------------------------------
# 6. CUPS with cups-pdf (and ipptool, poppler's pdftotext): the printing tests start a scheduler of their own
#    with a cups-pdf queue and read back what it printed; not for run-app (a workstation prints to the queues
#    it has). Without them those tests are skipped, and fail in CI.
# ---------------------------------------------------------------------------------------------------
if [[ "$extras" != runtime ]] && command -v dpkg-query >/dev/null 2>&1; then
    read -r -a missing <<<"$(missing_debs cups printer-driver-cups-pdf cups-ipp-utils poppler-utils)"
    if ((${#missing[@]})); then
        apt_install "the CUPS print system the printing tests print to (they are skipped without it)" \
            "${missing[@]}" || true
    fi
fi
exit 0
