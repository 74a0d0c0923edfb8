import torch

from cross_correlation import corr2d

EDGE_KERNEL = torch.tensor([[1.0, -1.0]])


def diagonal_image(n=8):
    # the chapter's picture: white, with a black band in the middle
    X = torch.ones((n, n))
    X[:, n // 4: 3 * n // 4] = 0
    return X


def edge_response(X):
    return corr2d(X, EDGE_KERNEL)


APPLY_K = "diagonal"
