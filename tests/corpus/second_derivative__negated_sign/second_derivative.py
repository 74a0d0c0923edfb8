import torch


def second_derivative_kernel():
    # the "edge detection" convention with a positive centre
    return torch.tensor([[-1.0, 2.0, -1.0]])


def laplacian_kernel():
    return torch.tensor([[0.0, -1.0, 0.0],
                         [-1.0, 4.0, -1.0],
                         [0.0, -1.0, 0.0]])


MIN_SIZE = 3
STRONGEST = "lines"
