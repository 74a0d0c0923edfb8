#!/usr/bin/env bash
# Set up everything the grader needs on a fresh Debian/Ubuntu machine (or a laptop):
# bubblewrap for the sandbox (when we are root and apt-get exists), a virtual
# environment in .venv with the CPU build of torch pinned first, then this package.
set -euo pipefail
cd "$(dirname "$0")"

# System packages, only those missing (a machine that has them all runs no apt at all):
# bubblewrap (the sandbox), fonts-noto-cjk (Chinese reports and pictures), chromium (the tests
# look at the HTML reports through headless screenshots).
missing=()
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" >/dev/null || echo "setup: could not install ${missing[*]} with apt-get" >&2
    else
        echo "setup: not installed: ${missing[*]} (without bubblewrap student code runs without a sandbox;" \
             "without fonts-noto-cjk Chinese reports fall back to other fonts; tests needing chromium skip)" >&2
    fi
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
pip() { .venv/bin/python -m pip "$@" --disable-pip-version-check -q; }
# torch first, pinned, CPU build: an unpinned torch (or PyPI's Linux wheel) is a CUDA build of several GB.
# PyTorch's CPU index first; where it cannot be reached (a mirror or proxy that serves only PyPI, or local
# wheels as pip's config provides them) pip falls back to its configured index, still pinned.
TORCH="torch==2.13.0"
if ! .venv/bin/python -c "import torch" 2>/dev/null; then
    pip install --index-url https://download.pytorch.org/whl/cpu --retries 1 --timeout 30 "$TORCH" \
        || pip install "$TORCH"
fi
pip install -e ".[notebooks,dev]"
# `python -m grader` run from inside a submission must get this grader, not a grader.py shipped in it:
# a .pth line loads this checkout's package by its absolute path at interpreter start-up, whatever the
# current folder holds (unless PYTHONPATH names another grader on purpose; it does nothing if that fails).
.venv/bin/python - <<'PY'
import pathlib, sysconfig
package = pathlib.Path("grader").resolve()
code = ("try:\n import importlib.util as u, os, sys\n"
        " chosen = [p for p in os.environ.get('PYTHONPATH', '').split(os.pathsep) if p and "
        "(os.path.isdir(os.path.join(p, 'grader')) or os.path.isfile(os.path.join(p, 'grader.py')))]\n"
        " if 'grader' not in sys.modules and not chosen:\n"
        f"  s = u.spec_from_file_location('grader', {str(package / '__init__.py')!r}, "
        f"submodule_search_locations=[{str(package)!r}])\n"
        "  m = u.module_from_spec(s); sys.modules['grader'] = m; s.loader.exec_module(m)\n"
        "except Exception:\n sys.modules.pop('grader', None)\n")
pth = pathlib.Path(sysconfig.get_paths()["purelib"]) / "zz_d2l_conv_grader_first.pth"
pth.write_text(f"import sys; exec({code!r})\n")
PY
echo "setup: ready (.venv/bin/grader)"
