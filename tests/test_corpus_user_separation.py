"""The sample corpus graded without bubblewrap, as root: user separation (its own uid, its own
view of the file system) gives every case the same verdicts as bubblewrap does."""
from __future__ import annotations

import os

import pytest

from grader import sandbox
from grader.client import Zygote
from tests.helpers import load_json, matches
from tests.test_corpus import CASES, CORPUS, graded

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="user separation needs root")


@pytest.fixture(scope="module")
def zygote():
    old = os.environ.get("GRADER_NO_SANDBOX")
    os.environ["GRADER_NO_SANDBOX"] = "1"
    sandbox.bwrap_probe.cache_clear()
    try:
        z = Zygote()
        assert z.mode == "users", z.sandbox
    finally:
        if old is None:
            os.environ.pop("GRADER_NO_SANDBOX", None)
        else:
            os.environ["GRADER_NO_SANDBOX"] = old
        sandbox.bwrap_probe.cache_clear()
    yield z
    z.close()


@pytest.mark.parametrize("case", CASES)
def test_case_gets_its_expected_verdicts_without_bubblewrap(case, zygote):
    folder = os.path.join(CORPUS, case)
    expected = load_json(os.path.join(folder, "expected.json"))
    got = graded(zygote, folder, list(expected))
    assert {m: matches(got[m], v) for m, v in expected.items()} == {m: True for m in expected}, got
