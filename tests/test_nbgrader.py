"""``grader nbgrader``: the real nbgrader CLI, end to end, scores from the sandboxed grader.

A course restricted to two exercises (cross_correlation, diagonal_edges) goes through
``nbgrader generate_assignment`` and ``nbgrader autograde`` with four students; the
gradebook's scores must equal ``grader grade`` on the same submitted notebooks:

- alice: the references -> full marks;
- bob: a wrong diagonal_edges plus a cell patching torch.allclose & co -> diagonal_edges
  loses its marks, cross_correlation keeps them (the probes hold their own references to
  torch.equal and friends, so patching them neither raises a score nor stops a measurement);
- carol: the references, printing to stderr and warning -> full marks (nbgrader #1904);
- dave: the references, one feedback cell deleted and another rewritten -> full marks.

A second test builds the full ten-exercise course and grades its source notebook (full
marks) and its release notebook (zero, with the stubs' messages).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import nbformat
import pytest

from grader.integrations.course_notebook import answer_cells, module_code
from tests.helpers import REPO, SOLUTIONS, grader_cmd, run_grader

SEED = 4242
ASSIGNMENT = "conv"
MODULES = ["cross_correlation", "diagonal_edges"]
BIN = os.path.dirname(sys.executable)

WRONG_DIAGONAL = '''import torch

EDGE_KERNEL = torch.tensor([[1.0, -1.0]])


def diagonal_image(n=8):
    return torch.ones(n, n)


def edge_response(X):
    return torch.zeros(X.shape[0], X.shape[1] - 1)


APPLY_K = "nothing"'''

PATCH_CELL = '''import torch
import torch.testing
torch.allclose = lambda *args, **kwargs: True
torch.equal = lambda *args, **kwargs: True
torch.testing.assert_close = lambda *args, **kwargs: None'''

STDERR_TAIL = '''

import sys
import warnings

_reference_corr2d = corr2d


def corr2d(X, K):
    print("debug: corr2d called", file=sys.stderr)
    return _reference_corr2d(X, K)


warnings.warn("a warning while defining corr2d")
print("and a line on stderr", file=sys.stderr)'''


def nbgrader(course: str, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH=BIN + os.pathsep + os.environ.get("PATH", ""))  # nbgrader runs `alembic`
    result = subprocess.run([os.path.join(BIN, "nbgrader"), *args], cwd=course, env=env, text=True,
                            capture_output=True, timeout=timeout)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-4000:]
    assert "Exception while loading config file" not in log, log[-4000:]
    return result


def reference(module: str) -> str:
    with open(os.path.join(SOLUTIONS, f"{module}.py"), encoding="utf-8") as f:
        return module_code(f.read())


def submit(course: str, student: str, nb) -> str:
    folder = os.path.join(course, "submitted", student, ASSIGNMENT)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{ASSIGNMENT}.ipynb")
    nbformat.write(nb, path)
    return path


def released(course: str):
    nb = nbformat.read(os.path.join(course, "release", ASSIGNMENT, f"{ASSIGNMENT}.ipynb"), as_version=4)
    return nb, answer_cells(nb)


def grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def make_submissions(course: str) -> dict[str, str]:
    paths = {}
    nb, answers = released(course)
    for module in MODULES:
        answers[module].source = reference(module)
    paths["alice"] = submit(course, "alice", nb)

    nb, answers = released(course)
    answers["cross_correlation"].source = reference("cross_correlation")
    answers["diagonal_edges"].source = WRONG_DIAGONAL
    at = nb.cells.index(answers["diagonal_edges"]) + 1
    nb.cells.insert(at, nbformat.v4.new_code_cell(PATCH_CELL))
    paths["bob"] = submit(course, "bob", nb)

    nb, answers = released(course)
    answers["cross_correlation"].source = reference("cross_correlation") + STDERR_TAIL
    answers["diagonal_edges"].source = reference("diagonal_edges") + '\nprint("diagonal: done", file=sys.stderr)'
    paths["carol"] = submit(course, "carol", nb)

    nb, answers = released(course)
    for module in MODULES:
        answers[module].source = reference(module)
    nb.cells = [c for c in nb.cells if grade_id(c) != "cross_correlation"]
    for cell in nb.cells:
        if grade_id(cell) == "diagonal_edges":
            cell.source = 'raise RuntimeError("tests are for the weak")'
    paths["dave"] = submit(course, "dave", nb)
    return paths


def gradebook_scores(course: str, student: str) -> dict[str, tuple[float, float]]:
    from nbgrader.api import Gradebook

    with Gradebook("sqlite:///" + os.path.join(course, "gradebook.db")) as gb:
        submitted = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
        return {g.name: (g.auto_score, g.max_score) for g in submitted.grades}


def start_grader_grade(path: str, out: str) -> subprocess.Popen:
    """``grader grade`` on a submitted notebook, in the background (the same seed and exercises)."""
    return subprocess.Popen(grader_cmd("grade", path, "--seed", str(SEED), "--only", *MODULES, "--json", out, "-q"),
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def finish(proc: subprocess.Popen, out: str) -> dict[str, tuple[float, float]]:
    try:
        _, err = proc.communicate(timeout=600)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        raise
    assert proc.returncode == 0, err[-3000:]
    with open(out, encoding="utf-8") as f:
        exercises = json.load(f)["extra_data"]["exercises"]
    return {m: (v["score"], v["max_score"]) for m, v in exercises.items()}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = str(tmp_path_factory.mktemp("nbgrader"))
    course = os.path.join(root, "course")
    result = run_grader("nbgrader", course, "--assignment", ASSIGNMENT, "--seed", str(SEED),
                        "--only", "diagonal_edges")
    assert result.returncode == 0, result.stdout + result.stderr
    nbgrader(course, "generate_assignment", ASSIGNMENT)
    paths = make_submissions(course)
    outs = {student: os.path.join(root, f"{student}.json") for student in paths}
    running = {student: start_grader_grade(paths[student], outs[student]) for student in paths}  # meanwhile
    log = nbgrader(course, "autograde", ASSIGNMENT)
    ours = {student: finish(proc, outs[student]) for student, proc in running.items()}
    return {"root": root, "course": course, "paths": paths, "log": log.stdout + log.stderr, "ours": ours}


def test_release_notebook_holds_the_stubs_not_the_references(course):
    nb, answers = released(course["course"])
    assert sorted(answers) == sorted(MODULES)
    with open(os.path.join(os.path.dirname(SOLUTIONS), "exercises", "diagonal_edges.py"), encoding="utf-8") as f:
        stub = module_code(f.read())
    assert answers["diagonal_edges"].source == stub  # constants included: APPLY_K = ""
    text = nbformat.writes(nb)
    assert "BEGIN SOLUTION" not in text
    assert "unfold(0, k_h, 1)" not in text and "torch.tril(torch.ones(n, n))" not in text
    tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert [grade_id(c) for c in tests] == MODULES
    assert all(c.metadata["nbgrader"]["points"] > 0 for c in tests)


@pytest.mark.parametrize("student, expected", [
    ("alice", {"cross_correlation": "full", "diagonal_edges": "full"}),
    ("bob", {"cross_correlation": "full", "diagonal_edges": "not_full"}),
    ("carol", {"cross_correlation": "full", "diagonal_edges": "full"}),
    ("dave", {"cross_correlation": "full", "diagonal_edges": "full"}),
])
def test_gradebook_matches_grader_grade(course, student, expected):
    book = gradebook_scores(course["course"], student)
    ours = course["ours"][student]
    assert set(book) == set(MODULES)
    for module in MODULES:
        assert book[module][0] == pytest.approx(ours[module][0]), (module, book, ours)
        assert book[module][1] == pytest.approx(ours[module][1])
        full = book[module][0] >= book[module][1]
        if expected[module] != "any":
            assert full == (expected[module] == "full"), (student, module, book[module])
    if student == "bob":
        assert book["diagonal_edges"][0] == 0


def test_autograded_feedback_cells_show_the_sandboxed_verdict(course):
    path = os.path.join(course["course"], "autograded", "bob", ASSIGNMENT, f"{ASSIGNMENT}.ipynb")
    nb = nbformat.read(path, as_version=4)
    tests = {grade_id(c): c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")}
    assert any(c.source == PATCH_CELL for c in nb.cells)  # the patch was graded with the rest, to no avail
    text = tests["diagonal_edges"].outputs[0]["text"]
    assert text.startswith("diagonal_edges: 0 /") and "sandboxed grader" in text
    assert tests["diagonal_edges"].outputs[1]["data"]["text/plain"] == "0.0"
    assert "Sandboxed grader (bwrap" in course["log"] or "Sandboxed grader (none" in course["log"]


def test_feedback_cells_in_a_student_kernel(course, tmp_path):
    """Run outside autograde, the feedback cells grade the kernel's code and fail red when wrong."""
    from nbclient import NotebookClient

    nb = nbformat.read(course["paths"]["bob"], as_version=4)
    nb.cells = [c for c in nb.cells if c.source != PATCH_CELL]  # bob's wrong diagonal_edges, without the patch
    NotebookClient(nb, timeout=300, allow_errors=True, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    tests = {grade_id(c): c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")}
    good = "".join(o.get("text", "") for o in tests["cross_correlation"].outputs)
    assert "cross_correlation: 10 / 10" in good
    assert not any(o.output_type == "error" for o in tests["cross_correlation"].outputs)
    bad = tests["diagonal_edges"].outputs
    assert any(o.output_type == "error" and o.ename == "NotAtFullMarks" for o in bad)
    assert "diagonal_edges: 0 /" in "".join(o.get("text", "") for o in bad)


def test_full_course_source_scores_full_and_release_scores_zero(tmp_path):
    course = str(tmp_path / "course")
    result = run_grader("nbgrader", course, "--seed", str(SEED))
    assert result.returncode == 0, result.stdout + result.stderr
    nbgrader(course, "generate_assignment", ASSIGNMENT)
    for kind, expect_full in (("source", True), ("release", False)):
        path = os.path.join(course, kind, ASSIGNMENT, f"{ASSIGNMENT}.ipynb")
        out = str(tmp_path / f"{kind}.json")
        result = run_grader("grade", path, "--seed", str(SEED), "--json", out, "-q")
        assert result.returncode == 0, result.stderr[-3000:]
        with open(out, encoding="utf-8") as f:
            data = json.load(f)
        for module, ex in data["extra_data"]["exercises"].items():
            if expect_full:
                assert ex["score"] == ex["max_score"], (module, [t for t in data["tests"] if t["score"] < t["max_score"]])
            else:
                assert ex["score"] == 0, module
        if not expect_full:
            outputs = "\n".join(t["output"] for t in data["tests"])
            assert "not implemented yet" in outputs and 'is still ""' in outputs


def test_existing_course_is_not_overwritten(tmp_path):
    from grader.integrations.nbgrader import CourseError, write_course

    course = str(tmp_path / "course")
    write_course(course, seed=1, modules=["cross_correlation"])
    with pytest.raises(CourseError, match="--force"):
        write_course(course, seed=1, modules=["cross_correlation"])
    write_course(course, seed=2, modules=["cross_correlation"], force=True)
    with open(os.path.join(course, "nbgrader_config.py"), encoding="utf-8") as f:
        assert "c.SandboxExecute.seed = 2" in f.read()
    with open(os.path.join(course, "nbgrader_config.py"), "w", encoding="utf-8") as f:
        f.write("c = get_config()\n")  # someone else's configuration
    with pytest.raises(CourseError, match="not written by"):
        write_course(course, seed=1, modules=["cross_correlation"], assignment="other")


def test_feedback_fails_closed_when_stock_nbgrader_autogrades(monkeypatch):
    """If the course configuration was not loaded, stock Execute runs the feedback cells: all score 0."""
    from grader.integrations.nbfeedback import feedback

    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(RuntimeError, match="nbgrader_config.py"):
        feedback("cross_correlation")
    monkeypatch.delenv("NBGRADER_EXECUTION")
    with pytest.raises(RuntimeError, match="inside a Jupyter notebook"):
        feedback("cross_correlation")  # not in a kernel
    with pytest.raises(ValueError, match="unknown exercise"):
        feedback("convolution")


def test_pipelines_replace_only_execute_and_clear_solutions():
    from nbgrader.converters import Autograde, GenerateAssignment
    from nbgrader.preprocessors import ClearSolutions, Execute, SaveAutoGrades

    from grader.integrations import nbgrader_pipeline as pipe

    stock = Autograde.class_traits()["autograde_preprocessors"].default()
    ours = pipe.autograde_preprocessors()
    assert Execute not in ours and ours[0] is pipe.SandboxExecute
    assert ours.index(pipe.SandboxScores) == ours.index(SaveAutoGrades) + 1
    assert [p for p in ours if p not in (pipe.SandboxExecute, pipe.SandboxScores)] == stock[1:]
    generate = pipe.generate_preprocessors()
    assert ClearSolutions not in generate and pipe.StubSolutions in generate
    assert len(generate) == len(GenerateAssignment.class_traits()["preprocessors"].default())
