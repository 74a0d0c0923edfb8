"""Exercise: kernels for derivatives of any order, and for the integral.

d2l-en 7.2 exercise 2.4 / d2l-zh 6.2 练习 4.2-4.3
(``integral_kernel`` is d2l-zh 练习 4.2; ``derivative_kernel`` and
``min_kernel_size`` are d2l-en 2.4 / d2l-zh 练习 4.3.)

Conventions. A 1-D kernel of shape ``(1, n)`` is applied with ``corr2d`` (from
``cross_correlation.py``) to one row of samples at unit spacing,
``X[0, j] = f(j)``, so output ``j`` is ``sum_k K[0, k] * f(j + k)``. Return float
tensors (float32). Raise ``ValueError`` when ``d`` or ``n`` is not an integer >= 1.

1. ``derivative_kernel(d)``: a kernel of shape ``(1, d + 1)`` such that ``corr2d``
   with samples of ``f`` gives ``f^(d)`` (the d-th derivative, a constant here)
   exactly, at every output position, for every polynomial ``f`` of degree <= d.
   Note the sign: for ``d = 1`` it is ``[[-1, 1]]``; the section's ``[[1, -1]]``
   computes ``f(j) - f(j + 1)``, the negative derivative.
2. ``min_kernel_size(d)``: the smallest number of taps (the length ``n`` of the
   kernel) for which such a kernel exists, as a Python int. Think about which
   conditions on the weights exactness on ``1, x, ..., x**d`` imposes, and when
   they can be met.
3. ``integral_kernel(n)``: a kernel of shape ``(1, n)`` such that ``corr2d`` with
   samples of ``f`` gives, at position ``j``, the sum ``f(j) + ... + f(j + n - 1)``
   of the ``n`` samples under the window (the integral at unit spacing).

练习：任意阶导数的卷积核，以及积分核

约定：形状为 ``(1, n)`` 的一维核用 ``corr2d``（来自 ``cross_correlation.py``）作用于按
单位间距采样的一行 ``X[0, j] = f(j)``，因此第 ``j`` 个输出是 ``sum_k K[0, k] * f(j + k)``。
返回浮点张量（float32）。当 ``d`` 或 ``n`` 不是不小于 1 的整数时抛出 ``ValueError``。

1. ``derivative_kernel(d)``：形状为 ``(1, d + 1)`` 的核，使得对任意次数不超过 d 的多项式
   ``f``，用它对 ``f`` 的采样做 ``corr2d``，在每个输出位置都精确得到 ``f^(d)``
   （d 阶导数，此时为常数）。注意符号：``d = 1`` 时是 ``[[-1, 1]]``；本节的 ``[[1, -1]]``
   计算的是 ``f(j) - f(j + 1)``，即导数的相反数。
2. ``min_kernel_size(d)``：使这样的核存在所需的最少元素个数（核的长度 ``n``），
   返回 Python 整数。想一想：要求对 ``1, x, ..., x**d`` 精确成立会对权重施加哪些条件，
   这些条件在什么情况下可以满足。
3. ``integral_kernel(n)``：形状为 ``(1, n)`` 的核，使得用它对 ``f`` 的采样做 ``corr2d``，
   在位置 ``j`` 得到窗口内 ``n`` 个采样之和 ``f(j) + ... + f(j + n - 1)``
   （单位间距下的积分）。
"""

import torch


def derivative_kernel(d):
    """The kernel of the d-th derivative on the points 0..d.

    Parameters
    ----------
    d : int
        Order of the derivative, ``d >= 1``.

    Returns
    -------
    torch.Tensor, shape (1, d + 1), float
        ``corr2d`` of samples ``X[0, j] = f(j)`` with it equals ``f^(d)`` for
        every polynomial ``f`` of degree <= d.

    Raises
    ------
    ValueError
        If ``d`` is not an integer >= 1.

    Examples
    --------
    >>> derivative_kernel(1)
    tensor([[-1.,  1.]])
    """
    raise NotImplementedError


def min_kernel_size(d):
    """The fewest taps of a 1-D kernel that gives the d-th derivative exactly.

    Parameters
    ----------
    d : int
        Order of the derivative, ``d >= 1``.

    Returns
    -------
    int
        The smallest kernel length ``n`` for which some ``(1, n)`` kernel gives
        ``f^(d)`` for every polynomial ``f`` of degree <= d.

    Raises
    ------
    ValueError
        If ``d`` is not an integer >= 1.
    """
    raise NotImplementedError


def integral_kernel(n):
    """The kernel that sums n consecutive samples.

    Parameters
    ----------
    n : int
        Window length, ``n >= 1``.

    Returns
    -------
    torch.Tensor, shape (1, n), float
        ``corr2d`` of samples ``X[0, j] = f(j)`` with it equals
        ``f(j) + f(j + 1) + ... + f(j + n - 1)``.

    Raises
    ------
    ValueError
        If ``n`` is not an integer >= 1.
    """
    raise NotImplementedError
