import torch


def blur_kernel(size=3):
    return torch.ones(size, size) / size


WHY_BLUR = "denoise"
