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
