import torch


def derivative_kernel(d):
    """Difference the kernel d times: each pass turns w into [0, w] - [w, 0]."""
    w = [1.0]
    for _ in range(d):
        w = [b - a for a, b in zip(w + [0.0], [0.0] + w)]
    return torch.tensor(w).unsqueeze(0)


def min_kernel_size(d):
    size = 1
    for _ in range(d):
        size += 1
    return size


def integral_kernel(n):
    return torch.ones(n).reshape(1, n)
