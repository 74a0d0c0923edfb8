import numpy as np
import torch

from cross_correlation import corr2d


def pixelwise_linear(X, weight, bias):
    C_in, H, W = X.shape
    Y = weight @ X.reshape(C_in, -1) + bias.reshape(-1, 1)
    return Y.reshape(-1, H, W)


def corr1d(x, k):
    n, m = len(x), len(k)
    y = x.new_zeros(n - m + 1)
    for t in range(n - m + 1):
        y[t] = (x[t:t + m] * k).sum()
    return y


TRANSLATION_DRAWBACK = "position"


def receptive_field(kernel_sizes):
    r = 1
    for k in kernel_sizes:
        r += k - 1
    return r


def corr2d_same(X, K, mode="constant"):
    if mode not in ("constant", "edge", "reflect", "symmetric", "wrap"):
        raise ValueError("mode must be constant, edge, reflect, symmetric or wrap")
    p_h, p_w = K.shape[0] // 2, K.shape[1] // 2
    Xp = torch.from_numpy(np.pad(X.detach().numpy(), ((p_h, p_h), (p_w, p_w)), mode=mode))
    return corr2d(Xp, K)


def conv2d_full(X, K):
    # scatter: every input pixel adds a copy of the kernel scaled by it
    # (obviously symmetric in the roles of X and K)
    n_h, n_w = X.shape
    k_h, k_w = K.shape
    Y = X.new_zeros((n_h + k_h - 1, n_w + k_w - 1))
    for a in range(n_h):
        for b in range(n_w):
            Y[a:a + k_h, b:b + k_w] += X[a, b] * K
    return Y
