import torch


def directional_edge_kernel(v):
    """5x5 Prewitt-like kernel: average across, least-squares slope along each axis."""
    vx, vy = (float(c) for c in v)
    if vx == 0 and vy == 0:
        raise ValueError("need a non-zero direction")
    slope = torch.arange(-2.0, 3.0) / 10.0      # sum(slope * t) = 1 for t = -2..2
    mean = torch.full((5,), 1 / 5)
    dx = torch.outer(mean, slope)                # rows averaged, change along columns
    dy = torch.outer(slope, mean)                # change along rows (downwards)
    return vx * dx + vy * dy
