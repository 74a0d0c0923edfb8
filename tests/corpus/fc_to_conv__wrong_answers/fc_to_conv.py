import numpy as np
import torch
from scipy.signal import convolve2d

from cross_correlation import corr2d


def pixelwise_linear(X, weight, bias):
    C_in, H, W = X.shape
    return (weight @ X.reshape(C_in, H * W)).reshape(-1, H, W) + bias.reshape(-1, 1, 1)


def corr1d(x, k):
    # "audio convolution"
    return torch.from_numpy(np.convolve(x.numpy(), k.numpy(), mode="valid"))


TRANSLATION_DRAWBACK = "more_parameters"


def receptive_field(kernel_sizes):
    # each layer sees k more positions
    return sum(kernel_sizes)


def corr2d_same(X, K, mode="constant"):
    if mode not in ("constant", "edge", "reflect", "symmetric", "wrap"):
        raise ValueError("bad mode")
    p = ((K.shape[0] // 2,) * 2, (K.shape[1] // 2,) * 2)
    return corr2d(torch.from_numpy(np.pad(X.numpy(), p, mode=mode)), K)


def conv2d_full(X, K):
    return torch.from_numpy(convolve2d(X.numpy(), K.numpy(), mode="full"))
