import torch


def unfold(X, kernel_shape):
    kh, kw = kernel_shape
    oh, ow = X.shape[0] - kh + 1, X.shape[1] - kw + 1
    U = torch.zeros((oh * ow, kh * kw))
    for r in range(oh * ow):
        i, j = r // ow, r % ow
        U[r] = X[i:i + kh, j:j + kw].reshape(-1)
    return U


def corr2d_matmul(X, K):
    oh, ow = X.shape[0] - K.shape[0] + 1, X.shape[1] - K.shape[1] + 1
    return (unfold(X, K.shape) @ K.reshape(-1).float()).reshape(oh, ow)


def kernel_matrix(K, input_shape):
    nh, nw = input_shape
    kh, kw = K.shape
    oh, ow = nh - kh + 1, nw - kw + 1
    W = torch.zeros((oh * ow, nh * nw))
    for i in range(oh):
        for j in range(ow):
            for a in range(kh):
                for b in range(kw):
                    W[i * ow + j, (i + a) * nw + (j + b)] = K[a, b]
    return W
