"""What a report shows, independent of its format: a Report cut into exercises and checks.

The runner packs a failing check's feedback into one string (message, then
``Hint: ...``, then ``Your code printed: ...``); here it is split back into parts,
translated, and paired with the tensors of ``Result.data`` when they can be drawn.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import torch

from grader.contract import MODULES
from grader.feedback import i18n

PRINTED = "\nYour code printed:\n"
WENT_WRONG = "\n(What went wrong here: "
BLOCKS = ("\nExpected:\n", "\nGot:\n", "\nInput:\n")
MAX_TABLE = 16  # largest side of a tensor shown as a table of numbers


@dataclass
class CheckView:
    module: str
    function: str
    title: str
    status: str  # passed, partial, failed, skipped, error
    score: float
    max_score: float
    message: str = ""
    hint: str | None = None
    printed: str | None = None
    detail: str | None = None  # for a skip caused by corr2d: what the check itself saw
    data: dict | None = None   # {"call", "inputs": {name: 2-D tensor}, "expected", "got"}
    same_as: str | None = None  # title of the earlier check whose failure this one repeats

    @property
    def slug(self) -> str:
        return f"{self.module}-{self.function}"

    @property
    def has_body(self) -> bool:
        return bool(self.message or self.detail or self.data or self.hint or self.printed)


@dataclass
class ExerciseView:
    module: str
    name: str
    score: float
    max_score: float
    state: str  # full, some, none
    checks: list[CheckView] = field(default_factory=list)
    skipped: str | None = None  # the one reason all its checks were skipped, shown once


def as_2d(t) -> torch.Tensor | None:
    """A tensor as a 2-D float64 matrix (1-D becomes one row), or None when it cannot be drawn."""
    if not isinstance(t, torch.Tensor) or t.dim() not in (1, 2) or t.numel() == 0:
        return None
    t = t.detach()
    if t.is_complex():
        return None
    t = t.to(torch.float64)
    return t.reshape(1, -1) if t.dim() == 1 else t


def wrong_mask(expected: torch.Tensor, got: torch.Tensor) -> torch.Tensor | None:
    """Cells where ``got`` differs from ``expected`` (loosely; exactly if loosely finds none)."""
    if expected.shape != got.shape:
        return None
    scale = max(1.0, float(expected.abs().nan_to_num(0, 0, 0).max()))
    mask = ~torch.isclose(got, expected, rtol=1e-4, atol=1e-4 * scale)
    if not bool(mask.any()):
        mask = ~torch.isclose(got, expected, rtol=0, atol=0)
    return mask


def drawable(data) -> dict | None:
    """The 2-D tensors of ``Result.data``, or None when there is nothing to draw."""
    if not isinstance(data, dict):
        return None
    expected, got = as_2d(data.get("expected")), as_2d(data.get("got"))
    if expected is None and got is None:
        return None
    inputs = {}
    raw = data.get("inputs") if isinstance(data.get("inputs"), dict) else {}
    for name, value in raw.items():
        t = as_2d(value)
        if t is not None:
            inputs[str(name)] = t
    mask = wrong_mask(expected, got) if expected is not None and got is not None else None
    return {"call": str(data.get("call", "")), "inputs": inputs, "expected": expected, "got": got, "mask": mask}


def small(t: torch.Tensor | None) -> bool:
    return t is not None and t.shape[0] <= MAX_TABLE and t.shape[1] <= MAX_TABLE


def _split_hint(text: str, hint: str | None) -> tuple[str, str | None]:
    if hint:
        marker = f"\nHint: {hint}"
        at = text.rfind(marker)
        if at >= 0:
            return text[:at] + text[at + len(marker):], hint
        return text, hint
    m = re.search(r"\nHint: ([^\n]*)$", text)
    if m:
        return text[:m.start()], m.group(1)
    return text, None


def _strip_blocks(text: str) -> str:
    cuts = [text.find(b) for b in BLOCKS if text.find(b) >= 0]
    return text[:min(cuts)] if cuts else text


def status_of(result) -> str:
    if result.score >= result.max_score:
        return "passed"
    if result.status == "failed" and result.score > 0:
        return "partial"
    return result.status if result.status in ("failed", "skipped", "error") else "failed"


def check_view(result, lang: str, primary=None) -> CheckView:
    """What one check shows; ``primary``: the earlier failing check whose cause this one repeats."""
    view = CheckView(result.module, result.function, i18n.title(result, lang), status_of(result),
                     result.score, result.max_score)
    if view.status == "passed" and view.score >= view.max_score:
        return view
    if primary is not None:  # one bug, reported once: the others only point at it
        from grader.report import SAME_CAUSE

        at = (result.output or "").find(PRINTED)
        if at > 0:
            view.printed = result.output[at + len(PRINTED):]
        own = (result.output or "").split("\n", 1)[0]
        view.same_as = i18n.title(primary, lang)
        view.message = i18n.translate(SAME_CAUSE.format(title=primary.name), lang)
        if lang == "zh":
            view.message = view.message.replace(f"“{primary.name}”", f"“{view.same_as}”")
        view.message += "\n" + i18n.translate(own, lang) if own else ""
        return view
    text = result.output or ""
    at = text.find(PRINTED)
    if at >= 0:
        view.printed = text[at + len(PRINTED):]
        text = text[:at]
    detail = None
    at = text.find(WENT_WRONG)
    if result.status == "skipped" and at >= 0:
        detail = text[at + len(WENT_WRONG):]
        detail = detail[:-1] if detail.endswith(")") else detail
        text = text[:at]
    data = drawable(result.data)
    if detail is not None:
        detail, view.hint = _split_hint(detail, result.hint)
        view.detail = i18n.translate(_strip_blocks(detail) if data else detail, lang)
    else:
        text, view.hint = _split_hint(text, result.hint)
        if data:
            text = _strip_blocks(text)
    text = text.strip("\n")
    if result.status == "skipped" and text.startswith("Skipped: "):
        text = text[len("Skipped: "):]  # the status says so already
    view.message = i18n.translate(text, lang)
    if view.hint:
        view.hint = i18n.translate(view.hint, lang)
    view.data = data
    return view


def shared_skip(checks: list[CheckView]) -> str | None:
    """The one reason every check of an exercise was skipped for ("not submitted"), shown once."""
    skipped = [c for c in checks if c.status != "passed"]
    if len(skipped) < 2 or any(c.status != "skipped" or c.detail or c.data or c.hint or c.printed for c in skipped):
        return None
    reasons = {c.message for c in skipped}
    if len(reasons) != 1:
        return None
    for c in skipped:
        c.message = ""
    return reasons.pop()


def exercises(report, lang: str) -> list[ExerciseView]:
    out = []
    extra = [r.module for r in report.results if r.module not in MODULES]
    for module in list(MODULES) + sorted(set(extra), key=extra.index):
        results = [r for r in report.results if r.module == module]
        if not results:
            continue
        score, total = report.exercise(module)
        state = "full" if report.full(module) else ("none" if score == 0 else "some")
        from grader.report import same_cause

        repeats = same_cause(results)
        checks = [check_view(r, lang, results[repeats[i]] if i in repeats else None) for i, r in enumerate(results)]
        out.append(ExerciseView(module, i18n.exercise_name(module, lang), score, total, state, checks,
                                shared_skip(checks)))
    return out


def fmt(x: float) -> str:
    return f"{x:g}" if x == int(x) else f"{x:.2f}"


def fmt_value(v: float) -> str:
    if v != v:
        return "nan"
    if v in (float("inf"), float("-inf")):
        return "inf" if v > 0 else "-inf"
    if v == int(v) and abs(v) < 1e6:
        return str(int(v))
    return f"{v:.4g}"
