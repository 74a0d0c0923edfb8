import torch
import torch.nn.functional as F


def corr2d(X, K):
    """Row a of K slides along rows a .. a + out_h - 1 of X; add the k_h 1-D correlations up."""
    k_h = K.shape[0]
    out_h = X.shape[0] - k_h + 1
    Y = 0
    for a in range(k_h):
        rows = X[a:a + out_h].unsqueeze(1)                  # (out_h, 1, n_w): a batch of signals
        Y = Y + F.conv1d(rows, K[a].reshape(1, 1, -1).to(X.dtype)).squeeze(1)
    return Y
