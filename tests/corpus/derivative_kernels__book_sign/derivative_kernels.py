from math import comb

import torch


def derivative_kernel(d):
    # generalise the section's [[1, -1]]: binomial coefficients with alternating signs
    return torch.tensor([[(-1.0) ** k * comb(d, k) for k in range(d + 1)]])


def min_kernel_size(d):
    return d + 1


def integral_kernel(n):
    return torch.ones(1, n)
