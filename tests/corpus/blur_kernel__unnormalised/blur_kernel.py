import torch


def blur_kernel(size=3):
    # average of the neighbourhood
    return torch.ones((size, size))


WHY_BLUR = "denoise"
