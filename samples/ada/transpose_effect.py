import torch

from cross_correlation import corr2d


def transposed_image_response(X, K):
    return corr2d(X.t(), K)


def transposed_kernel_response(X, K):
    return corr2d(X, torch.transpose(K, 0, 1))


def via_transposed_kernel(X, K):
    # corr2d(X.T, K)[i, j] = sum_ab K[a, b] X[j + b, i + a] = corr2d(X, K.T)[j, i]
    return transposed_kernel_response(X, K).transpose(0, 1)


TRANSPOSE_X = "same"
TRANSPOSE_K = "transposed"
IDENTITY = "b"
