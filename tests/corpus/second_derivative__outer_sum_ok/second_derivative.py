import torch


def second_derivative_kernel():
    return torch.tensor([[1.0, -2.0, 1.0]])


def laplacian_kernel():
    d2 = torch.tensor([1.0, -2.0, 1.0])
    centre = torch.tensor([0.0, 1.0, 0.0])
    return torch.outer(centre, d2) + torch.outer(d2, centre)    # f_xx + f_yy


MIN_SIZE = 3
STRONGEST = "lines"
