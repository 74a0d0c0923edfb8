from math import comb

import torch


def derivative_kernel(d):
    return torch.tensor([[(-1.0) ** (d - k) * comb(d, k) for k in range(d + 1)]])


def min_kernel_size(d):
    return d + 1


def integral_kernel(n):
    # the average over the window
    return torch.full((1, n), 1.0 / n)
