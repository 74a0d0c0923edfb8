import torch

from cross_correlation import corr2d


def pixelwise_linear(X, weight, bias):
    C_in, H, W = X.shape
    Y = torch.zeros(weight.shape[0], H, W)
    for i in range(H):
        for j in range(W):
            Y[:, i, j] = weight @ X[:, i, j] + bias
    return Y


def corr1d(x, k):
    y = torch.zeros(len(x) - len(k) + 1)
    for t in range(len(y)):
        y[t] = (x[t:t + len(k)] * k).sum()
    return y


TRANSLATION_DRAWBACK = "position"


def receptive_field(kernel_sizes):
    return 1 + sum(k - 1 for k in kernel_sizes)


def corr2d_same(X, K, mode="constant"):
    import numpy as np
    if mode not in ("constant", "edge", "reflect", "symmetric", "wrap"):
        raise ValueError("bad mode")
    p_h, p_w = K.shape[0] // 2, K.shape[1] // 2
    if mode == "constant":
        Xp = torch.zeros(X.shape[0] + 2 * p_h, X.shape[1] + 2 * p_w)
        Xp[p_h:p_h + X.shape[0], p_w:p_w + X.shape[1]] = X
    else:
        Xp = torch.tensor(np.pad(X.numpy(), ((p_h, p_h), (p_w, p_w)), mode=mode))
    return corr2d(Xp, K)


def conv2d_full(X, K):
    k_h, k_w = K.shape
    Xp = torch.zeros(X.shape[0] + 2 * (k_h - 1), X.shape[1] + 2 * (k_w - 1))
    Xp[k_h - 1:k_h - 1 + X.shape[0], k_w - 1:k_w - 1 + X.shape[1]] = X
    return corr2d(Xp, torch.flip(K, (0, 1)).float())
