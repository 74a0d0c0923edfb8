"""Feedback in a student's Jupyter kernel: ``feedback("cross_correlation")``.

Called from the feedback (test) cells of the nbgrader course notebook, and by anyone in
any Jupyter or Colab notebook where the grader is installed (the self-learner's inline
check: ``from grader.integrations.nbfeedback import feedback``). It grades the
code this kernel has run so far (its input history, in order, without the cells that
import or call the feedback) with the same sandboxed grader and the same checks as the course, and prints
what they found; it raises ``AssertionError`` when the exercise is not at full marks,
so the cell shows red and ``nbgrader validate`` reports it; in IPython that error is one
line, without the grader's own files in a traceback.

It is feedback only: the published seed is used (the instructor's is private). The
course's autograde pipeline (``nbgrader_pipeline``) never runs it: it starts no kernel.
So if it runs under ``nbgrader autograde`` (``NBGRADER_EXECUTION=autograde``), nbgrader's
stock ``Execute`` is grading in the student's kernel, i.e. the course configuration was
not loaded; it then fails closed: it raises, every such cell scores 0, and the message
tells the instructor why.
"""
from __future__ import annotations

import ast
import atexit
import os
import re
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
    return [src for src in history if src.strip() and not asks_for_feedback(src)]


def asks_for_feedback(source: str) -> bool:
    """A cell that imports or calls the feedback (the grader does not exist in the sandbox: such a
    cell would only fail there), as opposed to the student's own code."""
    if MARK in source or re.search(r"^\s*(from\s+grader[\s.]|import\s+grader\b)", source, re.M):
        return True
    try:
        tree = ast.parse(source)
    except SyntaxError:  # magics and shell escapes: the grader skips those lines itself
        return bool(re.search(r"^\s*feedback\(", source, re.M))
    calls = [node.value for node in tree.body if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)]
    return bool(calls) and len(calls) == len(tree.body) and all(
        getattr(c.func, "id", getattr(c.func, "attr", None)) == "feedback" for c in calls)


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


class FeedbackError(RuntimeError):
    """feedback() cannot grade here; the message says why (shown without a traceback)."""


class UnknownExercise(FeedbackError, ValueError):
    """feedback() was given a name that is not one of the exercises."""


def _short_tracebacks(shell) -> None:
    """In IPython, show our own exceptions as one line: the student's cell is what matters, not the
    grader's files (their paths and lines say nothing to a student)."""
    if shell is None or getattr(shell, "_grader_short_tb", False):
        return
    ours = (NotAtFullMarks, FeedbackError)
    previous = getattr(shell, "CustomTB", None)
    previous_types = tuple(getattr(shell, "custom_exceptions", ()) or ())

    def handler(self, etype, value, tb, tb_offset=None):
        if isinstance(value, ours):
            stb = [f"{etype.__name__}: {value}"]
            self._showtraceback(etype, value, stb)  # shown (and sent to the notebook) as the cell's error
            return stb
        if previous is not None and isinstance(value, previous_types):
            return previous(etype, value, tb, tb_offset)
        self.showtraceback((etype, value, tb), tb_offset=tb_offset)
        return None

    shell.set_custom_exc(ours + tuple(t for t in previous_types if t not in ours), handler)
    shell._grader_short_tb = True


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def feedback(module: str) -> None:
    """Grade one exercise from the code this notebook has run so far; print what the checks found.

    Works in any Jupyter or Colab notebook where the grader is installed (the self-learner's
    inline check), and in the feedback cells of the course notebook. Raises ``NotAtFullMarks``
    (shown as one line) while the exercise is not at full marks.
    """
    __tracebackhide__ = True  # noqa: F841 - pytest and IPython hide this frame
    _short_tracebacks(_shell())
    if module not in MODULES:
        raise UnknownExercise(f"unknown exercise {module!r}; choose from {', '.join(MODULES)}")
    if os.environ.get("NBGRADER_EXECUTION") == "autograde":
        raise FeedbackError("nbgrader autograde ran this cell in the student's kernel: the course's "
                            "nbgrader_config.py (written by `grader nbgrader`) was not loaded, so these scores "
                            "are not the sandboxed grader's. Fix the configuration and autograde again.")
    try:
        cells = kernel_cells()
    except RuntimeError as exc:
        raise FeedbackError(str(exc)) from None
    for needed in ("nbformat", "torch"):
        try:
            __import__(needed)
        except ImportError:
            raise FeedbackError(f"feedback() needs {needed} in this kernel's environment: run "
                                f"`%pip install {needed}` (torch: the CPU build, torch==2.13.0) and restart the "
                                "kernel") from None
    report = grade_cells(cells, module)
    print(exercise_feedback(report, module), end="")
    for note in report.notes:
        if not re.match(r"Cell \d+: the IPython line .* was skipped", note):  # the kernel did run those
            print(f"Note: {note}")
    if not report.full(module):
        score, total = report.exercise(module)
        raise NotAtFullMarks(f"{module}: {score:g} / {total:g} points so far (see above)") from None
