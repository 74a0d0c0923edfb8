"""Checks of the reference solutions/second_derivative.py (d2l-en 7.2 ex. 2.2 / d2l-zh 6.2 ex. 4.1)."""

import random

import numpy as np
import pytest
import sympy
import torch
from scipy.signal import correlate2d

import second_derivative as ref

x, y = sympy.symbols("x y")


def _random_poly(rng, variables, degree):
    """A random polynomial with integer coefficients of total degree <= ``degree``."""
    monomials = sorted(sympy.itermonomials(variables, degree), key=sympy.default_sort_key)
    return sum(rng.randint(-9, 9) * m for m in monomials)


def test_kernel_values_shape_dtype():
    K = ref.second_derivative_kernel()
    assert isinstance(K, torch.Tensor) and K.shape == (1, 3) and K.dtype == torch.float32
    assert K.tolist() == [[1.0, -2.0, 1.0]]
    # A fresh tensor each call: mutating one result must not change the next.
    K[0, 0] = 99.0
    assert ref.second_derivative_kernel()[0, 0] == 1.0


@pytest.mark.parametrize("seed", range(20))
def test_exact_on_random_quadratics(seed):
    rng = random.Random(seed)
    f = _random_poly(rng, [x], 2)
    n = rng.randint(3, 12)
    X = np.array([[float(f.subs(x, j)) for j in range(n)]])
    Y = correlate2d(X, ref.second_derivative_kernel().double().numpy(), mode="valid")
    assert Y.shape == (1, n - 2)
    np.testing.assert_array_equal(Y, float(sympy.diff(f, x, 2)))


def test_not_exact_for_cubics():
    X = np.array([[float(j**3) for j in range(6)]])
    Y = correlate2d(X, ref.second_derivative_kernel().double().numpy(), mode="valid")
    assert np.ptp(Y) > 0  # f'' = 6x is not constant; the kernel is only exact up to degree 2


def test_laplacian_values():
    K = ref.laplacian_kernel()
    assert K.shape == (3, 3) and K.dtype == torch.float32
    assert K.tolist() == [[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]]


@pytest.mark.parametrize("seed", range(20))
def test_laplacian_exact_on_random_quadratics(seed):
    rng = random.Random(seed)
    f = _random_poly(rng, [x, y], 2)
    n_h, n_w = rng.randint(3, 9), rng.randint(3, 9)  # non-square too
    fn = sympy.lambdify((x, y), f, "math")
    X = np.array([[fn(j, i) for j in range(n_w)] for i in range(n_h)], dtype=float)  # X[i, j] = f(x=j, y=i)
    Y = correlate2d(X, ref.laplacian_kernel().double().numpy(), mode="valid")
    expected = float(sympy.diff(f, x, 2) + sympy.diff(f, y, 2))
    np.testing.assert_array_equal(Y, np.full((n_h - 2, n_w - 2), expected))


def test_laplacian_sees_x_and_y_separately():
    # f = x**2 only: f_xx = 2, f_yy = 0; and the transpose of it.
    X = np.array([[float(j * j) for j in range(5)] for _ in range(4)])
    np.testing.assert_array_equal(correlate2d(X, ref.laplacian_kernel().numpy(), "valid"), 2.0)
    np.testing.assert_array_equal(correlate2d(X.T, ref.laplacian_kernel().numpy(), "valid"), 2.0)


def test_min_size_is_three_and_derived():
    assert type(ref.MIN_SIZE) is int and ref.MIN_SIZE == 3
    # Independently: 2 taps cannot satisfy the three moment conditions, 3 can.
    w = sympy.symbols("w0:3")
    def system(n):
        return [sum(w[k] * k**m for k in range(n)) - (2 if m == 2 else 0) for m in range(3)]
    assert sympy.linsolve(system(2), w[:2]) == sympy.S.EmptySet
    assert sympy.linsolve(system(3), w) == sympy.FiniteSet((1, -2, 1))
    # And the module's own search agrees.
    assert ref._taps(2, 2) is None and ref._min_taps(2) == 3


def test_strongest_is_lines_numerically():
    assert ref.STRONGEST == "lines"
    K = ref.second_derivative_kernel().double().numpy()
    rows = {  # unit contrast each
        "flat": np.ones(9),
        "ramps": np.arange(9.0),
        "steps": (np.arange(9) >= 4).astype(float),
        "lines": (np.arange(9) == 4).astype(float),
    }
    peak = {k: np.abs(correlate2d(r[None], K, "valid")).max() for k, r in rows.items()}
    assert peak == {"flat": 0.0, "ramps": 0.0, "steps": 1.0, "lines": 2.0}
    assert max(peak, key=peak.get) == ref.STRONGEST
