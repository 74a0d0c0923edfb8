# As transpose_effect__dlpack_hides_transpose, with torch.to_dlpack bound when the module is imported.
import torch
from torch import to_dlpack as export

from cross_correlation import corr2d


def transposed_image_response(X, K):
    return corr2d(X.T, K)


def transposed_kernel_response(X, K):
    return corr2d(X, K.T)


def via_transposed_kernel(X, K):
    same = torch.from_dlpack(export(X))
    flipped = torch.from_numpy(same.numpy().T.copy())
    return corr2d(flipped, K)


TRANSPOSE_X = "same"
TRANSPOSE_K = "transposed"
IDENTITY = "b"
