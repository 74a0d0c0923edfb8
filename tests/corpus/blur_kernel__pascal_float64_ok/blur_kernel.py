from math import comb

import torch


def blur_kernel(size=3):
    row = torch.tensor([comb(size - 1, k) for k in range(size)], dtype=torch.float64)
    K = torch.zeros(size, size, dtype=torch.float64)
    for i in range(size):
        for j in range(size):
            K[i, j] = row[i] * row[j]
    return K / K.sum()


WHY_BLUR = "denoise"
