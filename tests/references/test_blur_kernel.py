"""Checks of the reference solutions/blur_kernel.py (d2l-en 7.2 ex. 2.3)."""

import numpy as np
import pytest
import torch
from scipy.signal import correlate2d

import blur_kernel as ref

SIZES = [1, 2, 3, 4, 5, 7, 10, 31]


@pytest.mark.parametrize("size", SIZES)
def test_is_an_average(size):
    K = ref.blur_kernel(size)
    assert isinstance(K, torch.Tensor) and K.shape == (size, size) and K.dtype == torch.float32
    assert torch.all(K >= 0)
    assert abs(K.double().sum().item() - 1.0) < 1e-6


@pytest.mark.parametrize("size", SIZES)
def test_symmetries_exact(size):
    K = ref.blur_kernel(size)
    assert torch.equal(K, K.T)
    assert torch.equal(K, torch.flip(K, dims=(0,)))
    assert torch.equal(K, torch.flip(K, dims=(1,)))


def test_default_is_binomial_3x3():
    assert torch.equal(ref.blur_kernel() * 16, torch.tensor([[1.0, 2, 1], [2, 4, 2], [1, 2, 1]]))


def test_size_one_is_identity():
    assert ref.blur_kernel(1).tolist() == [[1.0]]


@pytest.mark.parametrize("size", [s for s in SIZES if s >= 2])
def test_low_pass(size):
    K = ref.blur_kernel(size).double().numpy()
    n = size + 12
    # Constants pass unchanged.
    np.testing.assert_allclose(correlate2d(np.full((n, n), 3.0), K, "valid"), 3.0, rtol=1e-6)
    # The checkerboard (the highest frequency) shrinks; the binomial kernel removes it.
    i, j = np.indices((n, n))
    board = (-1.0) ** (i + j)
    assert np.abs(correlate2d(board, K, "valid")).max() < 1e-6
    # White noise: variance multiplied by sum(K**2) < 1, and measurably so.
    noise = np.random.default_rng(size).normal(size=(200, 200))
    assert correlate2d(noise, K, "valid").var() < 0.6 * noise.var()
    assert (K**2).sum() < 1


def test_large_size_does_not_overflow():
    K = ref.blur_kernel(1200)
    assert torch.isfinite(K).all() and abs(K.double().sum().item() - 1) < 1e-4


@pytest.mark.parametrize("bad", [0, -3, 2.5, "3", None, True])
def test_rejects_bad_size(bad):
    with pytest.raises(ValueError, match=r"size must be an integer >= 1"):
        ref.blur_kernel(bad)


def test_why_blur():
    assert ref.WHY_BLUR == "denoise"
