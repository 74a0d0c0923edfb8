"""nbgrader preprocessors that make the sandboxed grader the source of every autograded score.

Plain ``nbgrader autograde`` runs the submitted notebook in an ordinary kernel, as
the instructor, next to ``gradebook.db``, and scores each test cell by whether its
output holds an error or any stderr text. So a cell patching ``torch.allclose``
turns a wrong answer into full marks, a correct answer that prints a warning scores
0 (nbgrader issue #1904), and student code could rewrite the gradebook itself.

The course written by ``grader nbgrader`` replaces two steps of nbgrader's pipelines
(``nbgrader_config.py`` lists them; nothing else changes):

- ``GenerateAssignment``: ``ClearSolutions`` -> ``StubSolutions``, which gives each
  exercise cell exactly the stub of ``exercises/`` (constants included).
- ``Autograde``: ``Execute`` -> ``SandboxExecute``, which never starts a kernel. It
  grades the sanitized notebook with the grader (student code only in the sandboxed
  worker; verdicts computed here), writes each test cell's output from that report
  (the feedback text, then the score as the cell's result), and keeps the scores.
  After nbgrader's own ``SaveAutoGrades``, ``SandboxScores`` writes those scores as
  each grade's ``auto_score`` through ``nbgrader.api.Gradebook``, for every grade
  cell of the notebook in the gradebook (a deleted test cell still gets its score).
"""
from __future__ import annotations

import os
import re
import tempfile

from nbformat.v4 import new_output
from nbgrader import utils
from nbgrader.api import Gradebook
from nbgrader.preprocessors import ClearSolutions, NbGraderPreprocessor
from traitlets import Integer

from grader.contract import DEFAULT_SEED, MODULES
from grader.integrations.nbfeedback import exercise_feedback, shared_zygote


class StubSolutions(ClearSolutions):
    """``ClearSolutions``, except that a solution cell carrying ``metadata.grader.stub``
    becomes exactly that stub (nbgrader's fixed code stub cannot express ``APPLY_K = ""``)."""

    def preprocess_cell(self, cell, resources, cell_index):
        grader_meta = cell.metadata.get("grader", {})
        stub = grader_meta.get("stub")
        if cell.cell_type == "code" and utils.is_solution(cell) and isinstance(stub, str):
            cell.source = stub
            del grader_meta["stub"]
            return cell, resources
        return super().preprocess_cell(cell, resources, cell_index)


def graded_modules(info: dict) -> dict[str, float]:
    """The exercises this notebook is graded on (its grade cells in the gradebook) and their points."""
    with Gradebook(info["db_url"]) as gb:
        notebook = gb.find_notebook(info["notebook"], info["assignment"])
        points = {cell.name: float(cell.max_score) for cell in notebook.grade_cells}
    return {m: points[m] for m in MODULES if m in points}


def cell_score(report, module: str, points: float, log=None) -> float:
    """The exercise's score on the grade cell's scale (the checks may have changed since the course was built)."""
    score, total = report.exercise(module)
    if total != points:
        if log:
            log.warning("%s: the checks are worth %g points but the grade cell %g; scaling (rebuild the "
                        "course with `grader nbgrader` to match)", module, total, points)
        score = score * points / total if total else 0.0
    return round(min(max(score, 0.0), points), 6)


def grade_notebook(nb, student: str, seed: int, modules):
    """Grade an in-memory notebook with the sandboxed grader; returns the runner's Report."""
    import nbformat

    from grader.cli import grade_one

    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", student) or "student"
    with tempfile.TemporaryDirectory(prefix="grader-nbgrader-") as tmp:
        path = os.path.join(tmp, f"{safe}.ipynb")
        with open(path, "w", encoding="utf-8") as f:
            f.write(nbformat.writes(nb))
        return grade_one(path, seed=seed, modules=modules, zygote=shared_zygote())


def insight_results(report) -> dict:
    """The report as results.json (mistake codes included) for the autograded notebook's metadata,
    which ``grader insights`` reads beside nbgrader's gradebook; grader tracebacks left out."""
    from grader.report import to_gradescope

    data = to_gradescope(report)
    for test in data.get("tests", []):
        test.get("extra_data", {}).pop("grader_error", None)
    data.get("extra_data", {}).pop("grader_error", None)
    return data


class SandboxExecute(NbGraderPreprocessor):
    """Stands in for nbgrader's ``Execute``: grade in the sandbox, write outputs, keep scores."""

    seed = Integer(DEFAULT_SEED, help="seed of the checks' random inputs (the instructor's own)").tag(config=True)

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        points = graded_modules(info)
        modules = list(points)
        report = grade_notebook(nb, info["student"], self.seed, modules)
        if (report.error or "").startswith("grader error"):  # our fault, not the student's: no zeros
            raise RuntimeError(f"the sandboxed grader failed on {info['student']}: {report.error}")
        scores = {m: cell_score(report, m, points[m], self.log) for m in modules}
        resources["grader_scores"] = scores
        nb.metadata["grader_results"] = insight_results(report)  # per-check results for `grader insights`
        notes = "".join(f"Note: {n}\n" for n in report.notes)
        for cell in nb.cells:
            module = cell.metadata.get("nbgrader", {}).get("grade_id")
            if cell.cell_type != "code" or not utils.is_grade(cell) or module not in scores:
                continue
            cell.execution_count = None
            cell.outputs = [
                new_output("stream", name="stdout", text=exercise_feedback(report, module) + notes),
                new_output("execute_result", data={"text/plain": repr(float(scores[module]))}),
            ]
            notes = ""
        self.log.info("Sandboxed grader (%s): %s", report.sandbox,
                      ", ".join(f"{m} {scores[m]:g}" for m in modules))
        return nb, resources


class SandboxScores(NbGraderPreprocessor):
    """After ``SaveAutoGrades``: every grade's ``auto_score`` is the sandboxed grader's."""

    def preprocess(self, nb, resources):
        scores = resources.get("grader_scores")
        if scores is None:
            raise RuntimeError("SandboxScores needs SandboxExecute earlier in Autograde.autograde_preprocessors")
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            submitted = gb.find_submission_notebook(info["notebook"], info["assignment"], info["student"])
            for grade in submitted.grades:
                if grade.name not in scores:
                    continue
                if grade.auto_score != scores[grade.name]:
                    self.log.warning("%s: in-notebook score %s replaced by the sandboxed grader's %s",
                                     grade.name, grade.auto_score, scores[grade.name])
                grade.auto_score = scores[grade.name]
                grade.needs_manual_grade = grade.manual_score is not None
            gb.db.commit()
        return nb, resources


def _replace(defaults, old, new) -> list:
    out = [new if pp is old else pp for pp in defaults]
    if new not in out:
        raise RuntimeError(f"nbgrader's pipeline has no {old.__name__} to replace; this nbgrader is not supported")
    return out


def generate_preprocessors() -> list:
    from nbgrader.converters import GenerateAssignment

    return _replace(GenerateAssignment.class_traits()["preprocessors"].default(), ClearSolutions, StubSolutions)


def autograde_preprocessors() -> list:
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import Execute, SaveAutoGrades

    pipeline = _replace(Autograde.class_traits()["autograde_preprocessors"].default(), Execute, SandboxExecute)
    after = pipeline.index(SaveAutoGrades) + 1
    return pipeline[:after] + [SandboxScores] + pipeline[after:]
