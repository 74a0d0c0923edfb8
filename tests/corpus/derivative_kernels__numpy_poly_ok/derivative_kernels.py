import numpy as np
import torch


def derivative_kernel(d):
    # the weights of the d-th difference are the coefficients of (x - 1)^d, lowest power first
    coeffs = np.poly(np.ones(d))[::-1].copy()
    return torch.from_numpy(coeffs).reshape(1, -1)


def min_kernel_size(d):
    return int(np.int64(d) + 1)


def integral_kernel(n):
    return torch.from_numpy(np.ones((1, n)))
