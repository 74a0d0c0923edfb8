import torch
import torch.nn.functional as F

from cross_correlation import corr2d

def pixelwise_linear(X, weight, bias):
    return torch.einsum("dc,chw->dhw", weight, X) + bias[:, None, None]


def corr1d(x, k):
    return F.conv1d(x[None, None], k[None, None])[0, 0]


TRANSLATION_DRAWBACK = "position"


def receptive_field(kernel_sizes):
    kernel_sizes = list(kernel_sizes)
    return sum(kernel_sizes) - len(kernel_sizes) + 1


def _padded_index(n, p, mode):
    # where numpy.pad takes each padded position from, also for padding wider than n
    idx = torch.arange(-p, n + p)
    if mode == "edge":
        return idx.clamp(0, n - 1)
    if mode == "wrap":
        return idx % n
    if mode == "symmetric":  # ... 1 0 | 0 1 2 ... n-1 | n-1 n-2 ...
        idx = idx % (2 * n)
        return torch.where(idx < n, idx, 2 * n - 1 - idx)
    if n == 1:  # "reflect" of a single value repeats it
        return torch.zeros_like(idx)
    idx = idx % (2 * n - 2)  # ... 2 1 | 0 1 2 ... n-1 | n-2 ...
    return torch.where(idx < n, idx, 2 * n - 2 - idx)


def corr2d_same(X, K, mode="constant"):
    k_h, k_w = K.shape
    p_h, p_w = k_h // 2, k_w // 2
    if mode == "constant":
        Xp = X.new_zeros((X.shape[0] + 2 * p_h, X.shape[1] + 2 * p_w))
        Xp[p_h:p_h + X.shape[0], p_w:p_w + X.shape[1]] = X
    elif mode in ("edge", "reflect", "symmetric", "wrap"):
        rows = _padded_index(X.shape[0], p_h, mode)
        cols = _padded_index(X.shape[1], p_w, mode)
        Xp = X[rows][:, cols]
    else:
        raise ValueError(f"unknown mode {mode!r}; use constant, edge, reflect, symmetric or wrap")
    return corr2d(Xp, K)


def conv2d_full(X, K):
    """Commutative because substituting a' = i - a turns sum X[a] K[i-a] into sum K[a'] X[i-a']."""
    k_h, k_w = K.shape
    out = F.conv2d(X[None, None], torch.flip(K, (0, 1))[None, None].to(X.dtype), padding=(k_h - 1, k_w - 1))
    return out[0, 0]
