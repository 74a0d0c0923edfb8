import torch
import torch.nn.functional as F

from cross_correlation import corr2d


def unfold(X, kernel_shape):
    # F.unfold gives (1, k_h * k_w, L); we want one window per row
    return F.unfold(X[None, None], kernel_size=tuple(kernel_shape))[0].T


def corr2d_matmul(X, K):
    out_h, out_w = X.shape[0] - K.shape[0] + 1, X.shape[1] - K.shape[1] + 1
    return torch.matmul(unfold(X, K.shape), K.flatten()).view(out_h, out_w)


def kernel_matrix(K, input_shape):
    # column p of W is the response to the image that is 1 at pixel p and 0 elsewhere
    n = input_shape[0] * input_shape[1]
    basis = torch.eye(n, dtype=K.dtype).reshape(n, *input_shape)
    return torch.stack([corr2d(e, K).reshape(-1) for e in basis], dim=1)
