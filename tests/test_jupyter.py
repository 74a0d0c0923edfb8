"""Students in Jupyter (issue 9, item 4), in a real kernel (nbclient + ipykernel):

- ``feedback("cross_correlation")`` in any notebook, not only the course's, grades what the kernel
  ran, prints the checks' findings and fails the cell with one line, no grader file paths;
- the course notebook's statements do not tell the student to write ``from cross_correlation
  import corr2d`` (it would fail in a kernel), and its feedback cells pass on the references;
- the generated nbgrader configuration has a course id and an exchange that
  ``nbgrader release_assignment`` accepts.
"""
from __future__ import annotations

import os
import subprocess
import sys

import nbformat
import pytest

from tests.helpers import REPO, run_grader

nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

BIN = os.path.dirname(sys.executable)
RETURN_IN_LOOP = '''import torch

def corr2d(X, K):
    h, w = K.shape
    Y = torch.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + h, j:j + w] * K).sum()
        return Y'''


def execute(nb, folder):
    client = nbclient.NotebookClient(nb, timeout=900, kernel_name="python3", allow_errors=True,
                                     resources={"metadata": {"path": str(folder)}})
    client.execute()
    return nb


def text_of(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def errors_of(cell) -> list:
    return [o for o in cell.outputs if o.output_type == "error"]


def test_feedback_in_any_notebook_is_an_inline_check_without_grader_paths(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("%matplotlib inline\n" + RETURN_IN_LOOP),
        nbformat.v4.new_code_cell("from grader.integrations.nbfeedback import feedback"),
        nbformat.v4.new_code_cell('feedback("cross_correlation")'),
        nbformat.v4.new_code_cell('feedback("no_such_exercise")'),
    ]
    execute(nb, tmp_path)
    assert not errors_of(nb.cells[0]) and not errors_of(nb.cells[1])
    out = text_of(nb.cells[2])
    assert "cross_correlation: 0 /" in out
    assert out.count("Hint: Only the first output row") == 1  # one cause, shown once
    assert "Same cause as" in out
    assert "Cell" not in out  # the feedback cells were not graded as the student's code; magics not noted
    for cell in nb.cells[2:]:
        (error,) = errors_of(cell)
        shown = "\n".join(error["traceback"])
        assert len(error["traceback"]) == 1, shown
        assert "grader/" not in shown and ".py" not in shown, shown
    assert errors_of(nb.cells[2])[0]["ename"] == "NotAtFullMarks"
    assert errors_of(nb.cells[3])[0]["ename"] == "UnknownExercise"
    assert "unknown exercise" in errors_of(nb.cells[3])[0]["evalue"]


def test_course_notebook_in_the_students_kernel(tmp_path):
    from grader.integrations import course_notebook
    from grader.integrations.nbgrader import exercise_points

    modules = ["cross_correlation", "diagonal_edges"]
    nb = course_notebook.build(modules, exercise_points(modules), os.path.join(REPO, "exercises"),
                               os.path.join(REPO, "solutions"))
    statements = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for paragraph in statements.split("\n\n"):  # the import is mentioned only where it says not to write it
        if "from cross_correlation import corr2d" in paragraph:
            assert "would fail" in paragraph, paragraph
    assert "no `import`" in statements
    execute(nb, tmp_path)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not errors_of(cell), (cell.source[:200], errors_of(cell))
    feedback = [text_of(c) for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert len(feedback) == 2 and all("10 / 10 points" in f for f in feedback), feedback


def test_course_config_has_course_id_and_an_exchange_release_assignment_accepts(tmp_path):
    course = str(tmp_path / "conv-2026")
    proc = run_grader("nbgrader", course, "--only", "cross_correlation", "--seed", "7")
    assert proc.returncode == 0, proc.stderr
    config = open(os.path.join(course, "nbgrader_config.py"), encoding="utf-8").read()
    assert "course_id = 'conv-2026'" in config
    assert os.path.join(course, "exchange") in config
    env = dict(os.environ, PATH=BIN + os.pathsep + os.environ.get("PATH", ""))
    for step in ("generate_assignment", "release_assignment"):
        result = subprocess.run([os.path.join(BIN, "nbgrader"), step, "conv"], cwd=course, env=env,
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, (step, result.stdout[-3000:], result.stderr[-3000:])
    released = os.path.join(course, "exchange", "conv-2026", "outbound", "conv", "conv.ipynb")
    assert os.path.isfile(released)
