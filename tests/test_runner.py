"""Rules of the runner: declared points, grader errors, prerequisites, determinism."""
from __future__ import annotations

import sys
import types

import pytest

from grader.checking import Mismatch, points, requires
from grader.runner import (Check, CheckDefinitionError, Report, Result, apply_requirements, check_seed,
                           load_checks, run_check)


class FakeSub:
    captured: list = []

    def begin_check(self, seed):
        self.seed = seed


def make_check(fn, module="diagonal_edges", pts=2.0, req=()):
    return Check(module, fn.__name__, fn.__doc__ or fn.__name__, pts, req, False, fn)


def test_a_check_without_points_is_refused(monkeypatch):
    fake = types.ModuleType("grader.checks.fake_exercise")

    def test_something(sub):
        """no points"""

    fake.test_something = test_something
    monkeypatch.setitem(sys.modules, "grader.checks.fake_exercise", fake)
    with pytest.raises(CheckDefinitionError, match="no @points"):
        load_checks("fake_exercise")


def test_every_real_check_declares_points_and_a_title():
    from grader.contract import MODULES

    for module in MODULES:
        checks = load_checks(module)
        assert checks, module
        assert all(c.points > 0 and c.title and not c.title.startswith("test_") for c in checks)


def test_a_bug_in_a_check_is_a_visible_grader_error_with_a_hidden_traceback():
    @points(1)
    def test_broken(sub):
        """a check with a bug"""
        {}["missing"]

    result = run_check(make_check(test_broken), FakeSub(), seed=1)
    assert result.status == "error" and result.score == 0
    assert "Grader error" in result.output and "KeyError" not in result.output
    assert "KeyError" in result.hidden_detail
    assert "grader_error" in result.to_gradescope()["extra_data"]


def test_failures_carry_message_and_hint():
    def test_wrong(sub):
        """wrong"""
        raise Mismatch("`f(X)` has shape (2,); expected (3,).", "count again")

    result = run_check(make_check(test_wrong), FakeSub(), seed=1)
    assert result.status == "failed" and result.score == 0
    assert result.output == "`f(X)` has shape (2,); expected (3,).\nHint: count again"


def test_failures_that_build_on_a_wrong_corr2d_become_skips():
    @requires("cross_correlation")
    def test_uses_corr2d(sub):
        """uses corr2d"""
        raise Mismatch("wrong")

    check = make_check(test_uses_corr2d, req=("cross_correlation",))
    report = Report(submission="s")
    report.results.append(Result("cross_correlation", "t", "t", 0.0, 1.0, "failed", "corr2d is wrong"))
    result = run_check(check, FakeSub(), seed=1)
    apply_requirements(report, [check], [result])
    assert result.status == "skipped" and "fix corr2d first" in result.output
    # the grader's own corr2d was used: the failure is the student's own
    result = run_check(check, FakeSub(), seed=1)
    apply_requirements(report, [check], [result], supplied=("cross_correlation",))
    assert result.status == "failed"


def test_check_seeds_depend_on_seed_and_check_only():
    assert check_seed(1, "m", "f") == check_seed(1, "m", "f")
    assert len({check_seed(1, "m", "f"), check_seed(2, "m", "f"), check_seed(1, "m", "g")}) == 3
