"""Cross-correlation: write ``corr2d``.

d2l-en 7.2.1 / d2l-zh 6.2.1 (the chapter's own function; every exercise of the chapter reuses it)

English
-------
Implement the 2-D cross-correlation of the chapter, 'valid' mode. For an image
``X`` of shape ``(n_h, n_w)`` and a kernel ``K`` of shape ``(k_h, k_w)`` it returns
``Y`` of shape ``(n_h - k_h + 1, n_w - k_w + 1)`` with

    Y[i, j] = sum over a, b of K[a, b] * X[i + a, j + b].

Row ``i`` counts downwards, column ``j`` to the right. Your result must equal
``scipy.signal.correlate2d(X, K, mode="valid")``.

Requirements:

* The result is a floating-point ``torch.Tensor``. Better still, give it the dtype
  and device of ``X`` (``X.new_zeros(...)``): the chapter's ``torch.zeros(...)`` turns
  a float64 image into a float32 result. The grader accepts any floating dtype and
  compares the values at the precision you return.
* Autograd must work: after ``corr2d(X, K).sum().backward()`` both ``X.grad``
  and ``K.grad`` are filled when ``X`` and ``K`` require gradients.
* It must work for every shape, square or not, including ``k_h != k_w``.

The other modules of this chapter import your function with
``from cross_correlation import corr2d`` and are graded with it, so get this
one right first. A loop over output positions is fine; slicing whole windows
(``Tensor.unfold``) is faster.

中文
----
实现本节的二维互相关运算（'valid' 模式，即不填充）。对形状为 ``(n_h, n_w)`` 的
图像 ``X`` 和形状为 ``(k_h, k_w)`` 的核 ``K``，返回形状为
``(n_h - k_h + 1, n_w - k_w + 1)`` 的 ``Y``，其中

    Y[i, j] = 对所有 a, b 求和 K[a, b] * X[i + a, j + b]。

行下标 ``i`` 向下增长，列下标 ``j`` 向右增长。结果必须与
``scipy.signal.correlate2d(X, K, mode="valid")`` 相等。

要求：

* 返回浮点型 ``torch.Tensor``。最好让它与 ``X`` 的 dtype 和设备相同
  （``X.new_zeros(...)``）：本节的 ``torch.zeros(...)`` 会把 float64 图像的结果变成
  float32。评分接受任何浮点 dtype，并按你返回的精度比较数值。
* 必须支持自动求导：当 ``X`` 和 ``K`` 都需要梯度时，执行
  ``corr2d(X, K).sum().backward()`` 后 ``X.grad`` 与 ``K.grad`` 都应有值。
* 对任意形状都要正确，包括非方阵以及 ``k_h != k_w`` 的核。

本章其他模块通过 ``from cross_correlation import corr2d`` 导入并使用你的函数进行
评分，所以请先把这个函数写对。按输出位置循环即可；用 ``Tensor.unfold`` 一次取出
所有窗口会更快。
"""

import torch


def corr2d(X, K):
    """2-D cross-correlation of an image with a kernel, 'valid' mode.

    二维互相关（'valid' 模式）。

    Parameters
    ----------
    X : torch.Tensor, shape (n_h, n_w)
        The input image, floating point. / 输入图像（浮点型）。
    K : torch.Tensor, shape (k_h, k_w)
        The kernel, with ``k_h <= n_h`` and ``k_w <= n_w``. / 卷积核。

    Returns
    -------
    torch.Tensor, shape (n_h - k_h + 1, n_w - k_w + 1)
        ``Y[i, j] = sum_ab K[a, b] * X[i + a, j + b]``, same dtype and device as
        ``X``; differentiable with respect to ``X`` and ``K``.

    Examples
    --------
    >>> X = torch.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])
    >>> K = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
    >>> corr2d(X, K)
    tensor([[19., 25.],
            [37., 43.]])
    >>> corr2d(torch.ones(4, 6), torch.ones(2, 3)).shape
    torch.Size([3, 4])
    """
    raise NotImplementedError
