import torch


def directional_edge_kernel(v):
    gx = torch.tensor([[-1.0, 0.0, 1.0],
                       [-2.0, 0.0, 2.0],
                       [-1.0, 0.0, 1.0]])
    # y axis pointing up, as in a maths textbook
    gy = torch.tensor([[1.0, 2.0, 1.0],
                       [0.0, 0.0, 0.0],
                       [-1.0, -2.0, -1.0]])
    return v[0] * gx + v[1] * gy
