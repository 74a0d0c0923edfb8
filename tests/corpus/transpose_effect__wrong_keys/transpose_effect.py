import torch

from cross_correlation import corr2d


def transposed_image_response(X, K):
    return corr2d(X.T, K)


def transposed_kernel_response(X, K):
    return corr2d(X, K.T)


def via_transposed_kernel(X, K):
    return corr2d(X, K.T).T


# transposing the image transposes the edge map, transposing the kernel finds nothing
TRANSPOSE_X = "transposed"
TRANSPOSE_K = "zero"
IDENTITY = "a"
