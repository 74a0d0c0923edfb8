"""The corpus's right answers get full marks at other instructor seeds too.

``test_corpus.py`` grades every case at the default seed (as module files and as a
notebook). A right answer must not depend on luck: here every case whose expected
verdicts are all "full" is graded again, as module files, at two more seeds (the
instructor seeds of the issue that found learn_kernel depending on its init).
"""
from __future__ import annotations

import os

import pytest

from grader.client import Zygote
from grader.report import to_gradescope
from grader.runner import grade
from grader.submission import load
from tests.helpers import load_json, verdicts

CORPUS = os.path.join(os.path.dirname(__file__), "corpus")
SEEDS = (17, 88)


def _right_answers() -> list[str]:
    out = []
    for case in sorted(os.listdir(CORPUS)):
        path = os.path.join(CORPUS, case, "expected.json")
        if os.path.isfile(path) and set(load_json(path).values()) == {"full"}:
            out.append(case)
    return out


RIGHT = _right_answers()


@pytest.fixture(scope="module")
def zygote():
    z = Zygote()
    yield z
    z.close()


def test_every_exercise_has_right_answers_in_several_styles():
    per_module = {}
    for case in RIGHT:
        for module in load_json(os.path.join(CORPUS, case, "expected.json")):
            per_module[module] = per_module.get(module, 0) + 1
    from grader.contract import MODULES

    assert {m: per_module.get(m, 0) >= 3 for m in MODULES} == {m: True for m in MODULES}, per_module


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("case", RIGHT)
def test_right_answer_full_marks_at_other_seeds(case, seed, zygote):
    folder = os.path.join(CORPUS, case)
    expected = load_json(os.path.join(folder, "expected.json"))
    results = to_gradescope(grade(load(folder), zygote, seed=seed, modules=list(expected)))
    failing = [(t["name"], t["output"][:400]) for t in results["tests"] if t["score"] < t["max_score"]]
    assert verdicts(results) == expected, failing
