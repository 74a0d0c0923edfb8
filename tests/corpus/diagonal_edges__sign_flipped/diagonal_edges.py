import torch

from cross_correlation import corr2d

EDGE_KERNEL = torch.tensor([[1.0, -1.0]])


def diagonal_image(n=8):
    return torch.triu(torch.ones(n, n))


def edge_response(X):
    # right neighbour minus pixel: the forward difference
    return X[:, 1:] - X[:, :-1]


APPLY_K = "diagonal"
