from cross_correlation import corr2d


def transposed_image_response(X, K):
    return corr2d(X.T, K)


def transposed_kernel_response(X, K):
    return corr2d(X, K.T)


def via_transposed_kernel(X, K):
    # what corr2d does inside is its own business: this body never transposes X
    return corr2d(X, K.T).T


TRANSPOSE_X = "same"
TRANSPOSE_K = "transposed"
IDENTITY = "b"
