from cross_correlation import corr2d


def transposed_image_response(X, K):
    return corr2d(X.permute(1, 0).contiguous(), K)


def transposed_kernel_response(X, K):
    return corr2d(X, K.permute(1, 0).contiguous())


def via_transposed_kernel(X, K):
    return corr2d(X, K.t().contiguous()).t().contiguous()


TRANSPOSE_X = "same"        # eye(8) is symmetric: X.T is X
TRANSPOSE_K = "transposed"
IDENTITY = "b"
