import numpy as np
import torch

SCHARR_X = np.array([[-3, 0, 3], [-10, 0, 10], [-3, 0, 3]], dtype=np.float32) / 32


def directional_edge_kernel(v):
    v = np.asarray(v, dtype=np.float32).reshape(-1)
    if v.shape != (2,) or not v.any():
        raise ValueError("v must be two numbers, not both zero")
    # Scharr: f_x from SCHARR_X, f_y (rows grow downwards) from its transpose
    return torch.from_numpy(v[0] * SCHARR_X + v[1] * SCHARR_X.T)
