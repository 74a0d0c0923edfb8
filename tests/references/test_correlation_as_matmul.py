"""Tests of the reference correlation_as_matmul module."""

import pytest
import scipy.signal
import torch

from correlation_as_matmul import corr2d_matmul, kernel_matrix, unfold

SHAPES = [((6, 8), (1, 2)), ((5, 7), (3, 2)), ((4, 9), (2, 5)), ((3, 3), (3, 3))]


def _scipy(X, K):
    return torch.from_numpy(scipy.signal.correlate2d(X.numpy(), K.numpy(), mode="valid"))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("x_shape, k_shape", SHAPES)
def test_all_three_agree_with_scipy(x_shape, k_shape, dtype):
    g = torch.Generator().manual_seed(0)
    X = torch.randn(x_shape, generator=g, dtype=dtype)
    K = torch.randn(k_shape, generator=g, dtype=dtype)
    expected = _scipy(X, K)
    out_h, out_w = expected.shape

    U = unfold(X, k_shape)
    assert U.shape == (out_h * out_w, k_shape[0] * k_shape[1]) and U.dtype == dtype
    for r in (0, U.shape[0] // 2, U.shape[0] - 1):
        i, j = divmod(r, out_w)
        assert torch.equal(U[r], X[i:i + k_shape[0], j:j + k_shape[1]].reshape(-1))

    Y = corr2d_matmul(X, K)
    assert Y.dtype == dtype
    torch.testing.assert_close(Y, expected)

    W = kernel_matrix(K, x_shape)
    assert W.shape == (out_h * out_w, x_shape[0] * x_shape[1]) and W.dtype == dtype
    torch.testing.assert_close((W @ X.reshape(-1)).reshape(out_h, out_w), expected)
    # Each row holds exactly the kernel's entries (plus zeros).
    assert torch.equal((W != 0).sum(1), torch.full((out_h * out_w,), int((K != 0).sum())))


def test_book_example():
    X = torch.arange(9.0).reshape(3, 3)
    K = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
    expected = torch.tensor([[19.0, 25.0], [37.0, 43.0]])
    assert torch.equal(corr2d_matmul(X, K), expected)
    assert torch.equal((kernel_matrix(K, (3, 3)) @ X.reshape(-1)).reshape(2, 2), expected)


def test_kernel_matrix_small_case():
    W = kernel_matrix(torch.tensor([[1.0, -1.0]]), (1, 3))
    assert torch.equal(W, torch.tensor([[1.0, -1.0, 0.0], [0.0, 1.0, -1.0]]))


def test_gradients_flow():
    g = torch.Generator().manual_seed(1)
    X = torch.randn(4, 5, generator=g, dtype=torch.float64, requires_grad=True)
    K = torch.randn(2, 3, generator=g, dtype=torch.float64, requires_grad=True)
    torch.autograd.gradcheck(corr2d_matmul, (X, K))
    torch.autograd.gradcheck(lambda k: kernel_matrix(k, (4, 5)), (K,))


def test_unfold_accepts_torch_size():
    X = torch.randn(4, 5)
    assert unfold(X, torch.Size([2, 3])).shape == (3 * 3, 6)


@pytest.mark.parametrize(
    "call, pattern",
    [
        (lambda: unfold(torch.ones(1, 4, 5), (2, 2)), r"X must be a 2-D tensor; got \(1, 4, 5\)"),
        (lambda: unfold(torch.ones(4, 5), (5, 2)), r"does not fit"),
        (lambda: unfold(torch.ones(4, 5), (2,)), r"two sides"),
        (lambda: corr2d_matmul(torch.ones(4, 5), torch.ones(2)), r"K must be a 2-D tensor"),
        (lambda: corr2d_matmul(torch.ones(4, 5), torch.ones(2, 6)), r"does not fit"),
        (lambda: kernel_matrix(torch.ones(3, 3), (2, 5)), r"does not fit"),
        (lambda: kernel_matrix(torch.ones(1, 2, 2), (4, 4)), r"K must be a 2-D tensor"),
    ],
)
def test_validation(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()
