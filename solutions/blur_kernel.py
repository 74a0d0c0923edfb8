"""Reference: a blur kernel and what it is for.

d2l-en 7.2 exercise 2.3 (the Chinese edition has no such exercise).

A blur replaces every pixel by a weighted average of its neighbourhood. For that
to be an *average* the weights must be non-negative and sum to 1 (a constant
image then stays unchanged); for it not to shift or skew the image they must be
symmetric (equal to their transpose and to both flips).

We use the binomial kernel: row ``n - 1`` of Pascal's triangle divided by
``2**(n - 1)``, e.g. ``[1, 2, 1] / 4``, and its outer product with itself,
``[[1, 2, 1], [2, 4, 2], [1, 2, 1]] / 16``. It is the discrete cousin of the
Gaussian (repeatedly averaging neighbouring pairs, ``[1, 1] / 2``, gives it), it
is separable (a row blur followed by a column blur), and unlike the box kernel
``ones / n**2`` it completely removes the highest frequency: a checkerboard
(+1, -1, +1, ...) maps to 0 for every size >= 2, because the alternating sum of
a row of Pascal's triangle is ``(1 - 1)**(n - 1) = 0``.

Size 1 gives ``[[1]]``, the identity: the only 1x1 kernel that sums to 1.
"""

import operator

import torch


def blur_kernel(size=3):
    """A normalised binomial blur kernel.

    Parameters
    ----------
    size : int, optional
        Side of the kernel, ``size >= 1`` (default 3). Odd sizes have a centre
        pixel; even sizes are allowed too.

    Returns
    -------
    torch.Tensor, shape (size, size), float32
        Non-negative weights summing to 1, equal to the kernel's transpose and
        to its horizontal and vertical flips. For ``size >= 2`` it is low-pass:
        constant images pass unchanged, a checkerboard is wiped out and the
        variance of white noise is multiplied by ``(K**2).sum() < 1``.

    Raises
    ------
    ValueError
        If ``size`` is not an integer >= 1.

    Examples
    --------
    >>> blur_kernel(3) * 16
    tensor([[1., 2., 1.],
            [2., 4., 2.],
            [1., 2., 1.]])
    """
    if isinstance(size, bool):
        raise ValueError(f"size must be an integer >= 1; got the bool {size!r}")
    try:
        size = operator.index(size)
    except TypeError:
        raise ValueError(
            f"size must be an integer >= 1; got {size!r} of type {type(size).__name__}"
        ) from None
    if size < 1:
        raise ValueError(f"size must be an integer >= 1; got {size}")
    # Pascal's row, normalised, built by averaging neighbouring pairs
    # ([1] -> [1, 1]/2 -> [1, 2, 1]/4 -> ...) in float64: exact dyadic numbers for
    # any practical size, and no overflow of binom(size - 1, k) or 2**(size - 1)
    # for huge ones. Each step is symmetric (IEEE addition commutes), so the row
    # is an exact palindrome and its outer product is exactly equal to its
    # transpose and its flips. The final cast to float32 rounds each weight once.
    row = torch.ones(1, dtype=torch.float64)
    zero = row.new_zeros(1)
    for _ in range(size - 1):
        row = (torch.cat([row, zero]) + torch.cat([zero, row])) / 2
    return torch.outer(row, row).to(torch.float32)


# Why blur? Averaging neighbours keeps what varies slowly (shapes, shading) and
# cancels what varies from pixel to pixel (sensor noise, JPEG artefacts, fine
# texture): independent noise of variance s^2 comes out with variance
# s^2 * sum(K**2), i.e. 36/256 of it for the 3x3 binomial. That is what one does
# before edge detection (derivative kernels amplify noise) and before
# downsampling (to avoid aliasing). It blunts edges rather than sharpening them,
# and it neither rotates the image nor finds edges by itself.
WHY_BLUR = "denoise"
