import numpy as np
import scipy.signal
import torch


def blur_kernel(size=3):
    g = scipy.signal.windows.gaussian(size, std=size / 4)
    K = np.outer(g, g)
    return torch.tensor(K / K.sum(), dtype=torch.float32)


WHY_BLUR = "denoise"
