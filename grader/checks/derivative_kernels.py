"""Checks of derivative_kernels.py: derivative_kernel(d), min_kernel_size(d), integral_kernel(n).

Kernels are judged by what they do: random polynomials of degree <= d are sampled
along a row (X[0, j] = f(j)), correlated with the student's kernel by
scipy.signal.correlate2d in the trusted process, and compared with f^(d).
"""
from __future__ import annotations

import math

import numpy as np
import torch
from scipy.signal import correlate2d

from grader.checking import Mismatch, describe, fmt_shape, points, require, show


# ----------------------------------------------------------------------------- helpers

def _kernel(sub, name: str, arg: int, shape: tuple[int, int]) -> np.ndarray:
    """Call ``name(arg)`` and return the kernel as float64 numpy, after type/shape/dtype checks."""
    call = f"{name}({arg})"
    K = sub.call(name, arg)
    if not isinstance(K, torch.Tensor):
        raise Mismatch(f"`{call}` returned {describe(K)}; expected a torch.Tensor of shape {fmt_shape(shape)}.",
                       "Return a 2-D tensor with one row, e.g. torch.tensor([[...]]).", code="derivative/not-a-tensor")
    require(tuple(K.shape) == shape,
            f"`{call}` has shape {fmt_shape(K.shape)}; expected {fmt_shape(shape)}.",
            "corr2d takes a 2-D kernel; a kernel along a row has shape (1, n).", code="derivative/kernel-shape")
    require(K.is_floating_point(),
            f"`{call}` has dtype {str(K.dtype).replace('torch.', '')}; expected a floating-point tensor.",
            "Integer weights make an int64 tensor; pass dtype=torch.float32 or write them as floats.",
            code="derivative/integer-kernel")
    require(bool(torch.isfinite(K).all()), f"`{call}` contains NaN or infinite values:\n{show(K)}")
    return K.detach().to(torch.float64).numpy()


def _poly_text(coeffs) -> str:
    terms = []
    for m, c in enumerate(coeffs):
        if c == 0:
            continue
        mag = abs(c)
        body = f"{mag:g}" if m == 0 else ("x" if m == 1 else f"x**{m}")
        if m > 0 and mag != 1:
            body = f"{mag:g}*{body}"
        terms.append(("- " if c < 0 else "+ ") + body)
    text = " ".join(terms) or "0"
    return text[2:] if text.startswith("+ ") else ("-" + text[2:] if text.startswith("- ") else text)


def _moments(K: np.ndarray, order: int) -> str:
    """The moment conditions: what the kernel makes of 1, x, ..., x**order sampled from x = 0."""
    n = K.shape[1]
    got, want = [], []
    for m in range(order + 1):
        samples = np.arange(n, dtype=np.float64)[None, :] ** m
        got.append(f"{correlate2d(samples, K, mode='valid')[0, 0]:.6g}")
        want.append(str(math.factorial(order)) if m == order else "0")
    names = ", ".join("1" if m == 0 else ("x" if m == 1 else f"x**{m}") for m in range(order + 1))
    return (f"On samples of {names} taken at x = 0, 1, 2, ... your kernel gives {', '.join(got)}; "
            f"their derivatives of order {order} are {', '.join(want)}.")


def _random_poly(nprng, degree: int) -> np.ndarray:
    """Coefficients in quarters, with a leading coefficient that is not tiny."""
    c = nprng.integers(-8, 9, size=degree + 1) / 4.0
    if degree > 0:
        c[degree] = nprng.choice([-1, 1]) * nprng.integers(2, 9) / 4.0
    return c


def _check_derivative(K: np.ndarray, order: int, call: str, rows: list, hint: str) -> None:
    width = K.shape[1] + 2  # three outputs per row
    x = np.arange(width, dtype=np.float64)
    X = np.stack([np.polynomial.polynomial.polyval(x, c) for c in rows])
    Y = correlate2d(X, K, mode="valid")
    tol = 2e-6 * np.abs(K).sum() * max(1.0, float(np.abs(X).max())) + 1e-9
    expected = np.array([float(np.polynomial.polynomial.polyder(c, order)[0]) if len(c) > order else 0.0
                         for c in rows])
    for r, c in enumerate(rows):
        if not np.allclose(Y[r], expected[r], rtol=0, atol=tol):
            negated = np.allclose(Y, -expected[:, None], rtol=0, atol=tol) and np.abs(expected).max() > 0
            extra = ("\nEvery output is exactly minus the derivative: the sign is flipped. "
                     "corr2d gives sum_k K[0, k] * f(j + k); which of f(j), f(j + 1) should get the minus sign?"
                     if negated else "")
            raise Mismatch(
                f"`{call}` = {show(torch.from_numpy(K))} does not give the derivative of order {order}: "
                f"for f(x) = {_poly_text(c)} sampled at x = 0..{width - 1}, X[0] = {show(torch.from_numpy(X[r]))}, "
                f"corr2d(X, K) gives {show(torch.from_numpy(Y[r]))}; expected {expected[r]:g} at every position."
                f"{extra}\n{_moments(K, order)}",
                hint, code="derivative/book-sign" if negated else "derivative/not-exact")


HINT = ("Require exactness on the monomials 1, x, ..., x**d sampled at x = 0, 1, ..., d: the weighted sum "
        "sum_k w_k * k**m must be 0 for m < d and d! for m = d. Solve these d + 1 equations for the "
        "d + 1 weights (sympy or numpy).")


# ----------------------------------------------------------------------------- derivative_kernel

@points(2)
def test_first_derivative(sub, seed):
    """derivative_kernel(1) gives f' (not -f') on random lines"""
    K = _kernel(sub, "derivative_kernel", 1, (1, 2))
    nprng = np.random.default_rng(seed)
    rows = [np.array([0.0, 1.0])] + [_random_poly(nprng, 1) for _ in range(4)] + [_random_poly(nprng, 0)]
    _check_derivative(K, 1, "derivative_kernel(1)", rows,
                      "For f(x) = x the samples are 0, 1, 2, 3, ... and f' = 1 everywhere. The section's "
                      "[[1, -1]] gives f(j) - f(j + 1) = -1 there.")


@points(4)
def test_higher_derivatives(sub, seed):
    """derivative_kernel(d) gives f^(d) exactly on random polynomials of degree <= d, for d = 2..5"""
    nprng = np.random.default_rng(seed)
    sub.prefetch("derivative_kernel", [(d,) for d in (2, 3, 4, 5)])
    for d in (2, 3, 4, 5):
        K = _kernel(sub, "derivative_kernel", d, (1, d + 1))
        rows = [np.eye(d + 1)[d]]  # x**d itself
        rows += [_random_poly(nprng, d) for _ in range(3)]
        rows += [_random_poly(nprng, int(nprng.integers(0, d)))]  # lower degree: derivative 0
        _check_derivative(K, d, f"derivative_kernel({d})", rows, HINT)


# ----------------------------------------------------------------------------- min_kernel_size

@points(2)
def test_min_kernel_size(sub, seed):
    """min_kernel_size(d) is the fewest taps that give the d-th derivative, for several d"""
    nprng = np.random.default_rng(seed)
    orders = [1, 2, 3] + sorted(int(d) for d in nprng.choice(np.arange(4, 9), size=2, replace=False))
    sub.prefetch("min_kernel_size", [(d,) for d in orders])
    for d in orders:
        got = sub.call("min_kernel_size", d)
        require(isinstance(got, (int, np.integer)) and not isinstance(got, (bool, np.bool_)),
                f"`min_kernel_size({d})` returned {describe(got)}; expected an int.")
        got = int(got)
        if got < d + 1:
            raise Mismatch(
                f"`min_kernel_size({d})` returned {got}, but no kernel with {got} tap{'' if got == 1 else 's'} gives the derivative of "
                f"order {d} exactly on every polynomial of degree <= {d}.",
                f"Exactness on 1, x, ..., x**{d} is {d + 1} linear equations in the weights. With n taps, "
                "the first n of them (right-hand side 0) already force every weight to be 0; what does the "
                "last equation then say?", code="derivative/min-size-too-small")
        if got > d + 1:
            raise Mismatch(
                f"`min_kernel_size({d})` returned {got}, but a shorter kernel exists: the exercise's "
                f"derivative_kernel({d}) has shape (1, {d + 1}).",
                "Count the equations (one per monomial 1, x, ..., x**d) and the unknowns (one per tap).",
                code="derivative/min-size-too-large")


# ----------------------------------------------------------------------------- integral_kernel

@points(2)
def test_integral_kernel(sub, seed):
    """integral_kernel(n) sums the n samples under the window, for several n"""
    nprng = np.random.default_rng(seed)
    sizes = [1, 2, 3] + [int(nprng.integers(4, 9))]
    sub.prefetch("integral_kernel", [(n,) for n in sizes])
    for n in sizes:
        K = _kernel(sub, "integral_kernel", n, (1, n))
        width = n + int(nprng.integers(2, 5))
        X = np.round(nprng.normal(size=(3, width)) * 4) / 4 + 0.0
        Y = correlate2d(X, K, mode="valid")
        expected = np.stack([[X[r, j:j + n].sum() for j in range(width - n + 1)] for r in range(3)])
        tol = 1e-5 * max(1.0, float(np.abs(X).max())) * n
        if not np.allclose(Y, expected, rtol=0, atol=tol):
            mean = n > 1 and np.allclose(Y * n, expected, rtol=0, atol=tol * n)
            raise Mismatch(
                f"`integral_kernel({n})` = {show(torch.from_numpy(K))} does not sum the {n} samples under the "
                f"window: for X =\n{show(torch.from_numpy(X))}\ncorr2d(X, K) gives\n{show(torch.from_numpy(Y))}\n"
                f"expected\n{show(torch.from_numpy(expected))}"
                + ("\nYour kernel averages the samples; the exercise asks for their sum." if mean else ""),
                "At unit spacing every sample stands for an interval of width 1: corr2d must return "
                "f(j) + f(j + 1) + ... + f(j + n - 1).",
                code="derivative/integral-mean" if mean else "derivative/integral-wrong")
