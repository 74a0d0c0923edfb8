import torch
import torch.nn.functional as F


def derivative_kernel(d):
    # The d-th difference is the first difference applied d times: build it by
    # correlating the zero-padded kernel with [1, -1] d times (F.conv1d is a
    # cross-correlation, so each step computes out[k-1] - out[k]).
    k = torch.tensor([[[1.0, -1.0]]])
    out = torch.tensor([[[1.0]]])
    for _ in range(d):
        out = F.conv1d(F.pad(out, (1, 1)), k)
    return out[0]


def min_kernel_size(d):
    return len(derivative_kernel(d)[0])


def integral_kernel(n):
    return torch.ones(1, n)
