import torch

from cross_correlation import corr2d


def transposed_image_response(X, K):
    return corr2d(torch.transpose(X, 0, 1), K)


def transposed_kernel_response(X, K):
    return corr2d(X, torch.transpose(K, 0, 1))


def via_transposed_kernel(X, K):
    Y = corr2d(X, torch.transpose(K, 0, 1))
    return torch.transpose(Y, 0, 1)


TRANSPOSE_X = "same"
TRANSPOSE_K = "transposed"
IDENTITY = "b"
