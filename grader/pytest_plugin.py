"""The pytest route: ``pytest --submission exercises`` runs the same checks as ``grader grade``.

Registered as a pytest11 entry point. Without ``--submission`` it only registers the
markers (``points``, ``requires``, ``hidden``) so that ``--strict-markers`` knows them.
"""
from __future__ import annotations

import os

import pytest

CHECKS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "checks")


def pytest_addoption(parser):
    group = parser.getgroup("grader")
    group.addoption("--submission", metavar="PATH", help="grade this submission (folder, .zip, .ipynb) "
                    "with the exercise checks")
    group.addoption("--grader-seed", type=int, default=None, help="seed of the checks' random inputs")


def pytest_configure(config):
    config.addinivalue_line("markers", "points(n): points a check is worth")
    config.addinivalue_line("markers", "requires(module): the check builds on another exercise")
    config.addinivalue_line("markers", "hidden: a check left out of the student release")
    if config.getoption("submission"):
        config.args[:] = [CHECKS_DIR]
        config._grader_state = _State(config)


def pytest_collect_file(file_path, parent):
    from grader.contract import MODULES

    if parent.config.getoption("submission") and str(file_path.parent) == CHECKS_DIR \
            and file_path.stem in MODULES:
        return pytest.Module.from_parent(parent, path=file_path)
    return None


def pytest_collection_modifyitems(session, config, items):
    if not config.getoption("submission"):
        return
    from grader.contract import MODULES

    order = {m: i for i, m in enumerate(MODULES)}
    items.sort(key=lambda it: order.get(it.module.__name__.rsplit(".", 1)[-1], 99))
    for item in items:
        mark = item.get_closest_marker("points")
        if mark is None or not mark.args:
            raise pytest.UsageError(f"{item.nodeid}: a graded check needs @points(n)")


class _State:
    def __init__(self, config):
        from grader.runner import DEFAULT_SEED

        self.path = config.getoption("submission")
        seed = config.getoption("grader_seed")
        self.seed = DEFAULT_SEED if seed is None else seed
        self.run = None
        self.zygote = None
        self.subs = {}
        self.failed_modules: set[str] = set()
        self.points: dict[str, list[float]] = {}
        self.load_error = None

    def sub(self, module):
        from grader.client import Zygote
        from grader.grading import SubmissionRun
        from grader.submission import SubmissionError, load

        if self.run is None and self.load_error is None:
            try:
                submission = load(self.path)
            except SubmissionError as exc:
                self.load_error = str(exc)
            else:
                self.zygote = Zygote()
                self.run = SubmissionRun(submission, self.zygote, self.seed)
        if self.load_error:
            pytest.skip(self.load_error)
        if module not in self.subs:
            self.subs[module] = self.run.exercise(module)
        return self.subs[module]

    def close(self):
        for sub in self.subs.values():
            sub.close()
        if self.run is not None:
            self.run.close()
        if self.zygote is not None:
            self.zygote.close()


def _module_of(request) -> str:
    return request.module.__name__.rsplit(".", 1)[-1]


def _check_seed(request) -> int:
    from grader.runner import check_seed

    state = request.config._grader_state
    return check_seed(state.seed, _module_of(request), request.function.__name__)


@pytest.fixture
def sub(request):
    state = getattr(request.config, "_grader_state", None)
    if state is None:
        pytest.skip("run with --submission PATH to grade a submission")
    s = state.sub(_module_of(request))
    s.begin_check(_check_seed(request))
    return s


@pytest.fixture
def seed(request):
    return _check_seed(request)


@pytest.fixture
def rng(request):
    import torch

    return torch.Generator().manual_seed(_check_seed(request))


def pytest_runtest_setup(item):
    state = getattr(item.config, "_grader_state", None)
    fn = getattr(item, "function", None)
    if state is not None and fn is not None and hasattr(fn, "hypothesis"):
        from grader.runner import check_seed

        fn._hypothesis_internal_use_seed = check_seed(
            state.seed, item.module.__name__.rsplit(".", 1)[-1], fn.__name__)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    state = getattr(item.config, "_grader_state", None)
    if state is None or call.when != "call":
        return
    report = outcome.get_result()
    module = item.module.__name__.rsplit(".", 1)[-1]
    mark = item.get_closest_marker("requires")
    if report.failed and mark is not None and any(m in state.failed_modules for m in mark.args):
        report.outcome = "skipped"
        report.longrepr = (str(item.path), None, "Skipped: this check uses your corr2d, which fails its "
                                                 "own checks: fix corr2d first.")
    points = float(item.get_closest_marker("points").args[0])
    earned = points if report.passed else 0.0
    from grader.checking import Partial

    if call.excinfo is not None and isinstance(call.excinfo.value, Partial):
        earned = points * call.excinfo.value.fraction
    state.points.setdefault(module, [0.0, 0.0])
    state.points[module][0] += earned
    state.points[module][1] += points
    if not report.passed:
        state.failed_modules.add(module)


def pytest_terminal_summary(terminalreporter, config):
    state = getattr(config, "_grader_state", None)
    if state is None:
        return
    state.close()
    tr = terminalreporter
    tr.section("grader: points per exercise")
    total = [0.0, 0.0]
    for module, (earned, possible) in state.points.items():
        tr.write_line(f"  {module:<24} {earned:g} / {possible:g}")
        total[0] += earned
        total[1] += possible
    tr.write_line(f"  {'total':<24} {total[0]:g} / {total[1]:g}")
