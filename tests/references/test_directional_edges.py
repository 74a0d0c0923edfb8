"""Checks of the reference solutions/directional_edges.py (d2l-en 7.2 ex. 2.1)."""

import numpy as np
import pytest
import torch
from scipy.signal import correlate2d

import directional_edges as ref

DIRECTIONS = [(1, 0), (0, 1), (-1, 0), (0, -1), (1, 1), (1, -2), (-3.5, 0.25), (0.6, 0.8)]


def _ramp(a, b, c, shape=(7, 9)):
    i, j = np.indices(shape)  # i grows downwards (y), j to the right (x)
    return a * j + b * i + c


@pytest.mark.parametrize("v", DIRECTIONS)
def test_constant_response_on_random_ramps(v):
    K = ref.directional_edge_kernel(v)
    assert isinstance(K, torch.Tensor) and K.ndim == 2 and K.dtype == torch.float32
    rng = np.random.default_rng(abs(hash(v)) % 2**32)
    scales = []
    for _ in range(10):
        a, b, c = rng.normal(size=3) * 5
        Y = correlate2d(_ramp(a, b, c), K.double().numpy(), "valid")
        np.testing.assert_allclose(Y, Y.flat[0], atol=1e-9)  # exactly constant
        expected = v[0] * a + v[1] * b
        if abs(expected) > 1e-3:
            scales.append(Y.flat[0] / expected)
    # One s > 0 for every ramp; the reference uses s = 1.
    np.testing.assert_allclose(scales, 1.0, rtol=1e-5)  # float32 weights


@pytest.mark.parametrize("v", DIRECTIONS)
def test_blind_along_orthogonal_direction(v):
    K = ref.directional_edge_kernel(v).double().numpy()
    Y = correlate2d(_ramp(v[1], -v[0], 2.0), K, "valid")  # change along (v_y, -v_x)
    np.testing.assert_allclose(Y, 0.0, atol=1e-6)  # float32 weights: 0.3 is not exact


def test_y_axis_points_down():
    K = ref.directional_edge_kernel((0.0, 1.0)).double().numpy()
    brighter_downwards = _ramp(0.0, 1.0, 0.0)
    assert (correlate2d(brighter_downwards, K, "valid") > 0).all()


def test_step_edges():
    # A vertical edge (dark left, bright right) answers to v = (1, 0), not to v = (0, 1).
    X = np.zeros((6, 8))
    X[:, 4:] = 1.0
    Kx = ref.directional_edge_kernel((1, 0)).double().numpy()
    Ky = ref.directional_edge_kernel((0, 1)).double().numpy()
    assert correlate2d(X, Kx, "valid").max() > 0
    assert np.all(correlate2d(X, Ky, "valid") == 0)


@pytest.mark.parametrize("v", [[2.0, -1.0], torch.tensor([2.0, -1.0], dtype=torch.float64), np.array([2, -1])])
def test_accepts_sequences_and_tensors(v):
    assert torch.equal(ref.directional_edge_kernel(v), ref.directional_edge_kernel((2.0, -1.0)))


@pytest.mark.parametrize("bad, pattern", [
    ((0, 0), "zero vector"),
    ((0.0, -0.0), "zero vector"),
    ((1, 2, 3), "exactly two"),
    ((1,), "exactly two"),
    ((float("nan"), 1), "finite"),
    (("a", 1), "pair of real numbers"),
    (5, "pair of real numbers"),
])
def test_rejects_bad_v(bad, pattern):
    with pytest.raises(ValueError, match=pattern):
        ref.directional_edge_kernel(bad)
