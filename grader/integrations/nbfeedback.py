"""Feedback in a student's Jupyter kernel: ``feedback("cross_correlation")``.

Called from the feedback (test) cells of the nbgrader course notebook. It grades the
code this kernel has run so far (its input history, in order, without the feedback
cells) with the same sandboxed grader and the same checks as the course, and prints
what they found; it raises ``AssertionError`` when the exercise is not at full marks,
so the cell shows red and ``nbgrader validate`` reports it.

It is feedback only: the published seed is used (the instructor's is private). The
course's autograde pipeline (``nbgrader_pipeline``) never runs it: it starts no kernel.
So if it runs under ``nbgrader autograde`` (``NBGRADER_EXECUTION=autograde``), nbgrader's
stock ``Execute`` is grading in the student's kernel, i.e. the course configuration was
not loaded; it then fails closed: it raises, every such cell scores 0, and the message
tells the instructor why.
"""
from __future__ import annotations

import atexit
import os
import tempfile

from grader.contract import BASE_MODULE, DEFAULT_SEED, MODULES

MARK = "grader.integrations.nbfeedback"
_ZYGOTE = None


class NotAtFullMarks(AssertionError):
    """The exercise has failing checks; the printed feedback says which."""


def shared_zygote():
    """One warm worker for every grading this process does (kernel or nbgrader)."""
    global _ZYGOTE
    from grader.client import Zygote

    if _ZYGOTE is None or not _ZYGOTE.alive():
        _ZYGOTE = Zygote()
        atexit.register(_ZYGOTE.close)
    return _ZYGOTE


def kernel_cells() -> list[str]:
    """The raw source of every cell this kernel ran, in order, without the feedback cells."""
    try:
        from IPython import get_ipython
    except ImportError:
        get_ipython = None
    shell = get_ipython() if get_ipython else None
    if shell is None:
        raise RuntimeError("feedback() shows the grader's verdict inside a Jupyter notebook; "
                           "outside one, run `grader grade YOUR_NOTEBOOK.ipynb`.")
    history = list(shell.history_manager.input_hist_raw)
    return [src for src in history if src.strip() and MARK not in src]


def grade_cells(cells: list[str], module: str, seed: int = DEFAULT_SEED):
    import nbformat

    from grader.cli import grade_one

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    with tempfile.TemporaryDirectory(prefix="grader-feedback-") as tmp:
        path = os.path.join(tmp, "this_notebook.ipynb")
        with open(path, "w", encoding="utf-8") as f:
            f.write(nbformat.writes(nb))
        # corr2d is graded too: checks that build on it are skipped while it fails
        modules = [m for m in MODULES if m in (BASE_MODULE, module)]
        return grade_one(path, seed=seed, modules=modules, zygote=shared_zygote())


def exercise_feedback(report, module: str) -> str:
    """The exercise's checks as text for a notebook cell: nothing cut without saying so, long lines
    wrapped (nbgrader's feedback HTML shows outputs unwrapped), a repeated failure marked "same cause"."""
    from grader.report import clip, fmt, same_cause, same_cause_text, wrap

    score, total = report.exercise(module)
    lines = [f"{module}: {fmt(score)} / {fmt(total)} points (sandboxed grader)"]
    results = [r for r in report.results if r.module == module]
    repeats = same_cause(results)
    for i, r in enumerate(results):
        status = "ok" if r.score >= r.max_score else r.status
        lines += wrap(f"  [{status}] {r.name}  ({fmt(r.score)}/{fmt(r.max_score)})", 90).splitlines()
        if r.score < r.max_score and r.output:
            text = same_cause_text(r, results[repeats[i]]) if i in repeats else clip(r.output)
            lines += ["      " + line for line in wrap(text, 84).splitlines()]
    return "\n".join(lines) + "\n"


def feedback(module: str) -> None:
    if module not in MODULES:
        raise ValueError(f"unknown exercise {module!r}; choose from {', '.join(MODULES)}")
    if os.environ.get("NBGRADER_EXECUTION") == "autograde":
        raise RuntimeError("nbgrader autograde ran this cell in the student's kernel: the course's "
                           "nbgrader_config.py (written by `grader nbgrader`) was not loaded, so these scores "
                           "are not the sandboxed grader's. Fix the configuration and autograde again.")
    report = grade_cells(kernel_cells(), module)
    print(exercise_feedback(report, module), end="")
    for note in report.notes:
        print(f"Note: {note}")
    if not report.full(module):
        score, total = report.exercise(module)
        raise NotAtFullMarks(f"{module}: {score:g} / {total:g} points so far (see above)")
