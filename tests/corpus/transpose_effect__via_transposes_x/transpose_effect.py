import torch

from cross_correlation import corr2d


def transposed_image_response(X, K):
    return corr2d(X.T, K)


def transposed_kernel_response(X, K):
    return corr2d(X, K.T)


def via_transposed_kernel(X, K):
    Xt = X.permute(1, 0)
    return corr2d(Xt, K)


TRANSPOSE_X = "same"
TRANSPOSE_K = "transposed"
IDENTITY = "b"
