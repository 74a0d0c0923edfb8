#!/usr/bin/env bash
# Set up everything the grader needs on a fresh Debian/Ubuntu machine (or a laptop):
# bubblewrap for the sandbox (when we are root and apt-get exists), a virtual
# environment in .venv with the CPU build of torch pinned first, then this package.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v bwrap >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null
    else
        echo "setup: bubblewrap is not installed; the grader will run student code without a sandbox" >&2
    fi
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
pip() { .venv/bin/python -m pip "$@" --disable-pip-version-check -q; }
# torch first, pinned: an unpinned torch lets the resolver pick a CUDA build of several GB.
.venv/bin/python -c "import torch" 2>/dev/null || pip install "torch==2.13.0"
pip install -e ".[notebooks,dev]"
echo "setup: ready (.venv/bin/grader)"
