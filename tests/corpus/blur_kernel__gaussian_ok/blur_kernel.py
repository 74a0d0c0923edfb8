import math

import torch


def blur_kernel(size=3):
    sigma = max(size / 4, 0.5)
    x = torch.arange(size, dtype=torch.float32) - (size - 1) / 2
    xx, yy = torch.meshgrid(x, x, indexing="ij")
    K = torch.exp(-(xx ** 2 + yy ** 2) / (2 * sigma ** 2)) / (2 * math.pi * sigma ** 2)
    return K / K.sum()


WHY_BLUR = "denoise"
