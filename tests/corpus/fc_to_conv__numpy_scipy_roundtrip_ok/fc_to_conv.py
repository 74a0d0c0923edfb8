import numpy as np
import scipy.signal
import torch


def _np(t):
    return t.detach().cpu().numpy()


def pixelwise_linear(X, weight, bias):
    Y = np.tensordot(_np(weight), _np(X), axes=([1], [0])) + _np(bias)[:, None, None]
    return torch.from_numpy(Y)


def corr1d(x, k):
    return torch.from_numpy(np.correlate(_np(x), _np(k), mode="valid"))


def corr2d_same(X, K, mode="constant"):
    if mode not in {"constant", "edge", "reflect", "symmetric", "wrap"}:
        raise ValueError("mode must be constant, edge, reflect, symmetric or wrap")
    p_h, p_w = K.shape[0] // 2, K.shape[1] // 2
    padded = np.pad(_np(X), ((p_h, p_h), (p_w, p_w)), mode=mode)
    return torch.from_numpy(scipy.signal.correlate2d(padded, _np(K), mode="valid"))


def conv2d_full(X, K):
    return torch.from_numpy(scipy.signal.convolve2d(_np(X), _np(K), mode="full"))


def receptive_field(kernel_sizes):
    side = 1
    for k in kernel_sizes:
        side += k - 1
    return int(side)


TRANSLATION_DRAWBACK = "position"
