import math

import torch


def derivative_kernel(d):
    # forward difference of order d: sum_k (-1)^(d - k) C(d, k) f(j + k)
    return torch.tensor([[(-1) ** (d - k) * math.comb(d, k) for k in range(d + 1)]], dtype=torch.float32)


def min_kernel_size(d):
    return d + 1


def integral_kernel(n):
    return torch.full((1, n), 1.0)
