import torch
import torch.nn.functional as F

from cross_correlation import corr2d

# numpy name -> torch name
MODES = {"constant": "constant", "edge": "replicate", "reflect": "reflect",
         "symmetric": "reflect", "wrap": "circular"}


def pixelwise_linear(X, weight, bias):
    return torch.tensordot(weight, X, dims=1) + bias[:, None, None]


def corr1d(x, k):
    return x.unfold(0, len(k), 1) @ k


TRANSLATION_DRAWBACK = "position"


def receptive_field(kernel_sizes):
    return 1 + sum(k - 1 for k in kernel_sizes)


def corr2d_same(X, K, mode="constant"):
    if mode not in MODES:
        raise ValueError(f"mode must be one of {list(MODES)}")
    p_h, p_w = K.shape[0] // 2, K.shape[1] // 2
    Xp = F.pad(X[None, None], (p_w, p_w, p_h, p_h), mode=MODES[mode])[0, 0]
    return corr2d(Xp, K)


def conv2d_full(X, K):
    k_h, k_w = K.shape
    Xp = F.pad(X, (k_w - 1, k_w - 1, k_h - 1, k_h - 1))
    return corr2d(Xp, K.flip(0).flip(1))
