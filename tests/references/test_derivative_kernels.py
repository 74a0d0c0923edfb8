"""Checks of the reference solutions/derivative_kernels.py (d2l-en 7.2 ex. 2.4 / d2l-zh 6.2 ex. 4.2-4.3)."""

import math
import random

import numpy as np
import pytest
import sympy
import torch
from scipy.signal import correlate2d

import derivative_kernels as ref

x = sympy.symbols("x")


def _random_poly(rng, degree):
    return sum(rng.randint(-5, 5) * x**m for m in range(degree + 1)) + x**degree  # degree exactly <= d


@pytest.mark.parametrize("d", range(1, 6))
def test_shape_dtype_and_forward_difference(d):
    K = ref.derivative_kernel(d)
    assert isinstance(K, torch.Tensor) and K.shape == (1, d + 1) and K.dtype == torch.float32
    expected = [(-1) ** (d - k) * math.comb(d, k) for k in range(d + 1)]
    assert K[0].tolist() == expected


def test_first_derivative_sign():
    assert ref.derivative_kernel(1).tolist() == [[-1.0, 1.0]]
    assert ref.derivative_kernel(2).tolist() == [[1.0, -2.0, 1.0]]


@pytest.mark.parametrize("d", range(1, 6))
@pytest.mark.parametrize("seed", range(6))
def test_exact_on_random_polynomials(d, seed):
    rng = random.Random(1000 * d + seed)
    f = _random_poly(rng, rng.randint(0, d))
    n = rng.randint(d + 1, d + 10)
    X = np.array([[float(f.subs(x, j)) for j in range(n)]])
    Y = correlate2d(X, ref.derivative_kernel(d).double().numpy(), mode="valid")
    assert Y.shape == (1, n - d)
    np.testing.assert_array_equal(Y, float(sympy.diff(f, x, d)))


@pytest.mark.parametrize("d", range(1, 7))
def test_min_kernel_size(d):
    n = ref.min_kernel_size(d)
    assert type(n) is int and n == d + 1
    # Independently of the module: a kernel one tap shorter cannot exist ...
    w = sympy.symbols(f"w0:{d + 1}")
    def system(taps):
        return [
            sum(w[k] * k**m for k in range(taps)) - (math.factorial(d) if m == d else 0)
            for m in range(d + 1)
        ]
    assert sympy.linsolve(system(d), w[:d]) == sympy.S.EmptySet
    # ... and with d + 1 taps there is exactly one, the kernel returned.
    (solution,) = sympy.linsolve(system(d + 1), w)
    assert [float(c) for c in solution] == ref.derivative_kernel(d)[0].tolist()


def test_shorter_kernel_fails_in_least_squares():
    # Numeric cross-check for d = 3: the best 3-tap kernel leaves a residual.
    d, n = 3, 3
    V = np.array([[k**m for k in range(n)] for m in range(d + 1)], dtype=float)
    rhs = np.array([0, 0, 0, math.factorial(d)], dtype=float)
    _, residual, *_ = np.linalg.lstsq(V, rhs, rcond=None)
    assert residual[0] > 1.0


@pytest.mark.parametrize("n", [1, 2, 5, 8])
def test_integral_kernel(n):
    K = ref.integral_kernel(n)
    assert K.shape == (1, n) and K.dtype == torch.float32 and torch.all(K == 1)
    X = np.random.default_rng(n).normal(size=(1, 12))
    expected = [X[0, j:j + n].sum() for j in range(12 - n + 1)]
    np.testing.assert_allclose(correlate2d(X, K.double().numpy(), "valid")[0], expected)


@pytest.mark.parametrize("fn", [ref.derivative_kernel, ref.min_kernel_size, ref.integral_kernel])
@pytest.mark.parametrize("bad", [0, -1, 1.5, 2.0, "2", None, True])
def test_rejects_non_positive_ints(fn, bad):
    with pytest.raises(ValueError, match=r"must be an integer >= 1"):
        fn(bad)


def test_accepts_numpy_ints():
    assert ref.min_kernel_size(np.int64(4)) == 5
    assert ref.derivative_kernel(np.int32(2)).shape == (1, 3)
