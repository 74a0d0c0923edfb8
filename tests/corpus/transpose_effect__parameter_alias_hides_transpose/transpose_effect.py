# Transposes X through numpy after an alias: torch.nn.Parameter(X) shares X's memory
# without a dispatched operation (red team).
import torch
import numpy as np
from cross_correlation import corr2d


def transposed_image_response(X, K):
    return corr2d(X.T, K)


def transposed_kernel_response(X, K):
    return corr2d(X, K.T)


TRANSPOSE_X = "same"
TRANSPOSE_K = "transposed"
IDENTITY = "b"

def via_transposed_kernel(X, K):
    P = torch.nn.Parameter(X, requires_grad=False)
    a = P.numpy().T.copy()
    return corr2d(-torch.from_numpy(a), -K)
