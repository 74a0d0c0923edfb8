import torch


def blur_kernel(size=3):
    if not isinstance(size, int) or size < 1:
        raise ValueError("size must be an integer >= 1")
    return torch.ones(size, size) / size ** 2


WHY_BLUR = "denoise"
