"""What a check module is written against.

A check is a function ``test_*`` in ``grader/checks/<module>.py`` whose docstring's
first line is the title the student sees and whose points are declared with
``@points(n)``. It receives fixtures by parameter name:

- ``sub``: the submission's module under test, reached only through the sandboxed
  worker (``sub.call``, ``sub.attempt``, ``sub.constant``, ``sub.probe``);
- ``seed``: an int derived from the instructor's seed and the check's name;
- ``rng``: a ``torch.Generator`` seeded with ``seed`` for random inputs.

It passes by returning, fails by raising ``Mismatch`` (or any AssertionError), earns
partial credit by raising ``Partial(fraction, message)``. ``@requires("cross_correlation")``
turns a failure into "skipped: fix corr2d first" while the submission's own corr2d
fails its checks. Checks run in the trusted process and must not import the
reference solutions: oracles are scipy, numpy, sympy and torch.nn.functional.
"""
from __future__ import annotations

import math
import sys
from dataclasses import dataclass

import torch
from _pytest.outcomes import Skipped  # pytest.skip.Exception, without importing all of pytest (0.13 s)

from grader.drawn import examples  # noqa: F401 - re-exported for check modules
from grader.mistakes import Hint, code_of  # noqa: F401 - Hint is re-exported for check modules
from grader.worker.protocol import Foreign, RemoteClass, RemoteException



@dataclass(frozen=True)
class _Mark:
    """A check's mark (``points``, ``requires``) as the grader reads it: name and arguments."""
    name: str
    args: tuple


def _mark(name: str):
    """``pytest.mark.<name>`` under pytest (the pytest route collects the checks), else a light
    equivalent: the grader itself reads only ``name`` and ``args``, and need not import pytest."""
    def decorate(*args):
        if "pytest" in sys.modules:
            return getattr(sys.modules["pytest"].mark, name)(*args)

        def apply(fn):
            fn.pytestmark = [*getattr(fn, "pytestmark", []), _Mark(name, args)]
            return fn
        return apply
    return decorate


points = _mark("points")
requires = _mark("requires")



def image_and_kernel(max_side: int):
    """A strategy factory for ``examples``: (X, K) float32 tensors of small integers, every shape
    from 1x1 up to ``max_side`` per side, K no larger than X."""
    def strategy():
        import hypothesis.extra.numpy as hnp
        import numpy as np
        from hypothesis import strategies as st

        @st.composite
        def draw_case(draw):
            n_h, n_w = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
            k_h, k_w = draw(st.integers(1, n_h)), draw(st.integers(1, n_w))
            values = st.integers(-4, 4).map(float)
            X = draw(hnp.arrays(np.float32, (n_h, n_w), elements=values))
            K = draw(hnp.arrays(np.float32, (k_h, k_w), elements=values))
            return torch.from_numpy(X), torch.from_numpy(K)
        return draw_case()
    return strategy


# ----------------------------------------------------------------------------- outcomes

class Unavailable(Skipped):
    """The check cannot run: a module or name is missing, or a prerequisite failed."""

    def __init__(self, msg: str):
        super().__init__(msg=msg, allow_module_level=False)


class Mismatch(AssertionError):
    """A wrong answer: what was expected, what came back, and how to see it.

    ``data`` optionally carries the tensors behind the message (``inputs``: name ->
    tensor, ``expected``, ``got``) so that reports can draw them.
    """

    def __init__(self, message: str, hint: str | None = None, data: dict | None = None, code: str | None = None):
        self.message = message
        self.hint = hint
        self.data = data
        self.code = code_of(hint, code)  # the mistake code (grader/mistakes.py)
        super().__init__(message + (f"\nHint: {hint}" if hint else ""))


class StudentRaised(AssertionError):
    """The student's code raised where a value was expected."""

    def __init__(self, call: str, error: "Raised", hint: str | None = None, code: str | None = None):
        self.error = error
        self.code = code_of(hint, code)
        if error.short_type == "NotImplementedError":
            text = f"`{call}` raised NotImplementedError: not implemented yet."
        else:
            text = f"`{call}` raised {error.short_type}: {error.message}"
            if error.where:
                text += f"\n  at {error.where}"
        self.message = text
        self.hint = hint
        super().__init__(text + (f"\nHint: {hint}" if hint else ""))


class StudentStopped(BaseException):
    """The worker had to be stopped (timeout) or died (crash, limit, os._exit).

    A BaseException so that property-based search stops at once instead of retrying.
    """

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class Partial(Exception):
    def __init__(self, fraction: float, message: str):
        self.fraction = min(1.0, max(0.0, float(fraction)))
        self.message = message
        super().__init__(message)


class Raised:
    """An exception raised inside the worker, as plain data."""

    def __init__(self, type_name: str, message: str, where: dict | None = None):
        from grader.text import clean  # the student's text: no lone surrogate, no terminal escape

        self.type_name = clean(type_name, one_line=True, limit=200)
        self.message = clean(message)
        self.where = None
        if where:
            self.where = clean(f"{where.get('file')}, line {where.get('line')}: {where.get('text', '')}".rstrip(": "),
                               one_line=True, limit=300)

    @property
    def short_type(self) -> str:
        return self.type_name.rsplit(".", 1)[-1]

    def __repr__(self) -> str:
        return f"{self.short_type}({self.message!r})"


class Outcome:
    """The result of ``sub.attempt``: a value, or what was raised."""

    def __init__(self, value=None, raised: Raised | None = None):
        self.value = value
        self.raised = raised


# ----------------------------------------------------------------------------- formatting

def fmt_shape(shape) -> str:
    return "(" + ", ".join(str(int(s)) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def describe(value) -> str:
    """A short description of any value a student may return."""
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {fmt_shape(value.shape)} and dtype {str(value.dtype).replace('torch.', '')}"
    if isinstance(value, Foreign):
        return f"a {value.type_name} ({value.text[:80]})"
    if isinstance(value, RemoteException):
        return f"an exception object {value!r}"
    if isinstance(value, RemoteClass):
        return f"the class {value.name}"
    if value is None:
        return "None"
    type_name = type(value).__module__ + "." + type(value).__name__ if type(value).__module__ != "builtins" \
        else type(value).__name__
    text = repr(value)
    return f"{type_name} {text[:80]}"


def show(t: torch.Tensor, limit: int = 64) -> str:
    """The values of a small tensor, one row per line, for feedback."""
    if t.numel() > limit:
        return f"<{describe(t)}>"
    values = t.detach()
    if values.dim() == 0:
        return f"{values.item():.6g}"
    if values.dim() == 1:
        values = values[None]
    elif values.dim() > 2:
        return f"<{describe(t)}>"
    cells = [[(f"{v:.6g}" if isinstance(v, float) else str(v)) for v in row] for row in values.tolist()]
    width = max((len(c) for row in cells for c in row), default=1)
    return "\n".join("[" + "  ".join(c.rjust(width) for c in row) + "]" for row in cells)


def fmt_inputs(inputs: dict | None) -> str:
    if not inputs:
        return ""
    parts = []
    for name, value in inputs.items():
        if isinstance(value, torch.Tensor):
            parts.append(f"{name} {fmt_shape(value.shape)}")
        else:
            parts.append(f"{name}={value!r}")
    return " for " + ", ".join(parts)


def inputs_block(inputs: dict | None) -> str:
    if not inputs:
        return ""
    lines = []
    for name, value in inputs.items():
        if isinstance(value, torch.Tensor) and value.numel() <= 64:
            lines.append(f"{name} =\n{show(value)}")
    return ("\nInput:\n" + "\n".join(lines)) if lines else ""


# ----------------------------------------------------------------------------- expectations

def digest(call: str, inputs: dict | None, got: torch.Tensor) -> str:
    """A short hash of a returned tensor (dtype, shape, bytes) and what it was computed from.

    Computed here, in the trusted process, from the decoded value: two students whose
    digests agree returned byte-identical tensors for the same call on the same inputs.
    """
    import hashlib

    h = hashlib.sha256(call.encode("utf-8", "replace"))
    for name, value in sorted((inputs or {}).items(), key=lambda item: str(item[0])):
        h.update(str(name).encode("utf-8", "replace"))
        if isinstance(value, torch.Tensor):
            h.update(str(value.dtype).encode() + str(tuple(value.shape)).encode())
            h.update(value.detach().contiguous().cpu().reshape(-1).numpy().tobytes())
        else:
            h.update(repr(value).encode("utf-8", "replace"))
    try:
        value = got.detach().contiguous().cpu()
        h.update(str(value.dtype).encode() + str(tuple(value.shape)).encode())
        h.update(value.reshape(-1).view(torch.uint8).numpy().tobytes() if value.numel() else b"")
    except Exception:  # noqa: BLE001 - an odd tensor still gets a digest of its call, shape and dtype
        pass
    return h.hexdigest()[:12]


def expect_tensor(got, expected: torch.Tensor, *, call: str, inputs: dict | None = None,
                  atol: float | None = None, rtol: float | None = None,
                  dtype: torch.dtype | None = None, hint: str | None = None,
                  code: str | None = None) -> torch.Tensor:
    """Compare in the order type, shape, dtype, values; raise ``Mismatch`` on the first difference.

    The contract asks for outputs that "keep a floating dtype": any floating dtype is
    accepted (the book's ``torch.zeros`` gives float32 for float64 inputs, and that is
    allowed), and values are compared at the precision of what came back. A non-floating
    ``dtype`` (say ``torch.int64``) is required exactly. ``code`` is the mistake code of
    ``hint`` (grader/mistakes.py); a wrong tensor's data carries ``digest``, a short hash
    of the call, the inputs and the returned tensor, so identical wrong answers can be found.
    """
    where = fmt_inputs(inputs)
    if not isinstance(got, torch.Tensor):
        raise Mismatch(f"`{call}` returned {describe(got)}; expected a torch.Tensor{where}.", hint, code=code)
    meta = getattr(got, "remote", None)
    if meta is not None and not meta.plain:
        raise Mismatch(f"`{call}` returned a {meta.cls}, a subclass of torch.Tensor; "
                       f"return a plain torch.Tensor.", hint, {"digest": digest(call, inputs, got)}, code)
    tensors = {k: v for k, v in (inputs or {}).items() if isinstance(v, torch.Tensor)}
    if tuple(got.shape) != tuple(expected.shape):
        data = {"call": call, "expected": expected.detach().to(torch.float64),
                "got": None if got.is_complex() else got.detach().to(torch.float64), "inputs": tensors,
                "digest": digest(call, inputs, got)}
        raise Mismatch(f"`{call}` has shape {fmt_shape(got.shape)}; expected "
                       f"{fmt_shape(expected.shape)}{where}.", hint, data, code)
    if dtype is not None and not dtype.is_floating_point and got.dtype != dtype:
        raise Mismatch(f"`{call}` has dtype {str(got.dtype).replace('torch.', '')}; expected "
                       f"{str(dtype).replace('torch.', '')}{where}.", hint,
                       {"digest": digest(call, inputs, got)}, code)
    if (dtype is None or dtype.is_floating_point) and not got.is_floating_point():
        raise Mismatch(f"`{call}` has dtype {str(got.dtype).replace('torch.', '')}; expected a "
                       f"floating-point tensor{where}.", hint, {"digest": digest(call, inputs, got)}, code)
    exp = expected.detach().to(torch.float64)
    act = got.detach().to(torch.float64)
    if atol is None:
        atol = 1e-4 if torch.float32 in (got.dtype, expected.dtype) or got.dtype == torch.float16 else 1e-9
        atol *= max(1.0, float(exp.abs().max()) if exp.numel() else 1.0)
    if rtol is None:
        rtol = 1e-4 if got.dtype != torch.float64 else 1e-7
    close = torch.isclose(act, exp, rtol=rtol, atol=atol, equal_nan=False)
    if not bool(close.all()):
        bad = (~close).nonzero()[0].tolist()
        index = "[" + ", ".join(map(str, bad)) + "]"
        msg = (f"`{call}` has wrong values{where}: at {index} expected {exp[tuple(bad)].item():.6g}, "
               f"got {act[tuple(bad)].item():.6g} ({int((~close).sum())} of {close.numel()} entries differ).")
        if exp.numel() <= 64:
            msg += f"\nExpected:\n{show(exp)}\nGot:\n{show(act)}"
        msg += inputs_block(inputs)
        data = {"call": call, "expected": exp, "got": act, "inputs": tensors, "digest": digest(call, inputs, got)}
        raise Mismatch(msg, hint, data, code)
    return got


RECORDED = "Recorded:"


def answer_key(name: str):
    """The right answer to ``name`` (``"module.CONSTANT"``) from the instructor-only
    ``grader/answers.py``; None in a student release, which leaves that file out."""
    import os

    if not os.path.exists(os.path.join(os.path.dirname(os.path.abspath(__file__)), "answers.py")):
        return None  # this very package has no answers (an editable install elsewhere must not supply them)
    from grader.answers import ANSWERS

    return ANSWERS[name]


def recorded(name: str, got) -> None:
    """Full marks in a student release's self-check for a well-formed answer it cannot judge."""
    raise Partial(1.0, f"{RECORDED} `{name} = {got!r}` is a valid answer. This self-check does not know "
                       "the right one: your instructor grades it.")


def expect_choice(got, *, name: str, keys: dict[str, str], correct: str | set | None, hint: str) -> None:
    """A multiple-choice constant: a valid key, and the right one (``correct``; None where
    the answer is not known, in a student release: then a valid key is recorded)."""
    valid = ", ".join(repr(k) for k in keys)
    if not isinstance(got, str) or got not in keys:
        shown = repr(got) if isinstance(got, (str, int, float, type(None))) else describe(got)
        if got == "":
            raise Mismatch(f"`{name}` is still \"\": set it to one of {valid}.", code="choice/unanswered")
        raise Mismatch(f"`{name}` is {shown}, which is not one of the keys {valid} (exact spelling, lower case).",
                       code="choice/invalid-key")
    if correct is None:
        recorded(name, got)
    good = {correct} if isinstance(correct, str) else set(correct)
    if got not in good:
        raise Mismatch(f"`{name} = {got!r}` ({keys[got]}) is not right.", hint, code="choice/wrong")


def require(condition: bool, message: str, hint: str | None = None, code: str | None = None) -> None:
    if not condition:
        raise Mismatch(message, hint, code=code)


def is_close_number(a, b, tol=1e-6) -> bool:
    return isinstance(a, (int, float)) and not isinstance(a, bool) and math.isclose(a, b, rel_tol=tol, abs_tol=tol)
