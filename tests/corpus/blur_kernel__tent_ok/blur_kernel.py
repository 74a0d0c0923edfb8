import torch


def blur_kernel(size=3):
    """A tent (triangle) filter: weights fall off linearly from the centre."""
    r = (size - 1) / 2
    t = r + 1 - (torch.arange(size, dtype=torch.float32) - r).abs()
    K = torch.outer(t, t)
    return K / K.sum()


WHY_BLUR = "denoise"
