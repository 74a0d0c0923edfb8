import torch

from cross_correlation import corr2d


def transposed_image_response(X, K):
    return corr2d(X.T, K)


def transposed_kernel_response(X, K):
    return corr2d(X, K.T)


def via_transposed_kernel(X, K):
    # read X with swapped indices instead of building X.T
    kh, kw = K.shape
    n_h, n_w = X.shape
    Y = X.new_zeros((n_w - kh + 1, n_h - kw + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[j:j + kw, i:i + kh] * K.T).sum()
    return Y


TRANSPOSE_X = "same"
TRANSPOSE_K = "transposed"
IDENTITY = "b"
