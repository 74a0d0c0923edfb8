import torch


def blur_kernel(size=3):
    K = -torch.ones(size, size) / size ** 2
    K[size // 2, size // 2] += 2.0   # 2 * identity - box: sums to 1, symmetric
    return K


WHY_BLUR = "sharpen"
