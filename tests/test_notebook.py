"""Notebook submissions: cells run in order; a failing cell loses only itself."""
from __future__ import annotations

import json

from tests.helpers import load_json, run_grader, verdicts

CORR2D = '''import torch

def corr2d(X, K):
    h, w = K.shape
    Y = X.new_zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + h, j:j + w] * K).sum()
    return Y
'''

SECOND = '''import torch

def second_derivative_kernel():
    return torch.tensor([[1.0, -2.0, 1.0]])

def laplacian_kernel():
    return torch.tensor([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]])

MIN_SIZE = 3
STRONGEST = "lines"
'''


def cell(source: str, kind: str = "code") -> dict:
    c = {"cell_type": kind, "metadata": {}, "source": source}
    if kind == "code":
        c.update(execution_count=None, outputs=[])
    return c


def write_notebook(path, cells) -> None:
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))


def test_failing_cells_magics_and_endless_demo_do_not_lose_definitions(tmp_path):
    nb = tmp_path / "student42.ipynb"
    write_notebook(nb, [
        cell("# Convolutions\nMy answers.", "markdown"),
        cell("!pip install d2l==1.0.3\n%matplotlib inline"),
        cell("from d2l import torch as d2l\nd2l.set_figsize((3, 3))"),  # the grader has no d2l
        cell(CORR2D),
        cell("X = torch.ones(3, 3)\nprint(corr2d(X, torch.ones(2, 2))"),  # typo: SyntaxError
        cell("while True:\n    pass"),  # a demo that never ends
        cell("%%time\nraise RuntimeError('never runs')"),
        cell(SECOND),
        cell("corr2d = corr2d  # from cross_correlation import corr2d also works here\n"
             "from cross_correlation import corr2d as again\nassert again is corr2d"),
    ])
    out = tmp_path / "r.json"
    proc = run_grader("grade", str(nb), "--json", str(out), "--only", "cross_correlation",
                      "second_derivative", "--call-timeout", "2")
    assert proc.returncode == 0, proc.stderr
    results = load_json(str(out))
    assert verdicts(results) == {"cross_correlation": "full", "second_derivative": "full"}
    notes = results["output"]
    assert "Cell 3 raised AttributeError: the grader does not provide d2l" in notes
    assert "Cell 5 raised SyntaxError" in notes
    assert "Cell 6 raised CellTimeout" in notes
    assert "IPython line `!pip install" in notes and "`%%time`" in notes
    assert "Cell 7 raised RuntimeError" in notes  # Jupyter runs a %%time cell's code
    assert "Cell 9 raised" not in notes  # the alias import worked


def test_code_running_cell_magics_keep_their_code_and_magic_values_cost_one_line(tmp_path):
    """%%time, %%timeit, %%capture run the cell's code in Jupyter: only their line is dropped.
    Other cell magics (%%bash, %%writefile) are not Python and are skipped; `x = !ls` and
    `y = %pwd` get an empty value instead of making the whole cell a syntax error."""
    nb = tmp_path / "magics.ipynb"
    write_notebook(nb, [
        cell("%%time\n" + CORR2D),
        cell("%%capture captured --no-stderr\nfiles = !ls\nhere = %pwd\n" + SECOND),
        cell("%%bash\necho 'def corr2d(X, K): return None'"),
        cell("%%writefile notes.py\nMIN_SIZE = 99"),
    ])
    out = tmp_path / "r.json"
    proc = run_grader("grade", str(nb), "--json", str(out), "--only", "cross_correlation", "second_derivative")
    assert proc.returncode == 0, proc.stderr
    results = load_json(str(out))
    assert verdicts(results) == {"cross_correlation": "full", "second_derivative": "full"}
    notes = results["output"]
    assert "`%%time` was skipped; the cell's code was run" in notes
    assert "`%%capture captured --no-stderr` was skipped; the cell's code was run" in notes
    assert "`!ls` was replaced by []" in notes and "`%pwd` was replaced by None" in notes
    assert "the cell magic `%%bash` was skipped" in notes and "`%%writefile notes.py` was skipped" in notes
    assert "raised" not in notes


def test_notebook_without_corr2d_uses_the_supplied_one(tmp_path):
    nb = tmp_path / "partial.ipynb"
    write_notebook(nb, [cell("import torch\nfrom cross_correlation import corr2d\n"
                             "def edge_response(X):\n    return corr2d(X, torch.tensor([[1.0, -1.0]]))")])
    out = tmp_path / "r.json"
    proc = run_grader("grade", str(nb), "--json", str(out), "--only", "cross_correlation", "diagonal_edges")
    assert proc.returncode == 0, proc.stderr
    results = load_json(str(out))
    assert "cross_correlation.py was not submitted" in results["output"]
    edge = [t for t in results["tests"] if t["tags"][0] == "diagonal_edges"]
    assert any("edge_response" in t["name"] and t["score"] == t["max_score"] for t in edge), edge


def test_not_a_notebook_scores_zero_with_a_clear_message(tmp_path):
    bad = tmp_path / "broken.ipynb"
    bad.write_text("{not json")
    out = tmp_path / "r.json"
    proc = run_grader("grade", str(bad), "--json", str(out), "--only", "cross_correlation")
    assert proc.returncode == 0
    results = load_json(str(out))
    assert results["score"] == 0
    assert "not a valid Jupyter notebook" in results["tests"][0]["output"]
