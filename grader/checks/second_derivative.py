"""Checks of second_derivative.py: the second-difference kernel, the Laplacian, MIN_SIZE, STRONGEST.

Kernels are judged by what they do, not by their entries: the trusted process
samples random polynomials, correlates them with the student's kernel using
scipy.signal.correlate2d, and compares with the exact derivatives.
"""
from __future__ import annotations

import numpy as np
import torch
from scipy.signal import correlate2d

from grader.checking import Mismatch, describe, expect_choice, fmt_shape, points, require, show
from grader.mistakes import Hint
from grader.checking import answer_key, recorded


# ----------------------------------------------------------------------------- helpers

def _kernel(sub, name: str, shape: tuple[int, int]) -> np.ndarray:
    """Call ``name()`` and return its kernel as float64 numpy, after type/shape/dtype checks."""
    call = f"{name}()"
    K = sub.call(name)
    if not isinstance(K, torch.Tensor):
        raise Mismatch(f"`{call}` returned {describe(K)}; expected a torch.Tensor of shape {fmt_shape(shape)}.",
                       "Build it with torch.tensor([[...]]) (note the double brackets: a 2-D kernel).",
                       code="second-derivative/not-a-tensor")
    require(tuple(K.shape) == shape,
            f"`{call}` has shape {fmt_shape(K.shape)}; expected {fmt_shape(shape)}.",
            "corr2d takes a 2-D kernel: a 1-D kernel along a row has shape (1, n)." if shape[0] == 1 else None,
            code="second-derivative/kernel-shape")
    require(K.is_floating_point(),
            f"`{call}` has dtype {str(K.dtype).replace('torch.', '')}; expected a floating-point tensor.",
            "torch.tensor([[1, 2]]) makes an int64 tensor; write the weights as floats (1.0) or pass dtype=torch.float32.",
            code="second-derivative/integer-kernel")
    require(bool(torch.isfinite(K).all()), f"`{call}` contains NaN or infinite values:\n{show(K)}")
    return K.detach().to(torch.float64).numpy()


def _poly_text(coeffs, var="x") -> str:
    """A readable polynomial from coefficients c0, c1, ... (lowest degree first)."""
    terms = []
    for m, c in enumerate(coeffs):
        if c == 0:
            continue
        mag = abs(c)
        num = f"{mag:g}"
        body = num if m == 0 else (f"{var}" if m == 1 else f"{var}**{m}")
        if m > 0 and mag != 1:
            body = f"{num}*{body}"
        terms.append(("- " if c < 0 else "+ ") + body)
    if not terms:
        return "0"
    text = " ".join(terms)
    return text[2:] if text.startswith("+ ") else "-" + text[2:]


def _moments_1d(K: np.ndarray, order: int) -> str:
    """How the kernel treats 1, x, ..., x**order sampled from x = 0 (the moment conditions)."""
    n = K.shape[1]
    got, want = [], []
    for m in range(order + 1):
        samples = np.arange(n + 1, dtype=np.float64)[None, :] ** m
        got.append(f"{correlate2d(samples, K, mode='valid')[0, 0]:.6g}")
        want.append(str(int(np.prod(range(1, order + 1)))) if m == order else "0")
    names = ", ".join("1" if m == 0 else ("x" if m == 1 else f"x**{m}") for m in range(order + 1))
    return (f"On samples of {names} (taken at x = 0, 1, 2, ...) the first output of your kernel is "
            f"{', '.join(got)}; the derivative of order {order} of these is {', '.join(want)}.")


def _check_1d_derivative(K: np.ndarray, order: int, call: str, rows: list[np.ndarray], hint: str) -> None:
    """Every row of coefficients is a polynomial of degree <= order; its samples must give f^(order)."""
    n_taps = K.shape[1]
    width = n_taps + 3
    x = np.arange(width, dtype=np.float64)
    X = np.stack([np.polynomial.polynomial.polyval(x, c) for c in rows])
    Y = correlate2d(X, K, mode="valid")
    scale = np.abs(K).sum() * max(1.0, float(np.abs(X).max()))
    for r, c in enumerate(rows):
        deriv = np.polynomial.polynomial.polyder(c, order)
        expected = float(deriv[0]) if len(deriv) else 0.0
        if not np.allclose(Y[r], expected, rtol=0, atol=2e-6 * scale + 1e-9):
            raise Mismatch(
                f"`{call}` = {show(torch.from_numpy(K))} does not give the derivative of order {order}: "
                f"for f(x) = {_poly_text(c)} sampled at x = 0..{width - 1}, "
                f"X[0] = {show(torch.from_numpy(X[r]))}, corr2d(X, K) gives {show(torch.from_numpy(Y[r]))}; "
                f"expected {expected:g} at every position.\n{_moments_1d(K, order)}",
                hint)


def _random_poly(nprng, degree: int) -> np.ndarray:
    """Coefficients in quarters, leading coefficient not tiny."""
    c = nprng.integers(-8, 9, size=degree + 1) / 4.0
    if degree > 0:
        c[degree] = nprng.choice([-1, 1]) * nprng.integers(2, 9) / 4.0
    return c


# ----------------------------------------------------------------------------- the 1-D kernel

@points(3)
def test_second_derivative_exact_on_quadratics(sub, seed):
    """second_derivative_kernel() gives f'' exactly on random polynomials of degree <= 2"""
    K = _kernel(sub, "second_derivative_kernel", (1, 3))
    hint = Hint("second-derivative/not-exact",
                "Write f(j), f(j+1), f(j+2) for f = 1, x and x**2 and require the weighted sum to be "
                "0, 0 and 2 respectively: three equations for three weights.")
    # The docstring's example first: x**2 -> [[2, 2, 2]].
    _check_1d_derivative(K, 2, "second_derivative_kernel()", [np.array([0.0, 0.0, 1.0])], hint)
    nprng = np.random.default_rng(seed)
    rows = [_random_poly(nprng, 2) for _ in range(4)] + [_random_poly(nprng, 1), _random_poly(nprng, 0)]
    _check_1d_derivative(K, 2, "second_derivative_kernel()", rows, hint)


# ----------------------------------------------------------------------------- the Laplacian

MONOMIALS_2D = [((0, 0), "1", 0.0), ((1, 0), "x", 0.0), ((0, 1), "y", 0.0),
                ((2, 0), "x**2", 2.0), ((1, 1), "x*y", 0.0), ((0, 2), "y**2", 2.0)]


def _samples_2d(coeffs: dict, shape) -> np.ndarray:
    i, j = np.indices(shape, dtype=np.float64)  # x = column j, y = row i
    return sum(c * j ** p * i ** q for (p, q), c in coeffs.items())


def _poly2_text(coeffs: dict) -> str:
    names = {key: name for key, name, _ in MONOMIALS_2D}
    terms = []
    for key, c in coeffs.items():
        if c == 0:
            continue
        body = f"{abs(c):g}" if key == (0, 0) else (names[key] if abs(c) == 1 else f"{abs(c):g}*{names[key]}")
        terms.append(("- " if c < 0 else "+ ") + body)
    text = " ".join(terms) or "0"
    return text[2:] if text.startswith("+ ") else ("-" + text[2:] if text.startswith("- ") else text)


@points(3)
def test_laplacian_exact_on_quadratics(sub, seed):
    """laplacian_kernel() gives f_xx + f_yy exactly on random quadratics f(x, y) (x = column, y = row)"""
    K = _kernel(sub, "laplacian_kernel", (3, 3))
    nprng = np.random.default_rng(seed)
    cases = [{(2, 0): 1.0, (0, 2): 3.0}]  # the docstring's example: 2 + 6 = 8
    for _ in range(5):
        cases.append({key: float(nprng.integers(-8, 9)) / 4.0 for key, _, _ in MONOMIALS_2D})
    for coeffs in cases:
        shape = (int(nprng.integers(4, 7)), int(nprng.integers(7, 10)))  # several rows and columns, not square
        X = _samples_2d(coeffs, shape)
        Y = correlate2d(X, K, mode="valid")
        expected = 2.0 * coeffs[(2, 0)] + 2.0 * coeffs[(0, 2)]
        tol = 2e-6 * np.abs(K).sum() * max(1.0, float(np.abs(X).max())) + 1e-9
        if not np.allclose(Y, expected, rtol=0, atol=tol):
            wrong = []
            for key, name, want in MONOMIALS_2D:
                got = correlate2d(_samples_2d({key: 1.0}, (4, 4)), K, mode="valid")
                if not np.allclose(got, want, rtol=0, atol=1e-5 * np.abs(K).sum() * 9):
                    wrong.append(f"{name} gives {got[0, 0]:.6g} (expected {want:g})")
            raise Mismatch(
                f"`laplacian_kernel()` does not give f_xx + f_yy: for f(x, y) = {_poly2_text(coeffs)} sampled as "
                f"X[i, j] = f(x=j, y=i) on a {shape[0]}x{shape[1]} grid, corr2d(X, K) gives\n"
                f"{show(torch.from_numpy(Y))}\nexpected {expected:g} everywhere.\nYour kernel:\n{show(torch.from_numpy(K))}"
                + ("\nOn single monomials (first output): " + "; ".join(wrong) + "." if wrong else ""),
                "f_xx is the second difference along a row, f_yy along a column; the Laplacian is their sum. "
                "Check your kernel on f = x**2 and on f = y**2 (both should give 2) and on f = x*y (0).",
                code="second-derivative/laplacian-wrong")


# ----------------------------------------------------------------------------- constants

@points(2)
def test_min_size(sub):
    """MIN_SIZE is the fewest taps of a 1-D second-derivative kernel"""
    value = sub.constant("MIN_SIZE")
    if value is None:
        raise Mismatch("`MIN_SIZE` is still None: set it to an int.")
    require(isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)),
            f"`MIN_SIZE` is {describe(value)}; expected an int.")
    right = answer_key("second_derivative.MIN_SIZE")
    if right is None:  # a student release: the right number is not shipped
        require(int(value) >= 1, f"`MIN_SIZE = {int(value)}` is not a number of taps.")
        recorded("MIN_SIZE", int(value))
    require(int(value) == right,
            f"`MIN_SIZE = {int(value)}` is not the fewest taps of a kernel that gives f'' exactly "
            f"for every polynomial of degree <= 2.",
            "With n taps, exactness on 1, x and x**2 is three linear equations in the n weights. "
            "Find the smallest n for which they have a solution (and show that fewer taps force a "
            "contradiction).", code="second-derivative/min-size")


@points(2)
def test_strongest(sub):
    """STRONGEST names the structures with the largest second-derivative response"""
    expect_choice(sub.constant("STRONGEST"), name="STRONGEST",
                  keys={"flat": "flat regions", "ramps": "linear intensity ramps",
                        "lines": "thin lines and isolated dots", "steps": "step edges"},
                  correct=answer_key("second_derivative.STRONGEST"),
                  hint="Apply your kernel to rows with unit contrast: a flat row, a ramp 0 1 2 3 4, "
                       "a step 0 0 1 1 1 and a one-pixel line 0 0 1 0 0, and compare the largest "
                       "absolute outputs.")
