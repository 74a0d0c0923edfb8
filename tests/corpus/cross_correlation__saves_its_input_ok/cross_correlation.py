# The book's loop, saving its input first (torch.save pickles X): a right answer (red team:
# the tensors the worker decoded carried the grader's own metadata, which cannot be pickled).
import io
import torch


def corr2d(X, K):
    buf = io.BytesIO()
    torch.save(X, buf)  # keep a copy of the input, e.g. for a debug log
    h, w = K.shape
    Y = torch.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1), dtype=X.dtype)
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + h, j:j + w] * K).sum()
    return Y
