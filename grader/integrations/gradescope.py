"""``grader gradescope autograder.zip``: a Gradescope autograder for these exercises.

The zip (files at its root, as Gradescope requires) holds:

- ``setup.sh``: run once when Gradescope builds the image (Ubuntu, as root): installs
  bubblewrap and Python (3.11+; Ubuntu 22.04's 3.10 is too old), makes a venv at
  ``/autograder/venv``, installs torch ``==`` the version this machine runs, CPU build
  from the PyTorch index, then the bundled grader wheel with the pinned requirements;
- ``run_autograder``: run per submission: grades ``/autograder/submission`` (module
  files, one ``.zip`` or one ``.ipynb``) with the instructor's seed baked in, into
  ``/autograder/results/results.json``; if the grader cannot even start it still
  writes a valid zero-score results.json;
- ``requirements.txt``: the pins; the grader wheel (the ``grader`` package only: no
  solutions, no tests).
"""
from __future__ import annotations

import importlib.metadata
import os
import re
import secrets
import shlex
import tempfile
import zipfile

from grader.integrations.wheel import EPOCH, build_wheel, project

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TORCH_INDEX = "https://download.pytorch.org/whl/cpu"
VENV = "/autograder/venv"

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, while building the autograder image.
# Written by `grader gradescope`. torch is pinned (CPU build): never install it unpinned.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends bubblewrap python3 python3-venv python3-pip
PY=python3
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    # Ubuntu 22.04 ships Python 3.10; the grader needs 3.11 or newer
    apt-get install -y --no-install-recommends python3.11 python3.11-venv
    PY=python3.11
fi
"$PY" -m venv {venv}
{venv}/bin/pip install --no-cache-dir --index-url {index} torch=={torch}
{venv}/bin/pip install --no-cache-dir -r /autograder/source/requirements.txt /autograder/source/{wheel}
{venv}/bin/python -c "import torch, grader.cli; assert torch.__version__.split('+')[0] == '{torch}', torch.__version__"
# Student code runs as an unprivileged user of its own. Whether or not bubblewrap can run in the
# container, that user must not read the checks (they hold the accepted answers), the wheel, the
# seed in run_autograder, or the results: only root may read them. The Python installation and the
# grader's worker code stay readable. The grader checks this at every run ("sandbox:" line).
SITE=$({venv}/bin/python -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
chown -R root:root /autograder/source "$SITE/grader"
chmod -R go-rwx /autograder/source "$SITE/grader"
chmod go+x "$SITE/grader"
chmod -R go+rX "$SITE/grader/worker"
find "$SITE" -maxdepth 1 -name 'd2l_conv_grader-*.dist-info' -exec chmod -R go-rwx {{}} +
chmod 0711 /autograder
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this for every submission, in /autograder. Written by `grader gradescope`.
# Grades /autograder/submission (module files, one .zip or one .ipynb) into results.json.
set -u
OUT=/autograder/results/results.json
mkdir -p /autograder/results
# only root may read what is secret (see setup.sh); the submission reaches student code through the grader
chmod 0711 /autograder 2>/dev/null
chmod -R go-rwx /autograder/source /autograder/results /autograder/submission /autograder/run_autograder 2>/dev/null
chmod go-rwx /autograder/submission_metadata.json 2>/dev/null
cd /autograder
# the seed goes through the environment, which other users cannot read (a command line they can)
GRADER_SEED={seed} {venv}/bin/python -I -m grader grade /autograder/submission --json "$OUT"
status=$?
if [ ! -s "$OUT" ]; then
    cat > "$OUT" <<'JSON'
{{"score": 0, "output": "The autograder could not run; this is not your fault. Please tell your instructor.", "tests": []}}
JSON
fi
echo "grader exited with status $status"
exit 0
"""


def base_version(dist: str) -> str:
    return importlib.metadata.version(dist).split("+")[0]


def requirements(meta: dict) -> str:
    """Every dependency pinned to the version installed here (torch: this machine's CPU build)."""
    lines = [f"torch=={base_version('torch')}"]
    for dep in meta.get("dependencies", []):
        name = re.split(r"[<>=!~;\[ ]", dep, maxsplit=1)[0]
        if name.lower() != "torch":
            try:
                lines.append(f"{name}=={base_version(name)}")
            except importlib.metadata.PackageNotFoundError:
                raise RuntimeError(f"{name} is not installed here, so it cannot be pinned") from None
    return "\n".join(lines) + "\n"


def build_zip(out_path: str, *, seed: int, repo: str = REPO) -> str:
    meta = project(repo)
    torch_version = base_version("torch")
    with tempfile.TemporaryDirectory(prefix="grader-gradescope-") as tmp:
        wheel = build_wheel(repo, tmp)
        with open(wheel, "rb") as f:
            wheel_data = f.read()
    wheel_name = os.path.basename(wheel)
    members = [
        ("setup.sh", SETUP.format(venv=VENV, index=TORCH_INDEX, torch=torch_version, wheel=wheel_name), 0o755),
        ("run_autograder", RUN.format(venv=VENV, seed=shlex.quote(str(int(seed)))), 0o755),
        ("requirements.txt", requirements(meta), 0o644),
        (wheel_name, wheel_data, 0o644),
    ]
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    with zipfile.ZipFile(out_path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data, mode in members:
            entry = zipfile.ZipInfo(name, EPOCH)
            entry.external_attr = (0o100000 | mode) << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(entry, data)
    return out_path


def cmd_gradescope(args) -> int:
    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    path = build_zip(args.zip, seed=seed)
    print(f"Wrote {path} (seed {seed} baked into run_autograder; keep the zip private).")
    print("Upload it as the autograder of a Gradescope programming assignment (Ubuntu base image).")
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser("gradescope", help="build a Gradescope autograder zip")
    p.add_argument("zip", metavar="autograder.zip")
    from grader.cli import env_seed, seed_value

    p.add_argument("--seed", type=seed_value, default=env_seed(),
                   help="the instructor's seed of the checks' random inputs (default: GRADER_SEED, else a fresh "
                        "random one)")
    p.set_defaults(func=cmd_gradescope)
