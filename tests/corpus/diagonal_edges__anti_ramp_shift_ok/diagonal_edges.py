import numpy as np
import torch

EDGE_KERNEL = torch.tensor([[1.0, -1.0]])


def diagonal_image(n=8):
    i, j = np.indices((n, n))
    return torch.from_numpy(((i + j) >= n - 1).astype(np.float32))   # anti-diagonal edge: only i + j


def edge_response(X):
    return X[:, :-1] - X[:, 1:]        # 1 * X[i, j] + (-1) * X[i, j + 1]


APPLY_K = "diagonal"
