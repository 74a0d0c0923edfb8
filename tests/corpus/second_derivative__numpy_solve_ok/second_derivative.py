import numpy as np
import torch

# exactness on 1, x, x^2 at the points 0, 1, 2
V = np.vander(np.arange(3), increasing=True).T   # V[m, k] = k**m
w = np.linalg.solve(V, np.array([0.0, 0.0, 2.0]))


def second_derivative_kernel():
    return torch.from_numpy(w).float().reshape(1, 3)


def laplacian_kernel():
    # another valid 9-point stencil: all eight neighbours
    K = torch.ones(3, 3)
    K[1, 1] = -8
    return K / 3


MIN_SIZE = int(len(w))
STRONGEST = "lines"
