"""The pytest route: ``pytest --submission exercises`` runs the same checks as ``grader grade``.

Registered as a pytest11 entry point. Without ``--submission`` it only registers the
markers (``points``, ``requires``, ``hidden``) so that ``--strict-markers`` knows them.

With ``--submission`` this process is the trusted side, so nothing from the submission
may run in it:

- before pytest loads any conftest (``pytest_load_initial_conftests``, first), it refuses
  with a clear message when the submission is pytest's rootdir or the current folder (or
  holds either), holds the ini file, contains a ``conftest.py``, or already had a module
  imported from it; it turns conftest loading off altogether (the checks need none), and
  removes the current folder and the submission from ``sys.path`` before any check
  imports torch or anything else. (What runs before any plugin is loaded is out of its
  reach: ``python -m pytest`` imports pytest itself with the current folder first on
  ``sys.path``, and a ``pytest.ini`` there can name plugins to import. So run pytest from
  outside the submission, as the refusal says.)
- each check is reported as ``grader check`` reports it: its title, the message and the
  hint, never a traceback into the checks (which would show the check's code).
"""
from __future__ import annotations

import os
import sys

import pytest

CHECKS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "checks")
OWN_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the folder that holds grader/
MAX_SCAN = 20000  # entries of a submission folder looked at for a conftest.py


def _real(path) -> str | None:
    try:
        return os.path.realpath(os.fspath(path))
    except (OSError, ValueError, TypeError):
        return None


def _inside(path: str | None, root: str) -> bool:
    return bool(path) and (path == root or path.startswith(root.rstrip(os.sep) + os.sep))


def _conftests(root: str) -> list[str]:
    """conftest.py files under ``root`` (not following links; bounded: a huge folder counts as one)."""
    found, stack, seen = [], [root], 0
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            seen += 1
            if seen > MAX_SCAN:
                return found + [os.path.join(root, "...")]  # too large to be sure: refuse
            if entry.name == "conftest.py":
                found.append(entry.path)
            elif entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
    return found


def _refusal(config, submission: str) -> str | None:
    """Why pytest must not grade ``submission`` from here, or None."""
    real = _real(submission)
    if real is None or not os.path.exists(real):
        return None  # the grader reports a missing submission itself
    root = real  # a folder, or one .zip / .ipynb file (the folder around it is not the submission)
    where = None
    # ``pytest --submission SUB`` (no ini file above SUB): pytest picks its rootdir before our
    # option is known, taking SUB for a test path, so the rootdir is SUB itself. Harmless when
    # nothing else points there: conftests are off and SUB holds no ini file (checked below).
    quirk = (getattr(config.known_args_namespace, "rootdir", None) is None and config.inipath is None
             and _real(config.rootpath) == root)
    if _inside(_real(os.getcwd()), root):
        where = "the current folder lies in the submission"
    elif config.inipath is not None and _inside(_real(config.inipath), root):
        where = f"pytest read its settings from {config.inipath}, inside the submission"
    elif _inside(_real(config.rootpath), root) and not quirk:
        where = f"pytest's rootdir ({config.rootpath}) lies in the submission"
    elif os.path.isdir(real) and _conftests(real):
        where = f"the submission contains {os.path.relpath(_conftests(real)[0], real)}"
    else:
        loaded = sorted(name for name, mod in list(sys.modules.items())
                        if _inside(_real(getattr(mod, "__file__", None) or ""), root))
        if loaded:
            where = f"modules of the submission were already imported ({', '.join(loaded[:5])})"
    if where is None:
        return None
    return (f"refusing to grade {submission} with pytest: {where}. pytest would run code from the submission "
            "inside the grader. Run it from a folder outside the submission, e.g.  cd SOMEWHERE_ELSE && "
            "python -m pytest --submission /path/to/submission  (or use: grader grade SUBMISSION).")


def _strip_sys_path(submission: str) -> None:
    """Remove the current folder and anything inside the submission from ``sys.path``."""
    real = _real(submission)
    root = real if real and os.path.exists(real) else None
    cwd = _real(os.getcwd()) if os.path.exists(".") else None
    own = _real(OWN_ROOT)
    kept = []
    for entry in sys.path:
        if entry in ("", "."):
            continue
        path = _real(entry)
        if path != own and ((cwd and path == cwd) or (root and _inside(path, root))):
            continue
        kept.append(entry)
    sys.path[:] = kept


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    submission = getattr(early_config.known_args_namespace, "submission", None)
    if not submission:
        return
    reason = _refusal(early_config, submission)
    if reason:
        raise pytest.UsageError(reason)
    early_config.known_args_namespace.noconftest = True  # the checks need no conftest: load none at all
    _strip_sys_path(submission)


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
        self.notes: list[str] = []

    def sub(self, module):
        from grader.client import Zygote
        from grader.grading import SubmissionRun
        from grader.submission import SubmissionError, libraries_used, load

        if self.run is None and self.load_error is None:
            try:
                submission = load(self.path)
            except SubmissionError as exc:
                self.load_error = str(exc)
            else:
                self.zygote = Zygote(preload=libraries_used(submission))
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


def _title(item) -> str:
    import inspect

    fn = getattr(item, "function", None)
    inner = getattr(getattr(fn, "hypothesis", None), "inner_test", fn)
    doc = (inspect.getdoc(fn) or inspect.getdoc(inner) or item.name) if fn is not None else item.name
    return doc.strip().splitlines()[0]


def _first_leaf(exc: BaseException) -> BaseException:
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc


def _feedback(exc: BaseException) -> tuple[str, float]:
    """What ``grader check`` shows for a check that raised ``exc``, and the fraction earned."""
    from grader.checking import Partial, StudentStopped

    if isinstance(exc, Partial):
        return exc.message, exc.fraction
    if isinstance(exc, (StudentStopped, AssertionError)):
        text = getattr(exc, "message", None) or str(exc) or "The check failed."
        hint = getattr(exc, "hint", None)
        return text + (f"\nHint: {hint}" if hint else ""), 0.0
    return "Grader error: this check could not be run; it scores 0 for now. Please tell your instructor.", 0.0


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    state = getattr(item.config, "_grader_state", None)
    if state is None:
        return
    report = outcome.get_result()
    if call.when != "call":
        if report.failed and call.excinfo is not None:  # a fixture failed: no traceback either
            text, _ = _feedback(_first_leaf(call.excinfo.value))
            report.longrepr = f"{_title(item)}\n    " + text.replace("\n", "\n    ")
            report.sections = []
        return
    module = item.module.__name__.rsplit(".", 1)[-1]
    points = float(item.get_closest_marker("points").args[0])
    earned = points if report.passed else 0.0
    if report.failed and call.excinfo is not None:
        text, fraction = _feedback(_first_leaf(call.excinfo.value))
        earned = points * fraction
        if fraction >= 1:  # full credit with a note (an answer recorded for the instructor)
            report.outcome, report.longrepr = "passed", None
            state.notes.append(f"{_title(item)}: {text}")
        else:
            shown = f"{earned:g}/{points:g}"
            report.longrepr = f"{_title(item)}  ({shown})\n    " + text.replace("\n", "\n    ")
        report.sections = []  # no captured output of the grader's own process
    mark = item.get_closest_marker("requires")
    if report.failed and mark is not None and any(m in state.failed_modules for m in mark.args):
        report.outcome = "skipped"
        earned = 0.0
        report.longrepr = (str(item.path), None, "Skipped: this check uses your corr2d, which fails its "
                                                 "own checks: fix corr2d first.")
    state.points.setdefault(module, [0.0, 0.0])
    state.points[module][0] += earned
    state.points[module][1] += points
    if earned < points:
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
    for note in state.notes:
        tr.write_line(f"  note: {note}")
