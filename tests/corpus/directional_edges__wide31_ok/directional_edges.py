import torch


def directional_edge_kernel(v):
    """Central difference over 30 pixels, in a 31x31 kernel (the largest allowed)."""
    vx, vy = float(v[0]), float(v[1])
    if vx == 0 and vy == 0:
        raise ValueError("v = (0, 0) has no direction")
    K = torch.zeros(31, 31)
    K[15, 30] += vx / 30
    K[15, 0] -= vx / 30
    K[30, 15] += vy / 30
    K[0, 15] -= vy / 30
    return K
