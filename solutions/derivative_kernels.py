"""Reference: derivative kernels of any order, their minimum size, an integral kernel.

d2l-en 7.2 exercise 2.4 / d2l-zh 6.2 exercises 4.2-4.3.

The derivation, done by sympy below rather than typed in
------------------------------------------------------
Take ``n`` taps ``w_0 .. w_{n-1}``. ``corr2d`` of a row of samples
``X[0, j] = f(j)`` with them gives ``sum_k w_k f(j + k)``. We want this to equal
``f^(d)`` for every polynomial ``f`` of degree <= d. For such an ``f`` the
d-th derivative is a constant, so it does not matter where it is "taken", and a
shifted polynomial has the same degree, so it is enough to ask at ``j = 0`` and
for the monomials ``x**m``, ``m = 0..d`` (everything is linear in ``f``):

    sum_k w_k * k**m  ==  d! if m == d else 0,        m = 0, 1, ..., d.

These are d + 1 linear equations ("moment conditions") in n unknowns; their
matrix is the Vandermonde matrix ``V[m, k] = k**m`` of the points 0..n-1.

* n <= d: the first n equations (m = 0..n-1) form an invertible n x n
  Vandermonde system (distinct points) with right-hand side 0, so w = 0; then
  the equation for m = d says 0 = d!. No kernel exists.
* n = d + 1: V is square and invertible, so there is exactly one kernel. It is
  the d-th forward difference, ``w_k = (-1)**(d - k) * binom(d, k)``:
  d = 1 -> [-1, 1], d = 2 -> [1, -2, 1], d = 3 -> [-1, 3, -3, 1].

So the minimum size is d + 1. ``min_kernel_size`` does not take that on trust:
it asks sympy's ``linsolve`` for n = 1, 2, ... and returns the first n whose
system is solvable.

Note on the book's kernel: ``[[1, -1]]`` gives ``f(j) - f(j+1)``, the *negative*
first derivative. (The English text says it computes ``x[i, j] - x[i+1, j]``;
it actually computes ``x[i, j] - x[i, j+1]``, a difference along the row.)
"""

import operator
from functools import lru_cache

import sympy
import torch


def _check_positive_int(value, name):
    """Return ``value`` as an int if it is an integer >= 1, else raise ValueError."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be an integer >= 1; got the bool {value!r}")
    try:
        value = operator.index(value)  # accepts int and numpy integers, not 2.0
    except TypeError:
        raise ValueError(
            f"{name} must be an integer >= 1; got {value!r} of type {type(value).__name__}"
        ) from None
    if value < 1:
        raise ValueError(f"{name} must be an integer >= 1; got {value}")
    return value


@lru_cache(maxsize=None)
def _solve_moments(d, n):
    """Solve the moment conditions of the d-th derivative with n taps.

    Returns the tuple of exact sympy Rational weights (free parameters, which
    appear when n > d + 1, are set to 0), or None when the system has no solution.
    """
    w = sympy.symbols(f"w0:{n}")
    equations = [
        sum(w[k] * sympy.Integer(k) ** m for k in range(n))
        - (sympy.factorial(d) if m == d else 0)
        for m in range(d + 1)
    ]
    solutions = sympy.linsolve(equations, w)
    if solutions == sympy.S.EmptySet:
        return None
    (solution,) = solutions
    return tuple(sympy.Rational(c.subs({s: 0 for s in w})) for c in solution)


@lru_cache(maxsize=None)
def _min_kernel_size(d):
    n = 1
    while _solve_moments(d, n) is None:
        n += 1
    return n


def min_kernel_size(d):
    """The fewest taps of a 1-D kernel that gives the d-th derivative exactly.

    Parameters
    ----------
    d : int
        The order of the derivative, ``d >= 1``.

    Returns
    -------
    int
        The smallest ``n`` for which some ``n``-tap kernel, applied with
        ``corr2d`` to samples ``X[0, j] = f(j)``, returns ``f^(d)`` for every
        polynomial of degree <= d. Found by solving the moment conditions with
        sympy for ``n = 1, 2, ...``; it is always ``d + 1``.

    Raises
    ------
    ValueError
        If ``d`` is not an integer >= 1.

    Examples
    --------
    >>> min_kernel_size(2)
    3
    """
    return _min_kernel_size(_check_positive_int(d, "d"))


def derivative_kernel(d):
    """The (d + 1)-tap kernel of the d-th derivative.

    Parameters
    ----------
    d : int
        The order of the derivative, ``d >= 1``.

    Returns
    -------
    torch.Tensor, shape (1, d + 1), float32
        The unique weights on the points 0..d that satisfy the moment
        conditions (the d-th forward difference). ``corr2d`` with samples
        ``X[0, j] = f(j)`` gives ``f^(d)`` for every polynomial of degree <= d.

    Raises
    ------
    ValueError
        If ``d`` is not an integer >= 1.

    Examples
    --------
    >>> derivative_kernel(1)
    tensor([[-1.,  1.]])
    >>> derivative_kernel(3)
    tensor([[-1.,  3., -3.,  1.]])
    """
    d = _check_positive_int(d, "d")
    weights = _solve_moments(d, d + 1)
    return torch.tensor([[float(x) for x in weights]], dtype=torch.float32)


def integral_kernel(n):
    """A kernel that sums ``n`` consecutive samples (the discrete integral).

    With unit spacing the integral of ``f`` over a window of ``n`` samples is
    approximated by their sum (the rectangle rule), so every weight is 1.

    Parameters
    ----------
    n : int
        The window length, ``n >= 1``.

    Returns
    -------
    torch.Tensor, shape (1, n), float32
        All ones: ``corr2d`` with samples ``X[0, j] = f(j)`` gives
        ``f(j) + f(j+1) + ... + f(j+n-1)``.

    Raises
    ------
    ValueError
        If ``n`` is not an integer >= 1.

    Examples
    --------
    >>> integral_kernel(3)
    tensor([[1., 1., 1.]])
    """
    n = _check_positive_int(n, "n")
    return torch.ones(1, n, dtype=torch.float32)
