import torch
import torch.nn.functional as F

EDGE_KERNEL = torch.tensor([[1.0, -1.0]])


def diagonal_image(n=8):
    i = torch.arange(n).reshape(-1, 1)
    j = torch.arange(n).reshape(1, -1)
    return (i - j).abs().float()        # distance from the diagonal: depends only on i - j


def edge_response(X):
    # cross-correlation with [[1, -1]] is a difference of neighbouring columns
    return F.conv2d(X[None, None], EDGE_KERNEL.to(X.dtype)[None, None])[0, 0]


APPLY_K = "diagonal"
