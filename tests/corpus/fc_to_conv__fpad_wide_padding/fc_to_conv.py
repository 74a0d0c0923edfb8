import torch
import torch.nn.functional as F

from cross_correlation import corr2d

TORCH_MODES = {"edge": "replicate", "reflect": "reflect", "wrap": "circular"}


def pixelwise_linear(X, weight, bias):
    return torch.einsum("dc,chw->dhw", weight, X) + bias[:, None, None]


def corr1d(x, k):
    return F.conv1d(x[None, None], k[None, None])[0, 0]


TRANSLATION_DRAWBACK = "position"


def receptive_field(kernel_sizes):
    kernel_sizes = list(kernel_sizes)
    return sum(kernel_sizes) - len(kernel_sizes) + 1


def _symmetric_index(n, p):
    # numpy's "symmetric": ... 1 0 | 0 1 2 ... n-1 | n-1 n-2 ...
    idx = torch.arange(-p, n + p)
    period = 2 * n
    idx = idx % period
    return torch.where(idx < n, idx, period - 1 - idx)


def corr2d_same(X, K, mode="constant"):
    k_h, k_w = K.shape
    p_h, p_w = k_h // 2, k_w // 2
    if mode == "constant":
        Xp = F.pad(X, (p_w, p_w, p_h, p_h))
    elif mode in TORCH_MODES:
        Xp = F.pad(X[None, None], (p_w, p_w, p_h, p_h), mode=TORCH_MODES[mode])[0, 0]
    elif mode == "symmetric":
        Xp = X[_symmetric_index(X.shape[0], p_h)][:, _symmetric_index(X.shape[1], p_w)]
    else:
        raise ValueError(f"unknown mode {mode!r}; use constant, edge, reflect, symmetric or wrap")
    return corr2d(Xp, K)


def conv2d_full(X, K):
    """Commutative because substituting a' = i - a turns sum X[a] K[i-a] into sum K[a'] X[i-a']."""
    k_h, k_w = K.shape
    out = F.conv2d(X[None, None], torch.flip(K, (0, 1))[None, None].to(X.dtype), padding=(k_h - 1, k_w - 1))
    return out[0, 0]
