"""Reference: transposing the image or the kernel.

The one identity behind this exercise: for every ``X`` and ``K``,

    corr2d(X.T, K) == corr2d(X, K.T).T

Proof, entry by entry:

    corr2d(X.T, K)[i, j] = sum_ab K[a, b] * X.T[i + a, j + b]
                         = sum_ab K[a, b] * X[j + b, i + a]
                         = sum_ba K.T[b, a] * X[j + b, i + a]
                         = corr2d(X, K.T)[j, i].

In words: cross-correlating the transposed image is the same as
cross-correlating the original image with the transposed kernel and then
transposing the result. Turning the picture on its side and keeping the
detector fixed is equivalent to keeping the picture and turning the detector.

A warning about a common claim: several community solution manuals say that
transposing ``X`` "changes nothing" for a diagonal image. That is true only for
a symmetric image such as ``torch.eye(n)`` (``X.T == X``, so trivially
``corr2d(X.T, K) == corr2d(X, K)``). For a general image it is false: with the
lower-triangular ``torch.tril(torch.ones(8, 8))`` the line of ``+1`` at
``(i, i)`` becomes a line of ``-1`` at ``(i, i - 1)``, because transposing
turns the "ones-then-zeros" rows into "zeros-then-ones" rows. What does hold for every
image is the identity above.
"""

from cross_correlation import corr2d


def transposed_image_response(X, K):
    """Cross-correlate the transposed image with the kernel.

    Parameters
    ----------
    X : torch.Tensor, shape (n_h, n_w)
        The image.
    K : torch.Tensor, shape (k_h, k_w)
        The kernel; ``k_h <= n_w`` and ``k_w <= n_h``.

    Returns
    -------
    torch.Tensor, shape (n_w - k_h + 1, n_h - k_w + 1)
        ``corr2d(X.T, K)``.
    """
    return corr2d(X.T, K)


def transposed_kernel_response(X, K):
    """Cross-correlate the image with the transposed kernel.

    Parameters
    ----------
    X : torch.Tensor, shape (n_h, n_w)
        The image.
    K : torch.Tensor, shape (k_h, k_w)
        The kernel; ``k_w <= n_h`` and ``k_h <= n_w``.

    Returns
    -------
    torch.Tensor, shape (n_h - k_w + 1, n_w - k_h + 1)
        ``corr2d(X, K.T)``.
    """
    return corr2d(X, K.T)


def via_transposed_kernel(X, K):
    """``corr2d(X.T, K)`` computed without transposing ``X``.

    Uses ``corr2d(X.T, K) == corr2d(X, K.T).T`` (see the module docstring):
    transpose the kernel and the output instead of the image.

    Parameters
    ----------
    X : torch.Tensor, shape (n_h, n_w)
        The image (never transposed here).
    K : torch.Tensor, shape (k_h, k_w)
        The kernel; ``k_h <= n_w`` and ``k_w <= n_h``.

    Returns
    -------
    torch.Tensor, shape (n_w - k_h + 1, n_h - k_w + 1)
        The same values as ``corr2d(X.T, K)``.

    Examples
    --------
    >>> import torch
    >>> X = torch.arange(12.0).reshape(3, 4)
    >>> K = torch.tensor([[1.0, -1.0]])
    >>> torch.equal(via_transposed_kernel(X, K), corr2d(X.T, K))
    True
    """
    return corr2d(X, K.T).T


# For X = torch.eye(8) and K = [[1, -1]]: corr2d(X.T, K) is the same as
# corr2d(X, K), simply because the identity matrix is symmetric (X.T == X).
# This says nothing about transposition in general (see the module docstring:
# for the non-symmetric tril image the answer would differ).
TRANSPOSE_X = "same"

# For the same X and K: corr2d(X, K.T) == corr2d(X, K).T. By the identity,
# corr2d(X, K.T) == corr2d(X.T, K).T, and X.T == X for the identity matrix.
# Concretely: corr2d(eye, [[1, -1]]) is 8x7 with +1 at (i, i) and -1 at
# (i + 1, i); corr2d(eye, [[1], [-1]]) is 7x8 with +1 at (i, i) and -1 at
# (i, i + 1): the transpose. K.T = [[1], [-1]] compares vertical neighbours,
# so it detects horizontal edges, and the diagonal still has a vertical step.
TRANSPOSE_K = "transposed"

# Only "b" holds for every X and K (proved in the module docstring).
# "a" corr2d(X.T, K) == corr2d(X, K).T fails already on shapes: for X (6, 8) and
#     K (1, 2) the left side is (8, 5) and the right side (7, 6).
# "c" corr2d(X.T, K.T) == corr2d(X, K) fails too: by "b" the left side is
#     corr2d(X, K).T, which has the wrong shape unless the output is square,
#     and the wrong values unless it is symmetric.
# "d" corr2d(X.T, K) == -corr2d(X, K) fails for the symmetric X = eye(8) with a
#     non-zero response, where both sides are equal instead of opposite.
IDENTITY = "b"
