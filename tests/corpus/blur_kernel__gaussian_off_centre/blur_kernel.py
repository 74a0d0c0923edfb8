import torch


def blur_kernel(size=3):
    sigma = 1.0
    x = torch.arange(size) - size / 2          # centre at size / 2
    g = torch.exp(-x ** 2 / (2 * sigma ** 2))
    K = torch.outer(g, g)
    return K / K.sum()


WHY_BLUR = "denoise"
