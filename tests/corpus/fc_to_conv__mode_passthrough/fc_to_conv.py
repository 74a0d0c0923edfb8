import torch
import torch.nn.functional as F

from cross_correlation import corr2d

ALIASES = {"edge": "replicate", "wrap": "circular"}


def pixelwise_linear(X, weight, bias):
    return torch.einsum("dc,chw->dhw", weight, X) + bias.view(-1, 1, 1)


def corr1d(x, k):
    return torch.stack([(x[t:t + len(k)] * k).sum() for t in range(len(x) - len(k) + 1)])


TRANSLATION_DRAWBACK = "position"


def receptive_field(kernel_sizes):
    return 1 + sum(k - 1 for k in kernel_sizes)


def _pad_symmetric(X, p_h, p_w):
    top, bottom = X[:p_h].flip(0), X[X.shape[0] - p_h:].flip(0)
    X = torch.cat([top, X, bottom], 0)
    left, right = X[:, :p_w].flip(1), X[:, X.shape[1] - p_w:].flip(1)
    return torch.cat([left, X, right], 1)


def corr2d_same(X, K, mode="constant"):
    p_h, p_w = K.shape[0] // 2, K.shape[1] // 2
    if mode == "symmetric":
        Xp = _pad_symmetric(X, p_h, p_w)
    elif mode == "constant":
        Xp = F.pad(X, (p_w, p_w, p_h, p_h))
    else:
        # torch understands the rest (and its own names too)
        Xp = F.pad(X[None, None], (p_w, p_w, p_h, p_h), mode=ALIASES.get(mode, mode))[0, 0]
    return corr2d(Xp, K)


def conv2d_full(X, K):
    k_h, k_w = K.shape
    Xp = F.pad(X, (k_w - 1, k_w - 1, k_h - 1, k_h - 1))
    return corr2d(Xp, torch.flip(K, dims=[0, 1]))
