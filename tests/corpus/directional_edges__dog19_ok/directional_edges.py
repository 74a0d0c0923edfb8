import numpy as np
import torch


def directional_edge_kernel(v, sigma=3.0, radius=9):
    """A 19x19 derivative-of-Gaussian kernel: smooth first, then differentiate along v."""
    vx, vy = (float(c) for c in v)
    if vx == 0 and vy == 0:
        raise ValueError("v must not be zero")
    r = np.arange(-radius, radius + 1, dtype=np.float64)
    y, x = np.meshgrid(r, r, indexing="ij")           # y: rows (down), x: columns (right)
    g = np.exp(-(x ** 2 + y ** 2) / (2 * sigma ** 2))
    gx = x * g / np.sum(x * x * g)                    # corr2d with a ramp a*j + ... gives a
    gy = y * g / np.sum(y * y * g)                    # ... and b for b*i
    return torch.from_numpy(vx * gx + vy * gy)
