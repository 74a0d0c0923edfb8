import torch

from cross_correlation import corr2d


def unfold(X, kernel_shape):
    k_h, k_w = kernel_shape
    out_h, out_w = X.shape[0] - k_h + 1, X.shape[1] - k_w + 1
    rows = [X[i:i + k_h, j:j + k_w].flatten() for i in range(out_h) for j in range(out_w)]
    return torch.stack(rows)


def corr2d_matmul(X, K):
    out_h, out_w = X.shape[0] - K.shape[0] + 1, X.shape[1] - K.shape[1] + 1
    return torch.matmul(unfold(X, K.shape), K.flatten().to(X.dtype)).view(out_h, out_w)


def kernel_matrix(K, input_shape):
    """Column p of W is the response to the image with a single 1 at pixel p."""
    n_h, n_w = input_shape
    columns = []
    for p in range(n_h * n_w):
        E = torch.zeros(n_h * n_w, dtype=K.dtype)
        E[p] = 1
        columns.append(corr2d(E.reshape(n_h, n_w), K).reshape(-1))
    return torch.stack(columns, dim=1)
