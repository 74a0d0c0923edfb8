from math import comb

import torch


def derivative_kernel(d):
    return torch.tensor([[(-1.0) ** (d - k) * comb(d, k) for k in range(d + 1)]])


def min_kernel_size(d):
    # one tap per derivative
    return d


def integral_kernel(n):
    return torch.ones(1, n)
