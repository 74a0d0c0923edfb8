import torch

from cross_correlation import corr2d

EDGE_KERNEL = torch.tensor([[1.0, -1.0]])


def diagonal_image(n=8):
    # ones on and above the diagonal: the value depends only on j - i
    return torch.triu(torch.ones(n, n))


def edge_response(X):
    return corr2d(X, EDGE_KERNEL.to(X.dtype))


APPLY_K = "diagonal"
