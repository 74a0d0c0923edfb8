import torch


def directional_edge_kernel(v):
    v_x, v_y = v
    # one difference per component, stacked as rows
    return torch.tensor([[-v_x, v_x],
                         [-v_y, v_y]])
