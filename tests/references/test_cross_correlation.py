"""Tests of the reference corr2d against scipy.signal.correlate2d and F.conv2d."""

import numpy as np
import pytest
import scipy.signal
import torch
import torch.nn.functional as F

from cross_correlation import corr2d

SHAPES = [((6, 8), (1, 2)), ((5, 7), (3, 2)), ((4, 9), (2, 5)), ((3, 3), (3, 3)), ((7, 4), (7, 1))]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("x_shape, k_shape", SHAPES)
def test_matches_scipy_and_keeps_dtype(x_shape, k_shape, dtype):
    g = torch.Generator().manual_seed(0)
    X = torch.randn(x_shape, generator=g, dtype=dtype)
    K = torch.randn(k_shape, generator=g, dtype=dtype)
    Y = corr2d(X, K)
    expected = scipy.signal.correlate2d(X.numpy(), K.numpy(), mode="valid")
    assert Y.dtype == dtype
    assert Y.shape == expected.shape
    np.testing.assert_allclose(Y.numpy(), expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("x_shape, k_shape", SHAPES)
def test_matches_conv2d(x_shape, k_shape):
    g = torch.Generator().manual_seed(1)
    X = torch.randn(x_shape, generator=g, dtype=torch.float64)
    K = torch.randn(k_shape, generator=g, dtype=torch.float64)
    expected = F.conv2d(X[None, None], K[None, None])[0, 0]
    torch.testing.assert_close(corr2d(X, K), expected)


def test_book_example():
    X = torch.arange(9.0).reshape(3, 3)
    K = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
    assert torch.equal(corr2d(X, K), torch.tensor([[19.0, 25.0], [37.0, 43.0]]))


def test_book_edge_image():
    X = torch.ones(6, 8)
    X[:, 2:6] = 0
    Y = corr2d(X, torch.tensor([[1.0, -1.0]]))
    expected = torch.zeros(6, 7)
    expected[:, 1], expected[:, 5] = 1.0, -1.0
    assert torch.equal(Y, expected)


def test_gradients_flow_to_x_and_k():
    g = torch.Generator().manual_seed(2)
    X = torch.randn(5, 6, generator=g, dtype=torch.float64, requires_grad=True)
    K = torch.randn(2, 3, generator=g, dtype=torch.float64, requires_grad=True)
    torch.autograd.gradcheck(corr2d, (X, K))
    corr2d(X, K).sum().backward()
    assert X.grad is not None and K.grad is not None


@pytest.mark.parametrize("x_shape", [(1, 1, 6, 8), (6,), (2, 6, 8)])
def test_rejects_non_2d_x(x_shape):
    with pytest.raises(ValueError, match=r"2-D X and K; got X of shape \(" + ", ".join(map(str, x_shape))):
        corr2d(torch.ones(x_shape), torch.ones(1, 2))


def test_rejects_non_2d_k():
    with pytest.raises(ValueError, match=r"K of shape \(1, 1, 1, 2\)"):
        corr2d(torch.ones(6, 8), torch.ones(1, 1, 1, 2))


@pytest.mark.parametrize("k_shape", [(7, 2), (2, 9), (0, 1)])
def test_rejects_kernel_that_does_not_fit(k_shape):
    with pytest.raises(ValueError, match=r"K of shape|non-empty kernel"):
        corr2d(torch.ones(6, 8), torch.ones(k_shape))


def test_rejects_numpy_input():
    with pytest.raises(TypeError, match="torch.Tensor"):
        corr2d(np.ones((3, 3)), torch.ones(2, 2))
