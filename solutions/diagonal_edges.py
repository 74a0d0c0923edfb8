"""Reference: the edge kernel ``[1, -1]`` on an image with a diagonal edge.

The kernel computes ``Y[i, j] = X[i, j] - X[i, j + 1]``: the difference between a
pixel and its right-hand neighbour. It is zero wherever a row is locally
constant and non-zero exactly where the intensity changes from one column to
the next.

A diagonal edge is not a vertical edge, but walking along any row you still
cross it, so the intensity does change horizontally there. With the
lower-triangular image used below (``X[i, j] = 1`` for ``j <= i``, else 0), row
``i`` is ``1`` up to column ``i`` and ``0`` after it, so the only non-zero
output in that row is ``Y[i, i] = 1 - 0 = 1``: a line of ones right beside the
diagonal and zeros everywhere else.
"""

import torch

from cross_correlation import corr2d

# The chapter's horizontal finite-difference kernel (given to the student).
EDGE_KERNEL = torch.tensor([[1.0, -1.0]])


def diagonal_image(n=8):
    """An ``(n, n)`` image with one diagonal edge.

    The image is lower-triangular: ones on and below the main diagonal, zeros
    above it. Its value depends only on ``i - j`` (it is 1 when ``i - j >= 0``),
    so the boundary between the two regions runs along the diagonal.

    Parameters
    ----------
    n : int, default 8
        Side length, at least 2 (a 1x1 image has no edge).

    Returns
    -------
    torch.Tensor, shape (n, n), float32
        ``X[i, j] = 1.0`` if ``j <= i`` else ``0.0``.

    Raises
    ------
    ValueError
        If ``n`` is not an int or is smaller than 2.

    Examples
    --------
    >>> diagonal_image(3)
    tensor([[1., 0., 0.],
            [1., 1., 0.],
            [1., 1., 1.]])
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise ValueError(f"diagonal_image needs an int n >= 2; got {n!r}")
    return torch.tril(torch.ones(n, n))


def edge_response(X):
    """Apply the chapter's edge kernel ``[[1, -1]]`` to ``X``.

    Parameters
    ----------
    X : torch.Tensor, shape (n_h, n_w), n_w >= 2
        The image.

    Returns
    -------
    torch.Tensor, shape (n_h, n_w - 1)
        ``corr2d(X, EDGE_KERNEL)``, i.e. ``X[i, j] - X[i, j + 1]``, with the
        dtype and device of ``X``.

    Examples
    --------
    >>> edge_response(diagonal_image(3))
    tensor([[1., 0.],
            [0., 1.],
            [0., 0.]])
    """
    # Move the kernel to X's dtype and device so a float64 image stays float64.
    return corr2d(X, EDGE_KERNEL.to(dtype=X.dtype, device=X.device))


# The response is non-zero only in the pixels right next to the diagonal edge.
# Not "nothing": a diagonal edge is crossed by every row, so neighbouring pixels
# in a row differ there and [1, -1] fires (it is blind only to purely
# horizontal edges, where each row is constant). Not "everywhere": inside each
# region the image is constant and the difference is zero. Not "copy": the
# output marks where the intensity changes; it is not a shifted image.
APPLY_K = "diagonal"
