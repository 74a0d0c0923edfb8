"""Reference: a second-derivative kernel, the Laplacian, its minimum size, what it sees.

d2l-en 7.2 exercise 2.2 / d2l-zh 6.2 exercise 4.1.

Nothing here is typed in by hand. The weights come from sympy, which solves the
"moment conditions" that make a kernel exact on polynomials:

    a kernel w_0 .. w_{n-1} applied to samples f(j), f(j+1), ..., f(j+n-1)
    returns f''  exactly for every polynomial f of degree <= 2
    <=>  sum_k w_k * k**m == (d^2/dx^2 x**m), m = 0, 1, 2
    <=>  sum_k w_k = 0,  sum_k w_k * k = 0,  sum_k w_k * k**2 = 2.

(It is enough to check the monomials 1, x, x**2 at j = 0: f'' is linear in f,
and shifting a polynomial by j keeps its degree, and its f'' is a constant, so
the position at which we "evaluate" it does not matter.)

With 3 taps the system is a 3x3 Vandermonde system, which has exactly one
solution, [1, -2, 1]. With 2 taps or fewer the first n equations already force
w = 0 (an n x n Vandermonde matrix on distinct points is invertible), and then
the equation for m = 2 reads 0 = 2: no solution. Hence MIN_SIZE = 3.
"""

from functools import lru_cache

import sympy
import torch
from sympy.calculus.finite_diff import finite_diff_weights

_ORDER = 2  # the derivative this module is about


@lru_cache(maxsize=None)
def _taps(order, n):
    """Exact weights of an ``n``-tap kernel for the ``order``-th derivative, or None.

    Solves ``sum_k w_k k**m == order! * [m == order]`` for ``m = 0..order`` with
    sympy. Returns a tuple of sympy Rationals when the system has a solution
    (unique when ``n == order + 1``), and None when it has none.
    """
    w = sympy.symbols(f"w0:{n}")
    equations = [
        sum(w[k] * sympy.Integer(k) ** m for k in range(n))
        - (sympy.factorial(order) if m == order else 0)
        for m in range(order + 1)
    ]
    solutions = sympy.linsolve(equations, w)
    if solutions == sympy.S.EmptySet:
        return None
    (solution,) = solutions
    # With more taps than needed the solution has free parameters; set them to 0.
    return tuple(sympy.Rational(c.subs({s: 0 for s in w})) for c in solution)


def _min_taps(order):
    """Smallest n for which an n-tap kernel for the ``order``-th derivative exists."""
    n = 1
    while _taps(order, n) is None:
        n += 1
    return n


@lru_cache(maxsize=None)
def _second_difference():
    # sympy's Fornberg algorithm: weights of the 2nd derivative at x0 = 1 from
    # the points 0, 1, 2 (the output of corr2d at column j belongs to the
    # centre j + 1 of the window; for a quadratic f'' is the same everywhere).
    weights = finite_diff_weights(_ORDER, [0, 1, 2], 1)[_ORDER][-1]
    # The same numbers solve the moment conditions: two derivations, one answer.
    assert tuple(weights) == _taps(_ORDER, 3)
    return tuple(float(x) for x in weights)


def second_derivative_kernel():
    """The 1-D second-difference kernel, shape (1, 3).

    Returns
    -------
    torch.Tensor, shape (1, 3), float32
        ``[[1, -2, 1]]``: ``corr2d`` of a row of samples ``X[0, j] = f(j)``
        with it gives ``f(j) - 2 f(j+1) + f(j+2)``, which equals ``f''``
        (a constant) for every polynomial of degree <= 2.

    Examples
    --------
    >>> second_derivative_kernel()
    tensor([[ 1., -2.,  1.]])
    """
    return torch.tensor([_second_difference()], dtype=torch.float32)


def laplacian_kernel():
    """The 5-point Laplacian stencil, shape (3, 3).

    ``f_xx`` is the second difference along a row (x = column index ``j``),
    ``f_yy`` the second difference along a column (y = row index ``i``). The
    Laplacian is their sum, so we lay the 1-D kernel along the middle row and
    along the middle column; the two centre weights add up to -4.

    Returns
    -------
    torch.Tensor, shape (3, 3), float32
        ``[[0, 1, 0], [1, -4, 1], [0, 1, 0]]``: ``corr2d`` with samples
        ``X[i, j] = f(x=j, y=i)`` gives ``f_xx + f_yy`` exactly for every
        polynomial of degree <= 2 in ``x`` and ``y``.
    """
    w = second_derivative_kernel()[0]
    K = torch.zeros(3, 3, dtype=torch.float32)
    K[1, :] += w  # along x: f(x-1, y) - 2 f(x, y) + f(x+1, y)
    K[:, 1] += w  # along y: f(x, y-1) - 2 f(x, y) + f(x, y+1)
    return K


# The fewest taps: derived, not asserted (see the module docstring for the proof).
MIN_SIZE = _min_taps(_ORDER)
assert MIN_SIZE == len(_second_difference()) == 3

# Which structures respond most strongly to [1, -2, 1]? Apply it to a row with
# unit contrast:
#   flat   ... c c c ...      ->  c - 2c + c          = 0 everywhere
#   ramp   ... 0 1 2 3 ...    ->  0 - 2 + 2           = 0 everywhere (linear!)
#   step   ... 0 0 1 1 ...    ->  +1 just before it, -1 just after it
#   line   ... 0 0 1 0 0 ...  ->  +1, -2, +1: a peak of size 2 on the line itself
# A one-pixel line (in 2-D with the Laplacian: an isolated dot, -4) changes slope
# twice within three samples, so it gives the largest response per unit of
# contrast. Second derivatives measure curvature: thin lines, dots and corners.
STRONGEST = "lines"
