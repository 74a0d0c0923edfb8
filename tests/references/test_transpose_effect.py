"""Tests of the reference transpose_effect module."""

import pytest
import scipy.signal
import torch

import transpose_effect
from cross_correlation import corr2d
from transpose_effect import (
    IDENTITY,
    TRANSPOSE_K,
    TRANSPOSE_X,
    transposed_image_response,
    transposed_kernel_response,
    via_transposed_kernel,
)

K_EDGE = torch.tensor([[1.0, -1.0]])


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("x_shape, k_shape", [((5, 8), (1, 2)), ((6, 4), (3, 2)), ((7, 9), (2, 4))])
def test_functions_on_non_square_inputs(x_shape, k_shape, dtype):
    g = torch.Generator().manual_seed(0)
    X = torch.randn(x_shape, generator=g, dtype=dtype)
    K = torch.randn(k_shape, generator=g, dtype=dtype)
    a = transposed_image_response(X, K)
    b = transposed_kernel_response(X, K)
    c = via_transposed_kernel(X, K)
    for out in (a, b, c):
        assert out.dtype == dtype
    expected_a = torch.from_numpy(scipy.signal.correlate2d(X.T.numpy(), K.numpy(), mode="valid"))
    expected_b = torch.from_numpy(scipy.signal.correlate2d(X.numpy(), K.T.numpy(), mode="valid"))
    torch.testing.assert_close(a, expected_a)
    torch.testing.assert_close(b, expected_b)
    torch.testing.assert_close(c, a)


def test_via_transposed_kernel_does_not_transpose_x(monkeypatch):
    X = torch.randn(4, 6)
    K = torch.randn(2, 3)
    seen = []

    def recording_corr2d(image, kernel):
        seen.append(image)
        return corr2d(image, kernel)

    monkeypatch.setattr(transpose_effect, "corr2d", recording_corr2d)
    out = via_transposed_kernel(X, K)
    assert out.shape == (6 - 2 + 1, 4 - 3 + 1)
    assert len(seen) == 1 and seen[0] is X


def test_multiple_choice_on_identity_image():
    X = torch.eye(8)
    base = corr2d(X, K_EDGE)
    assert torch.equal(corr2d(X.T, K_EDGE), base) and TRANSPOSE_X == "same"
    assert torch.equal(corr2d(X, K_EDGE.T), base.T) and TRANSPOSE_K == "transposed"


def test_transposing_x_matters_for_a_non_symmetric_image():
    # The community claim "transposing X changes nothing" holds only for symmetric X.
    X = torch.tril(torch.ones(8, 8))
    assert not torch.equal(corr2d(X.T, K_EDGE), corr2d(X, K_EDGE))
    torch.testing.assert_close(corr2d(X.T, K_EDGE), corr2d(X, K_EDGE.T).T)


def test_identity_b_holds_and_others_fail():
    g = torch.Generator().manual_seed(3)
    X = torch.randn(6, 6, generator=g, dtype=torch.float64)
    K = torch.randn(2, 3, generator=g, dtype=torch.float64)
    torch.testing.assert_close(corr2d(X.T, K), corr2d(X, K.T).T)
    assert IDENTITY == "b"
    # Square shapes so that every candidate is at least defined.
    Ks = torch.randn(2, 2, generator=g, dtype=torch.float64)
    assert not torch.allclose(corr2d(X.T, Ks), corr2d(X, Ks).T)
    assert not torch.allclose(corr2d(X.T, Ks.T), corr2d(X, Ks))
    assert not torch.allclose(corr2d(X.T, Ks), -corr2d(X, Ks))
