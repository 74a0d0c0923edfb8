import torch


def second_derivative_kernel():
    return torch.tensor([[1.0, -2.0, 1.0]])


def laplacian_kernel():
    return torch.tensor([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]])


# "[[1, -1]] twice": a 2-tap kernel applied twice
MIN_SIZE = 2
STRONGEST = "steps"
