import torch
import torch.nn.functional as F


def unfold(X, kernel_shape):
    return F.unfold(X[None, None], kernel_size=tuple(kernel_shape))[0]


def corr2d_matmul(X, K):
    out_h, out_w = X.shape[0] - K.shape[0] + 1, X.shape[1] - K.shape[1] + 1
    return (K.reshape(1, -1) @ unfold(X, K.shape)).reshape(out_h, out_w)


def kernel_matrix(K, input_shape):
    n_h, n_w = input_shape
    k_h, k_w = K.shape
    out_h, out_w = n_h - k_h + 1, n_w - k_w + 1
    W = K.new_zeros(out_h * out_w, n_h * n_w)
    for r in range(out_h * out_w):
        i, j = divmod(r, out_w)
        for a in range(k_h):
            W[r, (i + a) * n_w + j:(i + a) * n_w + j + k_w] = K[a]
    return W
