import torch


def second_derivative_kernel():
    k = torch.zeros(1, 3, dtype=torch.float64)
    k[0, 0] = k[0, 2] = 1
    k[0, 1] = -2
    return k


def laplacian_kernel():
    return torch.tensor([[1.0, 4.0, 1.0], [4.0, -20.0, 4.0], [1.0, 4.0, 1.0]], dtype=torch.float64) / 6


MIN_SIZE = int(3)
STRONGEST = "lines"
