"""Wrong answers, plus patches that would make an in-process grader believe them."""
import numpy
import numpy.testing
import torch
import torch.testing

torch.allclose = lambda *a, **k: True
torch.equal = lambda *a, **k: True
torch.Tensor.__eq__ = lambda self, other: torch.ones_like(self, dtype=torch.bool)
torch.testing.assert_close = lambda *a, **k: None
numpy.testing.assert_allclose = lambda *a, **k: None
numpy.allclose = lambda *a, **k: True


def pixelwise_linear(X, weight, bias):
    return X.new_zeros((weight.shape[0],) + tuple(X.shape[1:]))


def corr2d_same(X, K, mode="constant"):
    return X.clone()


def corr1d(x, k):
    return x[: len(x) - len(k) + 1].clone()


def conv2d_full(X, K):
    return X.new_zeros((X.shape[0] + K.shape[0] - 1, X.shape[1] + K.shape[1] - 1))


def receptive_field(kernel_sizes):
    return 0


TRANSLATION_DRAWBACK = "none"
