import torch

from cross_correlation import corr2d

EDGE_KERNEL = torch.tensor([[1.0, -1.0]])


def diagonal_image(n=8):
    X = torch.zeros(8, 8)
    for i in range(8):
        X[i, :i + 1] = 1
    return X


def edge_response(X):
    return corr2d(X, EDGE_KERNEL)


APPLY_K = "diagonal"
