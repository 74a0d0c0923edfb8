import torch


def second_derivative_kernel():
    # f(x-1) - 2 f(x) + f(x+1), written out by hand
    return torch.tensor([[1.0, -2.0, 1.0]])


def laplacian_kernel():
    # the isotropic 9-point stencil (Oono-Puri / "Mehrstellen" style)
    return torch.tensor([[1.0, 4.0, 1.0],
                         [4.0, -20.0, 4.0],
                         [1.0, 4.0, 1.0]]) / 6


MIN_SIZE = 3
STRONGEST = "lines"
