import numpy as np
import torch


def directional_edge_kernel(v, sigma=2.0):
    """Derivative of Gaussian on a 15x11 grid, without normalising: x and y get different scales."""
    vx, vy = (float(c) for c in v)
    if vx == 0 and vy == 0:
        raise ValueError("v must not be zero")
    y, x = np.meshgrid(np.arange(-7.0, 8.0), np.arange(-5.0, 6.0), indexing="ij")
    g = np.exp(-(x ** 2 + y ** 2) / (2 * sigma ** 2))
    return torch.from_numpy(vx * x * g + vy * y * g).float()
