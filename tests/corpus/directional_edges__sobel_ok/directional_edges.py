import torch

SOBEL_X = torch.tensor([[-1.0, 0.0, 1.0],
                        [-2.0, 0.0, 2.0],
                        [-1.0, 0.0, 1.0]])
SOBEL_Y = SOBEL_X.T  # bottom row minus top row: y grows downwards


def directional_edge_kernel(v):
    v_x, v_y = (float(c) for c in v)
    if v_x == 0 and v_y == 0:
        raise ValueError("v must not be zero")
    return v_x * SOBEL_X + v_y * SOBEL_Y
