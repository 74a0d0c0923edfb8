"""Tests of the reference conv2d_autograd module."""

import pytest
import torch
import torch.nn.functional as F

import conv2d_autograd
from conv2d_autograd import (
    ERROR_CAUSE,
    BatchConv2D,
    Conv2D,
    book_edge_data,
    learn_kernel,
    reproduce_error,
)


def test_conv2d_parameters_and_forward():
    torch.manual_seed(0)
    net = Conv2D((2, 3))
    assert isinstance(net.weight, torch.nn.Parameter) and net.weight.shape == (2, 3)
    assert isinstance(net.bias, torch.nn.Parameter) and net.bias.shape == (1,)
    assert torch.all(net.bias == 0) and torch.all((0 <= net.weight) & (net.weight < 1))
    X = torch.randn(5, 6)
    expected = F.conv2d(X[None, None], net.weight[None, None], net.bias)[0, 0]
    torch.testing.assert_close(net(X), expected)


def test_conv2d_trains_on_2d_input():
    # The layer itself is differentiable: the error is not an autograd problem.
    torch.manual_seed(0)
    X, Y = book_edge_data()
    net = Conv2D((1, 2))
    ((net(X) - Y) ** 2).sum().backward()
    assert net.weight.grad is not None and net.bias.grad is not None


def test_reproduce_error_returns_the_exception():
    error = reproduce_error()
    assert isinstance(error, ValueError)
    assert "got X of shape (1, 1, 6, 8)" in str(error)
    assert ERROR_CAUSE == "shape"


def _loop_corr2d(X, K):
    """A loop-based corr2d written the straightforward way (float32 buffer)."""
    h, w = K.shape
    out = torch.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for r in range(out.shape[0]):
        for c in range(out.shape[1]):
            out[r, c] = (X[r:r + h, c:c + w] * K).sum()
    return out


def test_loop_based_corr2d_gives_the_broadcast_error(monkeypatch):
    monkeypatch.setattr(conv2d_autograd, "corr2d", _loop_corr2d)
    error = reproduce_error()
    assert isinstance(error, RuntimeError)
    assert str(error) == (
        "The size of tensor a (0) must match the size of tensor b (7) at non-singleton dimension 3"
    )


def test_reproduce_error_returns_none_when_the_loop_succeeds(monkeypatch):
    # A corr2d that happened to accept 4-D input would let the loop finish.
    def corr2d_any_rank(X, K):
        return F.conv2d(X, K[None, None]) if X.ndim == 4 else F.conv2d(X[None, None], K[None, None])[0, 0]

    monkeypatch.setattr(conv2d_autograd, "corr2d", corr2d_any_rank)
    assert reproduce_error() is None


@pytest.mark.parametrize("n", [1, 3])
@pytest.mark.parametrize("kernel_size", [(1, 2), (2, 3)])
def test_batch_conv2d_matches_f_conv2d_values_and_gradients(n, kernel_size):
    torch.manual_seed(1)
    net = BatchConv2D(kernel_size)
    with torch.no_grad():
        net.bias.fill_(0.3)
    X = torch.randn(n, 1, 5, 7, dtype=torch.float32)
    target = torch.randn(n, 1, 5 - kernel_size[0] + 1, 7 - kernel_size[1] + 1)
    out = net(X)
    ((out - target) ** 2).sum().backward()

    w = net.weight.detach().clone().requires_grad_(True)
    b = net.bias.detach().clone().requires_grad_(True)
    ref = F.conv2d(X, w.reshape(1, 1, *kernel_size), b)
    ((ref - target) ** 2).sum().backward()

    assert out.shape == ref.shape
    torch.testing.assert_close(out, ref)
    torch.testing.assert_close(net.weight.grad, w.grad)
    torch.testing.assert_close(net.bias.grad, b.grad)


def test_batch_conv2d_accepts_2d_and_empty_batch():
    net = BatchConv2D((2, 2))
    assert net(torch.ones(4, 5)).shape == (3, 4)
    assert net(torch.ones(0, 1, 4, 5)).shape == (0, 1, 3, 4)


@pytest.mark.parametrize("shape", [(6,), (1, 6, 8), (1, 2, 6, 8), (1, 1, 1, 6, 8)])
def test_batch_conv2d_rejects_other_layouts(shape):
    with pytest.raises(ValueError, match=r"\(H, W\) or \(N, 1, H, W\)"):
        BatchConv2D((1, 2))(torch.ones(shape))


@pytest.mark.parametrize("seed", range(8))
def test_learn_kernel_recovers_edge_kernel(seed):
    torch.manual_seed(seed)
    X, Y = book_edge_data()
    w = learn_kernel(X.reshape(1, 1, 6, 8), Y.reshape(1, 1, 6, 7))
    assert w.shape == (1, 2) and not w.requires_grad
    assert (w - torch.tensor([[1.0, -1.0]])).abs().max() < 0.15


def test_learn_kernel_bias_untouched_and_worst_start_within_bound(monkeypatch):
    # The worst corner of the initial box [0, 1)^2 for the slow eigen-direction.
    X, Y = book_edge_data()
    monkeypatch.setattr(conv2d_autograd.torch, "rand", lambda size: torch.tensor([[0.999, 0.999]]))
    w = learn_kernel(X.reshape(1, 1, 6, 8), Y.reshape(1, 1, 6, 7))
    assert (w - torch.tensor([[1.0, -1.0]])).abs().max() < 0.15


def test_learn_kernel_other_kernel_and_dtype():
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(5)
    X = torch.randn(4, 1, 6, 7, generator=g, dtype=torch.float64)
    K = torch.tensor([[0.5, -1.0, 0.25], [1.0, 0.0, -0.5]], dtype=torch.float64)
    Y = F.conv2d(X, K[None, None])
    w = learn_kernel(X, Y, kernel_size=(2, 3), steps=300, lr=2e-3)
    assert w.dtype == torch.float64
    torch.testing.assert_close(w, K, atol=1e-4, rtol=0)


@pytest.mark.parametrize("steps, lr", [(1, 3e-2), (3, 1e-2), (10, 3e-2)])
def test_learn_kernel_is_plain_gradient_descent_from_its_initial_weight(steps, lr):
    # What the grader checks: under one random state, steps=0 gives the initial weight and
    # steps=k gives k updates w -= lr * grad of the summed squared error of F.conv2d.
    g = torch.Generator().manual_seed(3)
    X = torch.randn(2, 1, 5, 6, generator=g)
    Y = torch.randn(2, 1, 4, 4, generator=g)
    torch.manual_seed(11)
    w = learn_kernel(X, Y, kernel_size=(2, 3), steps=0, lr=lr).double()
    torch.manual_seed(11)
    got = learn_kernel(X, Y, kernel_size=(2, 3), steps=steps, lr=lr)
    for _ in range(steps):
        w.requires_grad_(True)
        loss = ((F.conv2d(X.double(), w[None, None]) - Y.double()) ** 2).sum()
        (grad,) = torch.autograd.grad(loss, w)
        w = (w - lr * grad).detach()
    torch.testing.assert_close(got.double(), w, rtol=1e-4, atol=1e-5)


def test_learn_kernel_steps_zero_is_the_layers_initial_weight():
    X, Y = book_edge_data()
    torch.manual_seed(5)
    w0 = learn_kernel(X.reshape(1, 1, 6, 8), Y.reshape(1, 1, 6, 7), steps=0)
    torch.manual_seed(5)
    assert torch.equal(w0, BatchConv2D((1, 2)).weight.detach())


def test_learn_kernel_rejects_bad_shapes():
    X, Y = book_edge_data()
    with pytest.raises(ValueError, match=r"X of shape \(N, 1, H, W\)"):
        learn_kernel(X, Y)
    with pytest.raises(ValueError, match=r"Y of shape \(1, 1, 6, 7\)"):
        learn_kernel(X.reshape(1, 1, 6, 8), Y)
