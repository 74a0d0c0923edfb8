"""Reference: an edge detector for a given direction.

d2l-en 7.2 exercise 2.1 (the Chinese edition has no such exercise).

Idea: the rate of change of an image ``f`` along a direction ``v = (v_x, v_y)`` is
the directional derivative ``v . grad f = v_x * f_x + v_y * f_y``. It is linear
in ``f``, so it is a convolution, and it is linear in ``v``, so the kernel for
``v`` is ``v_x`` times a kernel for ``f_x`` plus ``v_y`` times a kernel for ``f_y``.

We use central differences, which sit on the centre pixel instead of half a
pixel to one side:

    Dx = [[ 0,   0,   0 ],        Dy = Dx.T = [[0, -1/2, 0],
          [-1/2, 0,  1/2],                     [0,   0,  0],
          [ 0,   0,   0 ]]                     [0,  1/2, 0]]

Remember that the row index ``i`` (the y axis) grows *downwards*: ``f_y`` is the
row below minus the row above, hence the -1/2 on top in ``Dy``.

For a ramp ``f[i, j] = a * j + b * i + c`` (``f_x = a``, ``f_y = b``) each
output of corr2d with ``K = v_x * Dx + v_y * Dy`` is

    v_x * (f[i+1, j+2] - f[i+1, j]) / 2 + v_y * (f[i+2, j+1] - f[i, j+1]) / 2
    = v_x * a + v_y * b,

the required constant with ``s = 1``. Along ``u = (v_y, -v_x)``, the ramp with
``(a, b) = u`` gives ``v_x * v_y - v_y * v_x = 0``: the kernel is blind to
intensity changing along ``u``. An edge whose line runs along ``u`` has its
intensity change across it, i.e. along ``v``: those are the edges detected,
the ones orthogonal to ``v``. With ``v = (1, 0)`` we recover (up to sign and
centring) the book's vertical-edge detector.

(Sobel kernels, ``[[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]] / 8`` and its transpose,
would do as well, with ``s = 1`` too: they also average across the edge,
which makes them less sensitive to noise.)
"""

import math

import torch


def directional_edge_kernel(v):
    """A 3x3 kernel that measures the rate of change of an image along ``v``.

    Parameters
    ----------
    v : sequence of two real numbers
        The direction ``(v_x, v_y)``: ``v_x`` along the columns (x, to the
        right), ``v_y`` along the rows (y, downwards). Not both zero. A tuple,
        a list, a numpy array or a tensor with two elements.

    Returns
    -------
    torch.Tensor, shape (3, 3), float32
        ``K = v_x * Dx + v_y * Dy`` (central differences). For every ramp
        ``f[i, j] = a * j + b * i + c``, ``corr2d(f, K)`` is the constant
        ``v_x * a + v_y * b``; it is zero for change along ``(v_y, -v_x)``.

    Raises
    ------
    ValueError
        If ``v`` does not hold exactly two finite real numbers, or both are zero.

    Examples
    --------
    >>> directional_edge_kernel((1.0, 0.0))
    tensor([[ 0.0000,  0.0000,  0.0000],
            [-0.5000,  0.0000,  0.5000],
            [ 0.0000,  0.0000,  0.0000]])
    """
    try:
        components = [float(c) for c in (v.reshape(-1) if hasattr(v, "reshape") else v)]
    except (TypeError, ValueError):
        raise ValueError(f"v must be a pair of real numbers (v_x, v_y); got {v!r}") from None
    if len(components) != 2:
        raise ValueError(f"v must have exactly two components (v_x, v_y); got {len(components)}")
    v_x, v_y = components
    if not (math.isfinite(v_x) and math.isfinite(v_y)):
        raise ValueError(f"v must be finite; got ({v_x}, {v_y})")
    if v_x == 0 and v_y == 0:
        raise ValueError("v must not be the zero vector: a direction needs a non-zero v")
    # Central differences, in float64 so that v_x / 2 is exact before one rounding.
    Dx = torch.tensor([[0.0, 0.0, 0.0], [-0.5, 0.0, 0.5], [0.0, 0.0, 0.0]], dtype=torch.float64)
    Dy = Dx.T  # row below minus row above: y grows downwards
    return (v_x * Dx + v_y * Dy).to(torch.float32)
