"""What a cold ``grader grade`` does to start quickly must not change a verdict.

A zygote for one submission preloads only the heavy libraries the submission imports or uses
(scipy, torch.optim's torch._dynamo); sympy always, since torch itself imports it
on the first backward through an in-place write. The grading process imports neither
pytest nor, once the inputs are cached, hypothesis.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from grader.client import Zygote
from grader.runner import grade
from grader.submission import libraries_used, load
from tests.helpers import REPO, SOLUTIONS

CORPUS = os.path.join(REPO, "tests", "corpus")


def test_libraries_used_names_what_the_source_imports_or_calls(tmp_path):
    (tmp_path / "cross_correlation.py").write_text("import scipy.signal\n\ndef corr2d(X, K):\n    pass\n")
    (tmp_path / "conv2d_autograd.py").write_text("import torch\nopt = torch.optim.SGD([], lr=0.1)\n")
    assert libraries_used(load(str(tmp_path))) == ("optim", "scipy")
    assert libraries_used(load(os.path.join(REPO, "exercises"))) == ()


@pytest.mark.parametrize("source, expected", [
    ("import numpy as np, scipy.signal\n", ("scipy",)),
    ("def f():\n    from scipy import signal\n    return signal\n", ("scipy",)),
    ("import importlib\nsig = importlib.import_module('scipy.signal')\n", ("scipy",)),
    ("s = __import__('scipy')\n", ("scipy",)),
    ("from torch import optim\n", ("optim",)),
    ("import torch\nopt = torch.optim.Adam\n", ("optim",)),
    ("from torch.optim import SGD\n", ("optim",)),
    ("import torch\nf = torch.compile(lambda x: x)\n", ("optim",)),
    ("import torch\nopt = getattr(torch, 'optim')\n", ("optim",)),
    ("import re\np = re.compile('x')\n", ()),
    # mentions are not uses: a comment or a docstring must not change what the child gets for free
    ("# the book would use scipy.signal.correlate2d(X, K) here\nimport torch\n", ()),
    ('def corr2d(X, K):\n    """Like scipy.signal.correlate2d(X, K, "valid")."""\n', ()),
    ("import torch\nd = torch.diff(torch.ones(3))\n", ()),
    # a notebook cell with a magic does not parse: a word of the name is enough then
    ("%timeit scipy.signal.correlate2d(x, k)\n", ("scipy",)),
])
def test_libraries_used_reads_the_code_not_the_comments(tmp_path, source, expected):
    (tmp_path / "blur_kernel.py").write_text(source)
    assert libraries_used(load(str(tmp_path))) == expected


@pytest.mark.parametrize("case, module", [("cross_correlation__scipy_numpy", "cross_correlation"),
                                          ("conv2d_autograd__unfold_randn_sgd_ok", "conv2d_autograd")])
def test_a_worker_that_did_not_preload_a_library_grades_the_same(case, module):
    """The children import what was not preloaded themselves: the same verdict as a zygote that did."""
    submission = load(os.path.join(CORPUS, case))
    verdicts = []
    for preload in ((), ("scipy", "optim")):
        zygote = Zygote(preload=preload)
        try:
            report = grade(submission, zygote, modules=[module])
        finally:
            zygote.close()
        verdicts.append([(r.function, r.score) for r in report.results])
    assert verdicts[0] == verdicts[1]


def test_grading_imports_neither_pytest_nor_hypothesis_once_inputs_are_cached(tmp_path):
    env = {**os.environ, "GRADER_CACHE_DIR": str(tmp_path / "cache")}
    script = ("import sys, json\n"
              "from grader.cli import main\n"
              "code = main(['grade', sys.argv[1], '-q', '--json', sys.argv[2]])\n"
              "print(json.dumps(sorted(m for m in ('pytest', 'hypothesis') if m in sys.modules)))\n")
    out = tmp_path / "results.json"
    runs = [subprocess.run([sys.executable, "-c", script, SOLUTIONS, str(out)], env=env, cwd=str(tmp_path),
                           capture_output=True, text=True, timeout=300) for _ in range(2)]
    assert [json.loads(r.stdout.strip().splitlines()[-1]) for r in runs] == [["hypothesis"], []]
    assert json.loads(out.read_text())["score"] == 103


def test_a_zygote_imports_a_heavy_library_once_when_a_submission_needs_it(tmp_path):
    zygote = Zygote()
    try:
        assert zygote.loaded == set()
        report = grade(load(os.path.join(CORPUS, "cross_correlation__scipy_numpy")), zygote,
                       modules=["cross_correlation"])
        assert zygote.loaded == {"scipy"}
        child = zygote.spawn({"memory_bytes": 1 << 30})
        try:
            reply = child.request({"op": "setup", "files": {}, "seed": 1,
                                   "cells": [(0, "import sys\nloaded = 'scipy.signal' in sys.modules")],
                                   "aliases": ["cross_correlation"]}, 30)
            assert reply["status"] == "ok"
            assert child.request({"op": "load", "module": "cross_correlation", "seed": 1}, 30)["status"] == "ok"
            reply = child.request({"op": "get", "module": "cross_correlation", "name": "loaded", "seed": 1}, 30)
            assert reply["value"] == {"t": "bool", "v": True}  # the child found it imported already
        finally:
            child.close()
    finally:
        zygote.close()
    assert report.results
