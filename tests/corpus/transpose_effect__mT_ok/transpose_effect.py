import torch

from cross_correlation import corr2d


def transposed_image_response(X, K):
    return corr2d(X.mT, K)


def transposed_kernel_response(X, K):
    return corr2d(X, K.mT)


def via_transposed_kernel(X, K):
    # corr2d(X.T, K)[i, j] = sum K[a, b] X[j + b, i + a] = corr2d(X, K.T)[j, i]
    return corr2d(X, K.mT).mT


TRANSPOSE_X = "same"
TRANSPOSE_K = "transposed"
IDENTITY = "b"
