import torch


def directional_edge_kernel(v):
    v_x, v_y = v
    # the section's K = [[1, -1]] detects change along x; [[1], [-1]] along y
    K = torch.zeros(2, 2)
    K[0, 0] += v_x
    K[0, 1] -= v_x
    K[0, 0] += v_y
    K[1, 0] -= v_y
    return K
