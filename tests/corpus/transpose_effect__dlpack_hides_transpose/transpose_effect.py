# Transposes X after a round trip through DLPack, which torch does not dispatch to the grader's
# recorder: the copy must still count as X, and its .numpy() as taking X out of torch (red team).
import torch
from torch.utils.dlpack import from_dlpack, to_dlpack

from cross_correlation import corr2d


def transposed_image_response(X, K):
    return corr2d(X.T, K)


def transposed_kernel_response(X, K):
    return corr2d(X, K.T)


def via_transposed_kernel(X, K):
    same = from_dlpack(to_dlpack(X))
    flipped = torch.from_numpy(same.numpy().T.copy())
    return corr2d(flipped, K)


TRANSPOSE_X = "same"
TRANSPOSE_K = "transposed"
IDENTITY = "b"
