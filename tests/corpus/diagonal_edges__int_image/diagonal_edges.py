import torch

from cross_correlation import corr2d

EDGE_KERNEL = torch.tensor([[1.0, -1.0]])


def diagonal_image(n=8):
    return torch.tensor([[1 if i >= j else 0 for j in range(n)] for i in range(n)])


def edge_response(X):
    return corr2d(X, EDGE_KERNEL)


APPLY_K = "diagonal"
