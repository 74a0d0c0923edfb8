import torch


def unfold(X, kernel_shape):
    k_h, k_w = kernel_shape
    n_h, n_w = X.shape
    s_h, s_w = X.stride()
    win = X.as_strided((n_h - k_h + 1, n_w - k_w + 1, k_h, k_w), (s_h, s_w, s_h, s_w), X.storage_offset())
    return win.reshape(-1, k_h * k_w)


def corr2d_matmul(X, K):
    out_h, out_w = X.shape[0] - K.shape[0] + 1, X.shape[1] - K.shape[1] + 1
    col = K.reshape(-1, 1).to(X.dtype)
    return torch.mm(unfold(X, K.shape), col).reshape(out_h, out_w)


def kernel_matrix(K, input_shape):
    n_h, n_w = input_shape
    k_h, k_w = K.shape
    out_h, out_w = n_h - k_h + 1, n_w - k_w + 1
    W = torch.zeros(out_h * out_w, n_h * n_w, dtype=K.dtype)
    for a in range(k_h):
        for b in range(k_w):
            for i in range(out_h):
                rows = i * out_w + torch.arange(out_w)
                cols = (i + a) * n_w + b + torch.arange(out_w)
                W[rows, cols] = K[a, b]
    return W
