import torch


def second_derivative_kernel():
    return torch.tensor([[1, -2, 1]])


def laplacian_kernel():
    return torch.tensor([[0, 1, 0], [1, -4, 1], [0, 1, 0]])


MIN_SIZE = 3
STRONGEST = "lines"
