import torch

DX = torch.tensor([[0.0, 0.0, 0.0], [-0.5, 0.0, 0.5], [0.0, 0.0, 0.0]])
DY = DX.T


def directional_edge_kernel(v):
    # v indexes the tensor like X[i, j]: first component along the rows
    return v[0] * DY + v[1] * DX
