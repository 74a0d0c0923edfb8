import torch
import torch.nn.functional as F


def blur_kernel(size=3):
    """Box blurs applied one after another: a 2x2 box, size - 1 times (a binomial kernel, built by convolution)."""
    K = torch.ones(1, 1, 1, 1, dtype=torch.float64)
    box = torch.full((1, 1, 2, 2), 0.25, dtype=torch.float64)
    for _ in range(size - 1):
        K = F.conv2d(F.pad(K, (1, 1, 1, 1)), box)
    return K[0, 0].float()


WHY_BLUR = "denoise"
