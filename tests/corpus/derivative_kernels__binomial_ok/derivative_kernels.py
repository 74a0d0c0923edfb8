from math import comb

import torch


def derivative_kernel(d):
    # d-th forward difference: sum_k (-1)^(d-k) C(d, k) f(x + k)
    return torch.tensor([[(-1.0) ** (d - k) * comb(d, k) for k in range(d + 1)]])


def min_kernel_size(d):
    return d + 1


def integral_kernel(n):
    return torch.ones((1, n))
