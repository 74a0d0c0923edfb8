import torch


def unfold(X, kernel_shape):
    kh, kw = kernel_shape
    rows = []
    for i in range(X.shape[0] - kh + 1):
        for j in range(X.shape[1] - kw + 1):
            rows.append(X[i:i + kh, j:j + kw].T.flatten())
    return torch.stack(rows)


def corr2d_matmul(X, K):
    out_h, out_w = X.shape[0] - K.shape[0] + 1, X.shape[1] - K.shape[1] + 1
    return (unfold(X, K.shape) @ K.T.flatten()).reshape(out_h, out_w)


def kernel_matrix(K, input_shape):
    n_h, n_w = input_shape
    k_h, k_w = K.shape
    out_h, out_w = n_h - k_h + 1, n_w - k_w + 1
    W = K.new_zeros(out_h * out_w, n_h * n_w)
    for i in range(out_h):
        for j in range(out_w):
            for a in range(k_h):
                for b in range(k_w):
                    W[i * out_w + j, (i + a) * n_w + j + b] = K[a, b]
    return W
