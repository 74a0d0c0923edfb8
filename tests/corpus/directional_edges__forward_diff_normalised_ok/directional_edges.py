import math

import torch


def directional_edge_kernel(v):
    v_x, v_y = v
    n = math.hypot(v_x, v_y)
    u_x, u_y = v_x / n, v_y / n          # unit direction
    # forward differences: u_x * (f[i, j+1] - f[i, j]) + u_y * (f[i+1, j] - f[i, j])
    return torch.tensor([[-u_x - u_y, u_x],
                         [u_y, 0.0]], dtype=torch.float64)
