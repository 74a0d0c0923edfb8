import numpy as np
import torch
from numpy.lib.stride_tricks import sliding_window_view


def unfold(X, kernel_shape):
    # which pixel each window entry reads: unfold an image of pixel numbers, then gather
    n_h, n_w = X.shape
    index = torch.arange(n_h * n_w).reshape(n_h, n_w)
    idx = index.unfold(0, kernel_shape[0], 1).unfold(1, kernel_shape[1], 1)
    return X.reshape(-1)[idx.reshape(-1, kernel_shape[0] * kernel_shape[1])]


def corr2d_matmul(X, K):
    out_h, out_w = X.shape[0] - K.shape[0] + 1, X.shape[1] - K.shape[1] + 1
    return (unfold(X, K.shape) @ K.reshape(-1).to(X.dtype)).reshape(out_h, out_w)


def kernel_matrix(K, input_shape):
    n_h, n_w = input_shape
    k_h, k_w = K.shape
    pix = sliding_window_view(np.arange(n_h * n_w).reshape(n_h, n_w), (k_h, k_w)).reshape(-1, k_h * k_w)
    W = np.zeros((pix.shape[0], n_h * n_w))
    W[np.arange(pix.shape[0])[:, None], pix] = K.detach().numpy().reshape(1, -1)
    return torch.from_numpy(W).to(K.dtype)
