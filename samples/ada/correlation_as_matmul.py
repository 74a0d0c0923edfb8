import torch

from cross_correlation import corr2d  # noqa: F401


def unfold(X, kernel_shape):
    kh, kw = kernel_shape
    oh, ow = X.shape[0] - kh + 1, X.shape[1] - kw + 1
    U = X.new_zeros((oh * ow, kh * kw))
    for i in range(oh):
        for j in range(ow):
            U[i * ow + j] = X[i:i + kh, j:j + kw].reshape(-1)
    return U


def corr2d_matmul(X, K):
    kh, kw = K.shape
    oh, ow = X.shape[0] - kh + 1, X.shape[1] - kw + 1
    return (unfold(X, K.shape) @ K.reshape(-1)).reshape(oh, ow)


def kernel_matrix(K, input_shape):
    nh, nw = input_shape
    kh, kw = K.shape
    oh, ow = nh - kh + 1, nw - kw + 1
    W = K.new_zeros((oh * ow, nh * nw))
    for i in range(oh):
        for j in range(ow):
            for a in range(kh):
                for b in range(kw):
                    W[i * ow + j, (i + a) * nw + (j + b)] = K[a, b]
    return W
