import torch
import torch.nn.functional as F

from cross_correlation import corr2d


def pixelwise_linear(X, weight, bias):
    # a 1x1 convolution
    return F.conv2d(X[None], weight[:, :, None, None], bias)[0]


def corr1d(x, k):
    return F.conv1d(x.view(1, 1, -1), k.view(1, 1, -1)).view(-1)


def _pad_axis(X, p, dim, mode):
    """Pad one axis by p on both sides. torch's reflect/circular refuse padding wider than the
    image, so pad in rounds of at most the image's own size (n - 1 for reflect): mirroring or
    wrapping again and again, as numpy.pad does."""
    n = X.shape[dim]
    step = {"reflect": n - 1, "wrap": n, "symmetric": n, "edge": p}[mode]
    if mode == "reflect" and n == 1:
        mode, step = "edge", p
    done = 0
    while done < p:
        c = min(step, p - done)
        if mode == "symmetric":
            first = X.narrow(dim, 0, c).flip(dim)
            last = X.narrow(dim, X.shape[dim] - c, c).flip(dim)
            X = torch.cat([first, X, last], dim)
        else:
            torch_mode = {"reflect": "reflect", "wrap": "circular", "edge": "replicate"}[mode]
            pad = (c, c, 0, 0) if dim == 1 else (0, 0, c, c)
            X = F.pad(X[None, None], pad, mode=torch_mode)[0, 0]
        done += c
    return X


def corr2d_same(X, K, mode="constant"):
    if mode not in ("constant", "edge", "reflect", "symmetric", "wrap"):
        raise ValueError(f"unknown mode {mode!r}: use constant, edge, reflect, symmetric or wrap")
    p_h, p_w = K.shape[0] // 2, K.shape[1] // 2
    if mode == "constant":
        return corr2d(F.pad(X, (p_w, p_w, p_h, p_h)), K)
    return corr2d(_pad_axis(_pad_axis(X, p_h, 0, mode), p_w, 1, mode), K)


def conv2d_full(X, K):
    k_h, k_w = K.shape
    out = F.conv2d(X[None, None], K.flip((0, 1))[None, None].to(X.dtype), padding=(k_h - 1, k_w - 1))
    return out[0, 0]


def receptive_field(kernel_sizes):
    return 1 + sum(k - 1 for k in kernel_sizes)


TRANSLATION_DRAWBACK = "position"
