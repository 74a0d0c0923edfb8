"""The sample-submission corpus: every case gets the verdict its expected.json states.

Cases are graded in-process against one warm worker (the grading path of the
command line minus process start-up); ``test_cli.py`` drives the command line
itself. Each case is also graded as a Jupyter notebook holding the same code, which
must give the same verdicts.
"""
from __future__ import annotations

import json
import os

import pytest

from grader.client import Zygote
from grader.report import to_gradescope
from grader.runner import grade
from grader.submission import load
from tests.helpers import load_json, matches, verdicts

CORPUS = os.path.join(os.path.dirname(__file__), "corpus")
CASES = sorted(d for d in os.listdir(CORPUS) if os.path.isdir(os.path.join(CORPUS, d)))


@pytest.fixture(scope="module")
def zygote():
    z = Zygote()
    yield z
    z.close()


def notebook_of(folder: str, path: str) -> None:
    """The same code as a notebook: a markdown cell, then one code cell per module file."""
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# My solutions"]},
             {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
              "source": ["%matplotlib inline\n", "import torch"]}]
    for name in sorted(os.listdir(folder), key=lambda n: (n != "cross_correlation.py", n)):
        if name.endswith(".py"):
            with open(os.path.join(folder, name)) as f:
                cells.append({"cell_type": "code", "metadata": {}, "execution_count": None,
                              "outputs": [], "source": f.read()})
    nb = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    with open(path, "w") as f:
        json.dump(nb, f)


def graded(zygote, path, modules):
    return verdicts(to_gradescope(grade(load(path), zygote, modules=modules)))


@pytest.mark.parametrize("case", CASES)
def test_case_gets_its_expected_verdicts(case, zygote, tmp_path):
    folder = os.path.join(CORPUS, case)
    expected = load_json(os.path.join(folder, "expected.json"))
    got = graded(zygote, folder, list(expected))
    assert {m: matches(got[m], v) for m, v in expected.items()} == {m: True for m in expected}, got
    nb = str(tmp_path / f"{case}.ipynb")
    notebook_of(folder, nb)
    assert graded(zygote, nb, list(expected)) == got


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_the_references_in_another_default_dtype_keep_their_marks(dtype, zygote, tmp_path):
    """The layers built in float64 (the default dtype set at import) are right (red team: the oracle
    once added the decimal 0.7 where the layer had been given float32(0.7), 1e-8 apart)."""
    import shutil

    from tests.helpers import SOLUTIONS

    for name in ("cross_correlation.py", "conv2d_autograd.py"):
        shutil.copy(os.path.join(SOLUTIONS, name), tmp_path / name)
    layer = tmp_path / "conv2d_autograd.py"
    layer.write_text(f"import torch\ntorch.set_default_dtype(torch.{dtype})\n" + layer.read_text())
    got = graded(zygote, str(tmp_path), ["cross_correlation", "conv2d_autograd"])
    assert got == {"cross_correlation": "full", "conv2d_autograd": "full"}, got
