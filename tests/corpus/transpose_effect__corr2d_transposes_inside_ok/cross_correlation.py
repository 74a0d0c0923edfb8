import torch


def _correlate(X, K):
    h, w = K.shape
    Y = X.new_zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + h, j:j + w] * K).sum()
    return Y


def corr2d(X, K):
    # correct, and it transposes X inside: corr2d(X, K) = corr2d(X.T, K.T).T
    return _correlate(X.T, K.T).T
