import functools

import torch
import torch.nn.functional as F

from cross_correlation import corr2d


def pixelwise_linear(X, weight, bias):
    return torch.einsum("oc,chw->ohw", weight, X) + bias.view(-1, 1, 1)


def corr1d(x, k):
    windows = x.unfold(0, len(k), 1)          # (n - m + 1, m)
    return windows @ k


def _index(n, p, mode):
    """Which pixel of 0..n-1 sits at each padded position -p .. n+p-1 (any p, as numpy.pad)."""
    i = torch.arange(-p, n + p)
    if mode == "edge":
        return i.clamp(0, n - 1)
    if mode == "wrap":
        return i % n
    if mode == "reflect":                      # mirror about the border pixels: period 2(n - 1)
        if n == 1:
            return torch.zeros_like(i)
        t = i % (2 * (n - 1))
        return torch.where(t < n, t, 2 * (n - 1) - t)
    if mode == "symmetric":                    # mirror between pixels: period 2n
        t = i % (2 * n)
        return torch.where(t < n, t, 2 * n - 1 - t)
    raise ValueError(mode)


def corr2d_same(X, K, mode="constant"):
    if mode not in ("constant", "edge", "reflect", "symmetric", "wrap"):
        raise ValueError(f"mode {mode!r} is not one of constant, edge, reflect, symmetric, wrap")
    k_h, k_w = K.shape
    if k_h % 2 == 0 or k_w % 2 == 0:
        raise ValueError("K needs odd sides")
    p_h, p_w = k_h // 2, k_w // 2
    if mode == "constant":
        Xp = torch.zeros(X.shape[0] + 2 * p_h, X.shape[1] + 2 * p_w, dtype=X.dtype)
        Xp[p_h:p_h + X.shape[0], p_w:p_w + X.shape[1]] = X
    else:
        Xp = X[_index(X.shape[0], p_h, mode)][:, _index(X.shape[1], p_w, mode)]
    return corr2d(Xp, K)


def conv2d_full(X, K):
    k_h, k_w = K.shape
    Xp = F.pad(X, (k_w - 1, k_w - 1, k_h - 1, k_h - 1))
    return corr2d(Xp, K.flip(0).flip(1))


def receptive_field(kernel_sizes):
    return functools.reduce(lambda side, k: side + k - 1, kernel_sizes, 1)


TRANSLATION_DRAWBACK = "position"
