"""Diagonal edges: what does the kernel ``[1, -1]`` see?

d2l-en 7.2 exercise 1.1 / d2l-zh 6.2 练习 1.1 (with the image that exercise 1 asks for)

English
-------
The chapter found vertical edges with ``EDGE_KERNEL = [[1, -1]]``, which
compares each pixel with its right-hand neighbour. Now build an image whose
edge runs diagonally and see what the same kernel does with it.

1. ``diagonal_image(n=8)``: return an ``(n, n)`` floating-point tensor that is
   not constant and whose value at ``(i, j)`` depends only on ``i - j`` (or only
   on ``i + j``). Such an image changes only across a diagonal direction, so
   its edges are diagonal. Any ``n >= 2`` must work.
2. ``edge_response(X)``: return ``corr2d(X, EDGE_KERNEL)`` for an image ``X``
   of shape ``(n_h, n_w)``; the result has shape ``(n_h, n_w - 1)``. Use the
   ``corr2d`` from your ``cross_correlation.py`` (imported below).
3. ``APPLY_K``: look at ``edge_response(diagonal_image())`` and set this
   string to the key that describes it:

   * ``"nothing"``: the output is zero everywhere;
   * ``"diagonal"``: the output is non-zero only at the pixels next to the
     diagonal edge, and zero elsewhere;
   * ``"everywhere"``: the output is non-zero at every position;
   * ``"copy"``: the output is just the image shifted by one pixel.

   Think about why before you print anything: along which directions does the
   intensity of your image change?

中文
----
本节用 ``EDGE_KERNEL = [[1, -1]]``（把每个像素与其右侧相邻像素相减）检测出了
竖直边缘。现在构造一张边缘沿对角线方向的图像，看看同一个核会得到什么。

1. ``diagonal_image(n=8)``：返回形状为 ``(n, n)`` 的浮点张量，它不能是常数，且
   ``(i, j)`` 处的值只依赖于 ``i - j``（或只依赖于 ``i + j``）。这样的图像只沿对角
   方向变化，因此边缘是对角线。任何 ``n >= 2`` 都要能用。
2. ``edge_response(X)``：对形状为 ``(n_h, n_w)`` 的图像 ``X`` 返回
   ``corr2d(X, EDGE_KERNEL)``，结果形状为 ``(n_h, n_w - 1)``。请使用你在
   ``cross_correlation.py`` 中实现的 ``corr2d``（下方已导入）。
3. ``APPLY_K``：观察 ``edge_response(diagonal_image())``，把这个字符串设为描述它的键：

   * ``"nothing"``：输出处处为零；
   * ``"diagonal"``：输出只在紧挨对角边缘的像素处非零，其余位置为零；
   * ``"everywhere"``：输出在每个位置都非零；
   * ``"copy"``：输出只是把图像平移了一个像素。

   打印之前先想一想：你的图像的亮度沿哪些方向变化？
"""

import torch

from cross_correlation import corr2d

# The chapter's horizontal finite-difference kernel. Given; do not change it.
# 本节的水平有限差分核。已给出，请勿修改。
EDGE_KERNEL = torch.tensor([[1.0, -1.0]])


def diagonal_image(n=8):
    """An ``(n, n)`` image whose edge runs along a diagonal.

    一张边缘沿对角线方向的 ``(n, n)`` 图像。

    Parameters
    ----------
    n : int, default 8
        Side length, ``n >= 2``. / 边长，``n >= 2``。

    Returns
    -------
    torch.Tensor, shape (n, n), floating point
        Not constant; ``X[i, j]`` depends only on ``i - j`` (or only on ``i + j``).
        不是常数；``X[i, j]`` 只依赖于 ``i - j``（或只依赖于 ``i + j``）。
    """
    raise NotImplementedError


def edge_response(X):
    """Apply ``EDGE_KERNEL`` to ``X`` with ``corr2d``.

    用 ``corr2d`` 把 ``EDGE_KERNEL`` 作用于 ``X``。

    Parameters
    ----------
    X : torch.Tensor, shape (n_h, n_w), n_w >= 2
        The image. / 图像。

    Returns
    -------
    torch.Tensor, shape (n_h, n_w - 1)
        ``corr2d(X, EDGE_KERNEL)``, floating point.
    """
    raise NotImplementedError


# One of "nothing", "diagonal", "everywhere", "copy" (see the module docstring).
# 取值为 "nothing"、"diagonal"、"everywhere"、"copy" 之一（见模块文档字符串）。
APPLY_K = ""
