"""The same at import time: the exercise is still graded (the bound stops the writing, not the grading)."""
import pathlib
import tempfile

import torch

EDGE_KERNEL = torch.tensor([[1.0, -1.0]])
APPLY_K = "diagonal"

for _i in range(768):
    try:
        pathlib.Path(tempfile.gettempdir(), f"import-fill-{_i}").write_bytes(b"x" * (4 << 20))
    except OSError:
        break


def diagonal_image(n=8):
    return torch.eye(n)


def edge_response(X):
    h, w = EDGE_KERNEL.shape
    Y = torch.zeros(X.shape[0] - h + 1, X.shape[1] - w + 1, dtype=X.dtype)
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + h, j:j + w] * EDGE_KERNEL).sum()
    return Y
