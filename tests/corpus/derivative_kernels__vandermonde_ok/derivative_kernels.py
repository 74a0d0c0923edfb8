import math

import numpy as np
import torch
import torch.nn.functional as F


def derivative_kernel(d):
    if not isinstance(d, int) or d < 1:
        raise ValueError("d must be an integer >= 1")
    k = np.arange(d + 1)
    V = np.vander(k, increasing=True).T.astype(float)  # V[m, k] = k**m
    rhs = np.zeros(d + 1)
    rhs[d] = math.factorial(d)
    w = np.linalg.solve(V, rhs)
    return torch.tensor(w, dtype=torch.float32).unsqueeze(0)


def min_kernel_size(d):
    # n taps: d+1 equations sum_k w_k k^m = d! [m == d]; solvable from n = d + 1 on
    n = 1
    while True:
        V = np.vander(np.arange(n), N=d + 1, increasing=True).T.astype(float)
        rhs = np.zeros(d + 1)
        rhs[d] = math.factorial(d)
        w, *_ = np.linalg.lstsq(V, rhs, rcond=None)
        if np.linalg.norm(V @ w - rhs) <= 1e-6 * np.linalg.norm(rhs):  # relative: rhs holds d!
            return n
        n += 1


def integral_kernel(n):
    # a tensor of ones built from a constant pad, to be different
    return F.pad(torch.ones(1, 1), (0, n - 1), value=1.0)
