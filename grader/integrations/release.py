"""``grader release OUT_DIR``: the folder students receive.

``exercises/`` (the stubs), the ``grader`` package with its public checks only (hidden
checks removed from the source by ``hidden.strip_hidden``), ``pyproject.toml``, a
``setup.sh`` (venv + torch pinned to the CPU build + the grader) and a README with the
one-command self-check. Nothing from ``solutions/`` or ``tests/`` is copied, nor the
instructor-only ``grader/answers.py`` (the right keys of the multiple-choice questions:
the release's checks only record that a valid key was chosen). Before the command
reports success the copy is searched for reference-solution lines, for any right answer
(``leaks.answer_leaks``) and for the text of the reference kernels
(``leaks.kernel_leaks``); if anything is found, nothing is left behind.
"""
from __future__ import annotations

import ast
import os
import shutil
import sys

from grader.contract import MODULES
from grader.integrations.leaks import answer_leaks, kernel_leaks, leaks, reference_kernels, reference_lines

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TORCH_INDEX = "https://download.pytorch.org/whl/cpu"
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo", ".hypothesis")
INSTRUCTOR_ONLY = ("answers.py",)  # in grader/: the right answers of the multiple-choice questions

SETUP = """#!/usr/bin/env bash
# Sets up this folder for self-checking:  ./setup.sh && .venv/bin/grader check
set -euo pipefail
cd "$(dirname "$0")"
PY="${{PYTHON:-python3}}"
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "setup.sh needs Python 3.11 or newer; run e.g.  PYTHON=python3.12 ./setup.sh" >&2
    exit 1
fi
"$PY" -m venv .venv
# torch pinned, CPU build (PyPI's Linux wheel is a CUDA build of several GB); if PyTorch's index
# cannot be reached, pip's own index, still pinned
.venv/bin/pip install --index-url {index} --retries 1 --timeout 30 torch=={torch} \\
    || .venv/bin/pip install torch=={torch}
# the grader, and what notebooks and reports need: nbformat (grading .ipynb, feedback() in Jupyter),
# ipykernel (this environment as a Jupyter kernel), matplotlib (the pictures in --report)
.venv/bin/pip install -e . nbformat ipykernel matplotlib
echo
echo "Ready. Check your exercises with:  .venv/bin/grader check"
echo "Jupyter: .venv/bin/python -m ipykernel install --user --name conv-exercises  (then pick that kernel)"
"""

README = """# Convolutions for Images: exercises

Exercises for Dive into Deep Learning, "From Fully Connected Layers to Convolutions"
and "Convolutions for Images" (PyTorch edition), with the grader that checks them.

## Set up once, then check your work

```bash
./setup.sh && .venv/bin/grader check
```

`setup.sh` makes a virtual environment in `.venv` with PyTorch {torch} (CPU build) and
the grader (Python 3.11 or newer; `PYTHON=python3.12 ./setup.sh` picks another one).
After that, `.venv/bin/grader check` grades everything in `exercises/` and prints your
points per exercise with the first problem of each. Useful options:

- `.venv/bin/grader check --only cross_correlation` checks one exercise;
- `.venv/bin/grader check -v` lists every check;
- `.venv/bin/grader grade my_notebook.ipynb` grades a notebook (or a folder or a .zip).

On Windows: `py -3.11 -m venv .venv`, then
`.venv\\Scripts\\pip install --index-url {index} torch=={torch}`,
`.venv\\Scripts\\pip install -e . nbformat ipykernel matplotlib` and `.venv\\Scripts\\grader check`.

In Jupyter (or Colab, after installing this folder with pip): make `.venv` a kernel with
`.venv/bin/python -m ipykernel install --user --name conv-exercises`, and check an exercise
inside your notebook with

```python
from grader.integrations.nbfeedback import feedback
feedback("cross_correlation")   # grades what this notebook has run so far
```

## The exercises

Edit the files in `exercises/`; each file's docstring is its statement. Replace every
`raise NotImplementedError` and set every multiple-choice constant to one of the keys
listed next to it. Start with `cross_correlation.py`: the others import its `corr2d`.

The multiple-choice answers (and `MIN_SIZE`) are not graded here: this folder does not
contain the right answers. The self-check only makes sure each one is one of the listed
keys (an int for `MIN_SIZE`), gives it its points and says "Recorded"; your instructor
grades these answers, so your final score can be lower than the self-check's.

| # | File | Exercise | Points in the self-check |
|---|------|----------|--------------------------|
{table}

## How grading works

Your code runs in a separate, sandboxed process; the grader compares the values it
returns with independent computations, on random inputs drawn from a seed. The
self-check uses the published seed and the public checks. Your course grades with its
own seed and may add checks that are not in this folder, so make your functions right
for every input the statement allows, not just for the examples.
"""


def imported_from(package_dir: str, module: str) -> frozenset[str]:
    """Names that any module of the package imports from ``module`` (``from module import name``)."""
    names = set()
    for folder, dirs, files in os.walk(package_dir):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for f in files:
            if f.endswith(".py"):
                tree = ast.parse(open(os.path.join(folder, f), encoding="utf-8").read())
                names |= {a.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                          and node.module == module for a in node.names}
    return frozenset(names)


def strip_checks(checks_dir: str) -> dict[str, list[str]]:
    """Remove hidden checks from every check module in place; module -> removed checks."""
    from grader.integrations.hidden import strip_hidden

    package = os.path.dirname(checks_dir)
    removed = {}
    for name in sorted(os.listdir(checks_dir)):
        if name.endswith(".py"):
            path = os.path.join(checks_dir, name)
            keep = imported_from(package, f"grader.checks.{name[:-3]}")
            with open(path, encoding="utf-8") as f:
                text, gone = strip_hidden(f.read(), keep)
            if gone:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
                removed[name[:-3]] = gone
    return removed


def public_points(source: str) -> float:
    """The sum of ``@points(n)`` over a check module's ``test_*`` functions (read, not run)."""
    total = 0.0
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            for dec in node.decorator_list:
                if isinstance(dec, ast.Call) and getattr(dec.func, "id", getattr(dec.func, "attr", "")) == "points" \
                        and dec.args and isinstance(dec.args[0], ast.Constant):
                    total += float(dec.args[0].value)
    return total


def exercise_table(exercises_dir: str, checks_dir: str) -> str:
    rows = []
    for number, module in enumerate(MODULES, start=1):
        with open(os.path.join(exercises_dir, f"{module}.py"), encoding="utf-8") as f:
            doc = ast.get_docstring(ast.parse(f.read())) or module
        check = os.path.join(checks_dir, f"{module}.py")
        points = public_points(open(check, encoding="utf-8").read()) if os.path.exists(check) else 0
        rows.append(f"| {number} | `exercises/{module}.py` | {doc.splitlines()[0].strip()} | {points:g} |")
    return "\n".join(rows)


def build_release(out_dir: str, repo: str = REPO) -> dict:
    from grader.integrations.gradescope import base_version

    if os.path.exists(out_dir) and os.listdir(out_dir):
        raise FileExistsError(f"{out_dir} is not empty; choose a new folder")
    try:
        return _write(out_dir, repo)
    except BaseException:
        shutil.rmtree(out_dir, ignore_errors=True)  # never leave half a release (or a leaky one)
        raise


def _write(out_dir: str, repo: str) -> dict:
    from grader.integrations.gradescope import base_version

    exercises = os.path.join(repo, "exercises")
    shutil.copytree(exercises, os.path.join(out_dir, "exercises"), ignore=SKIP, dirs_exist_ok=True)
    shutil.copytree(os.path.join(repo, "grader"), os.path.join(out_dir, "grader"), ignore=_skip_grader)
    checks = os.path.join(out_dir, "grader", "checks")
    removed = strip_checks(checks)
    shutil.copy(os.path.join(repo, "pyproject.toml"), os.path.join(out_dir, "pyproject.toml"))
    torch = base_version("torch")
    with open(os.path.join(out_dir, "README.md"), "w", encoding="utf-8") as f:
        f.write(README.format(torch=torch, index=TORCH_INDEX, table=exercise_table(exercises, checks)))
    setup = os.path.join(out_dir, "setup.sh")
    with open(setup, "w", encoding="utf-8") as f:
        f.write(SETUP.format(index=TORCH_INDEX, torch=torch))
    os.chmod(setup, 0o755)
    solutions = os.path.join(repo, "solutions")
    if os.path.isdir(solutions):
        found = leaks(out_dir, reference_lines(solutions, exercises, os.path.join(repo, "grader")))
        if found:
            raise RuntimeError("reference code would ship in the release:\n  " + "\n  ".join(found[:20]))
        found = kernel_leaks(out_dir, reference_kernels(solutions))
        if found:
            raise RuntimeError("a reference kernel is named in the release:\n  " + "\n  ".join(found[:20]))
    found = answer_leaks(out_dir, _answers(repo))
    if found:
        raise RuntimeError("a right answer would ship in the release:\n  " + "\n  ".join(found[:20]))
    return removed


def _skip_grader(folder: str, names: list[str]) -> set[str]:
    top = os.path.basename(os.path.normpath(folder)) == "grader"
    return set(SKIP(folder, names)) | ({n for n in names if n in INSTRUCTOR_ONLY} if top else set())


def _answers(repo: str) -> dict:
    """The instructor's answer keys (``grader/answers.py`` of ``repo``), read, not imported."""
    path = os.path.join(repo, "grader", "answers.py")
    if not os.path.exists(path):
        raise RuntimeError(f"{path} is missing: the release is checked against the answer keys it keeps")
    tree = ast.parse(open(path, encoding="utf-8").read())
    for node in tree.body:
        target = node.target if isinstance(node, ast.AnnAssign) else (node.targets[0] if isinstance(node, ast.Assign) else None)
        if isinstance(target, ast.Name) and target.id == "ANSWERS":
            return ast.literal_eval(node.value)
    raise RuntimeError(f"{path} defines no ANSWERS")


def cmd_release(args) -> int:
    try:
        removed = build_release(args.out_dir)
    except (FileExistsError, RuntimeError) as exc:
        print(f"grader release: {exc}", file=sys.stderr)
        return 2
    count = sum(len(v) for v in removed.values())
    print(f"Wrote the student release to {args.out_dir} ({count} hidden checks left out"
          + (": " + ", ".join(f"{m}.{c}" for m, cs in removed.items() for c in cs) if count else "") + ").")
    print(f"Students run:  cd {os.path.basename(os.path.normpath(args.out_dir))} && ./setup.sh && .venv/bin/grader check")
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser("release", help="write the students' folder: stubs, grader with public checks, set-up script")
    p.add_argument("out_dir", metavar="OUT_DIR")
    p.set_defaults(func=cmd_release)
