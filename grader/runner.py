"""Run the checks of each exercise against one submission and collect the results."""
from __future__ import annotations

import functools
import hashlib
import importlib
import inspect
import math
import time
import traceback
from dataclasses import dataclass, field

import torch

from grader.checking import Mismatch, Partial, StudentStopped, Unavailable
from grader.contract import BASE_FUNCTION, BASE_MODULE, DEFAULT_SEED, MODULES
from grader import seeds
from grader.grading import Limits, SubmissionRun
from grader.mistakes import other as other_code
from grader.submission import Submission

FIXTURES = ("sub", "rng", "seed")


class CheckDefinitionError(Exception):
    """A check module breaks the rules (a graded test without points, unknown fixture)."""


@dataclass
class Check:
    module: str
    function: str
    title: str
    points: float
    requires: tuple[str, ...]
    hidden: bool
    fn: object


@dataclass
class Result:
    module: str
    function: str
    name: str
    score: float
    max_score: float
    status: str  # passed, failed, skipped, error
    output: str
    hidden_detail: str = ""
    data: dict | None = None  # tensors behind a failure (inputs, expected, got), for pictures
    hint: str | None = None
    not_implemented: bool = False  # the student's function still raises NotImplementedError
    code: str | None = None  # the mistake code of a failure (grader/mistakes.py)

    def to_gradescope(self) -> dict:
        test = {"name": self.name, "score": round(self.score, 4), "max_score": self.max_score,
                "status": "passed" if self.score >= self.max_score else "failed",
                "output": self.output, "tags": [self.module, self.function], "visibility": "visible"}
        extra = {}
        if self.hidden_detail:
            extra["grader_error"] = self.hidden_detail
        if self.score < self.max_score:  # what the class insight page reads back (grader/insights.py)
            extra["outcome"] = self.status
            if self.code:
                extra["code"] = self.code
            if self.hint:
                extra["hint"] = str(self.hint)
            if isinstance(self.data, dict) and self.data.get("digest"):
                extra["digest"] = str(self.data["digest"])
            tensors = encode_data(self.data)
            if tensors:
                extra["data"] = tensors
        if extra:
            test["extra_data"] = extra
        return test


MAX_STORED = 256  # largest tensor (elements) whose values a results.json keeps for pictures


def _encode_tensor(t):
    if not isinstance(t, torch.Tensor) or t.is_complex() or t.dim() > 2:
        return None
    values = t.detach().to(torch.float64).reshape(-1)
    if values.numel() > MAX_STORED:
        return {"shape": list(t.shape)}
    out = []
    for v in values.tolist():
        out.append(float(f"{v:.7g}") if math.isfinite(v) else ("nan" if v != v else ("inf" if v > 0 else "-inf")))
    return {"shape": list(t.shape), "values": out}


def encode_data(data) -> dict | None:
    """The tensors behind a failure as plain JSON (small ones only), for pictures drawn later."""
    if not isinstance(data, dict) or ("expected" not in data and "got" not in data):
        return None
    out = {"call": str(data.get("call", "")), "inputs": {}}
    for key in ("expected", "got"):
        enc = _encode_tensor(data.get(key))
        if enc is not None:
            out[key] = enc
    for name, value in (data.get("inputs") or {}).items():
        enc = _encode_tensor(value)
        if enc is not None:
            out["inputs"][str(name)] = enc
    return out if ("expected" in out or "got" in out) else None


def decode_data(stored) -> dict | None:
    """``encode_data`` read back: tensors where values were kept, as ``Result.data`` holds them."""
    if not isinstance(stored, dict):
        return None

    def tensor(enc):
        if not isinstance(enc, dict) or not isinstance(enc.get("values"), list):
            return None
        try:
            shape = [int(n) for n in enc.get("shape", [])]
            values = [float(v) for v in enc["values"]]
            return torch.tensor(values, dtype=torch.float64).reshape(shape)
        except (TypeError, ValueError, RuntimeError):
            return None

    inputs = stored.get("inputs") if isinstance(stored.get("inputs"), dict) else {}
    return {"call": str(stored.get("call", "")), "expected": tensor(stored.get("expected")),
            "got": tensor(stored.get("got")),
            "inputs": {str(k): t for k, t in ((k, tensor(v)) for k, v in inputs.items()) if t is not None}}


@dataclass
class Report:
    submission: str
    results: list[Result] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sandbox: str = "none"
    seed: int = DEFAULT_SEED
    seconds: float = 0.0
    error: str | None = None
    prefetch_misses: int = 0  # calls a check made other than it had prefetched: costs time only (see Sub.prefetch)

    @property
    def score(self) -> float:
        return sum(r.score for r in self.results)

    @property
    def max_score(self) -> float:
        return sum(r.max_score for r in self.results)

    def exercise(self, module: str) -> tuple[float, float]:
        rs = [r for r in self.results if r.module == module]
        return sum(r.score for r in rs), sum(r.max_score for r in rs)

    def full(self, module: str) -> bool:
        rs = [r for r in self.results if r.module == module]
        return bool(rs) and all(r.score >= r.max_score for r in rs)


def _marker(fn, name):
    for mark in getattr(fn, "pytestmark", []):
        if mark.name == name:
            return mark
    return None


_loaded: dict[str, list[Check]] = {}


@functools.lru_cache(maxsize=None)
def _fixtures(fn) -> tuple[str, ...]:
    """The parameters a check function asks for."""
    return tuple(inspect.signature(fn).parameters)


def load_checks(module: str) -> list[Check]:
    """The graded checks of ``grader/checks/<module>.py``, read once per process."""
    if module not in _loaded:
        _loaded[module] = _read_checks(module)
    return list(_loaded[module])


def _read_checks(module: str) -> list[Check]:
    mod = importlib.import_module(f"grader.checks.{module}")
    checks = []
    for fname, fn in vars(mod).items():
        if not fname.startswith("test_") or not callable(fn):
            continue
        mark = _marker(fn, "points")
        if mark is None or not mark.args or not isinstance(mark.args[0], (int, float)) or mark.args[0] <= 0:
            raise CheckDefinitionError(f"grader/checks/{module}.py: {fname} has no @points(n) with n > 0")
        inner = getattr(getattr(fn, "hypothesis", None), "inner_test", fn)
        unknown = [p for p in _fixtures(fn) if p not in FIXTURES]
        if unknown:
            raise CheckDefinitionError(f"grader/checks/{module}.py: {fname} asks for unknown fixtures {unknown}")
        doc = inspect.getdoc(fn) or inspect.getdoc(inner) or fname
        req = _marker(fn, "requires")
        checks.append(Check(module=module, function=fname, title=doc.strip().splitlines()[0],
                            points=float(mark.args[0]), requires=tuple(req.args) if req else (),
                            hidden=_marker(fn, "hidden") is not None, fn=fn))
    return checks


def check_seed(seed: int, module: str, function: str) -> int:
    """The seed of one check: its inputs and the worker's random state come from it, never from ``seed``."""
    return seeds.derive(seed, "check", module, function)


def _first_leaf(exc: BaseException) -> BaseException:
    while isinstance(exc, BaseExceptionGroup):
        exc = exc.exceptions[0]
    return exc


def run_check(check: Check, sub, seed: int) -> Result:
    s = check_seed(seed, check.module, check.function)
    sub.begin_check(s)
    kwargs = {}
    params = _fixtures(check.fn)
    if "sub" in params:
        kwargs["sub"] = sub
    if "seed" in params:
        kwargs["seed"] = s
    if "rng" in params:
        kwargs["rng"] = torch.Generator().manual_seed(s)
    if hasattr(check.fn, "hypothesis"):
        check.fn._hypothesis_internal_use_seed = s
    result = Result(check.module, check.function, check.title, 0.0, check.points, "failed", "")
    try:
        check.fn(**kwargs)
        result.score, result.status = check.points, "passed"
    except BaseException as raw:  # noqa: BLE001 - every outcome becomes a result
        exc = _first_leaf(raw)
        if isinstance(exc, Partial):
            result.score = round(check.points * exc.fraction, 4)
            result.status = "passed" if exc.fraction >= 1 else "failed"
            result.output = exc.message
            result.code = getattr(exc, "code", None) or "general/partial"
        elif isinstance(exc, Unavailable):
            result.status, result.output = "skipped", f"Skipped: {exc.msg}"
            result.code = "general/not-submitted" if "not submitted" in str(exc.msg) else "general/unavailable"
        elif isinstance(exc, (StudentStopped, AssertionError)):
            result.output = getattr(exc, "message", None) or str(exc) or "The check failed."
            hint = getattr(exc, "hint", None)
            if hint:
                result.hint = hint
                result.output += f"\nHint: {hint}"
            result.data = getattr(exc, "data", None)
            error = getattr(exc, "error", None)
            result.not_implemented = getattr(error, "short_type", "") == "NotImplementedError"
            result.code = ("general/not-implemented" if result.not_implemented else getattr(exc, "code", None)
                           or ("general/stopped" if isinstance(exc, StudentStopped) else None)
                           or ("general/raised" if error is not None else other_code(check.module, check.function)))
        elif isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        else:
            result.status = "error"
            result.output = ("Grader error: this check could not be run; it scores 0 for now. "
                             "Please tell your instructor.")
            result.hidden_detail = "".join(traceback.format_exception(exc))[-4000:]
            result.code = "general/grader-error"
    if sub.captured:
        from grader.text import clean

        text = seeds.scrub(clean("".join(sub.captured)[:5000]), seed, DEFAULT_SEED)
        result.output += "\nYour code printed:\n" + (text[:600] + (" [...]" if len(text) > 600 else ""))
    return result


def grader_error(module: str, exc: BaseException) -> Result:
    """A visible entry for what the grader itself could not do; the traceback stays hidden."""
    return Result(module, "grader_error", f"{module}: grader error", 0.0, 1.0, "error",
                  "Grader error: this exercise could not be graded; it scores 0 for now. "
                  "Please tell your instructor.",
                  hidden_detail="".join(traceback.format_exception(exc))[-4000:])


def apply_requirements(report: Report, checks: list[Check], results: list[Result],
                       supplied: tuple[str, ...] = ()) -> None:
    """Failures of checks that build on corr2d become skips while corr2d itself fails.

    Only where the prerequisite was graded in this run and was the submission's own
    (not the grader's fallback, ``supplied``), since only then is it known to be wrong.
    """
    for check, result in zip(checks, results):
        for module in check.requires:
            graded = any(r.module == module for r in report.results)
            if result.status == "failed" and graded and module not in supplied and not report.full(module) \
                    and not result.not_implemented:  # "not implemented yet" says more than "fix corr2d"
                name = BASE_FUNCTION if module == BASE_MODULE else module
                result.status = "skipped"
                result.score = 0.0
                result.code = "general/needs-corr2d"
                result.output = (f"Skipped: this check uses your {name}, which fails its own checks "
                                 f"({module}): fix {name} first.\n(What went wrong here: {result.output})")


def grade(submission: Submission, zygote, *, seed: int = DEFAULT_SEED, modules=None,
          limits: Limits | None = None) -> Report:
    start = time.monotonic()
    loaded = {}
    for module in modules or MODULES:  # first: on a cold start the zygote is still importing torch meanwhile
        try:
            loaded[module] = load_checks(module)
        except Exception as exc:  # noqa: BLE001 - a broken check module must not lose the others
            loaded[module] = exc
    report = Report(submission=submission.name, sandbox=zygote.sandbox, seed=seed)
    run = SubmissionRun(submission, zygote, seed, limits)
    try:
        for module, checks in loaded.items():
            if isinstance(checks, Exception):
                report.results.append(grader_error(module, checks))
                continue
            sub = run.exercise(module)
            try:
                results = [run_check(check, sub, seed) for check in checks]
            finally:
                sub.close()
                report.prefetch_misses += sub.prefetch_misses
            apply_requirements(report, checks, results, (BASE_MODULE,) if run.uses_fallback else ())
            report.results.extend(results)
    finally:
        run.close()
    report.notes = run.notes
    report.seconds = time.monotonic() - start
    return report
