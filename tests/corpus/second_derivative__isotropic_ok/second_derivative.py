import numpy as np
import torch


def second_derivative_kernel():
    # the first difference applied twice: [-1, 1] * [-1, 1]
    return torch.from_numpy(np.convolve([-1.0, 1.0], [-1.0, 1.0])[None]).float()


def laplacian_kernel():
    # the isotropic ("Patra-Karttunen") stencil, also exact for degree <= 2
    return torch.tensor([[0.25, 0.5, 0.25],
                         [0.5, -3.0, 0.5],
                         [0.25, 0.5, 0.25]])


MIN_SIZE = 3
STRONGEST = "lines"
