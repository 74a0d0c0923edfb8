import torch

from cross_correlation import corr2d

EDGE_KERNEL = torch.tensor([[1.0, -1.0]])


def diagonal_image(n=8):
    # bright above the anti-diagonal, dark below: depends only on i + j
    i = torch.arange(n).reshape(-1, 1)
    j = torch.arange(n).reshape(1, -1)
    return (i + j < n - 1).to(torch.float64) * 255.0


def edge_response(X):
    return corr2d(X, EDGE_KERNEL.to(X.dtype))


APPLY_K = "diagonal"
