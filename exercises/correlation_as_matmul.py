"""Cross-correlation as a matrix multiplication.

d2l-en 7.2 exercise 4 / d2l-zh 6.2 练习 3

English
-------
Every output of ``corr2d(X, K)`` is a weighted sum of pixels, so the whole
operation is linear in ``X`` and linear in ``K``, and can be written as one
matrix product. Do it both ways: once by rearranging the input, once by
rearranging the kernel.

Notation: ``X`` has shape ``(n_h, n_w)``, ``K`` has shape ``(k_h, k_w)``,
``out_h = n_h - k_h + 1``, ``out_w = n_w - k_w + 1``. Flattening is always
row-major (``Tensor.reshape(-1)``): output ``(i, j)`` is entry
``i * out_w + j``, pixel ``(p, q)`` is entry ``p * n_w + q``.

1. ``unfold(X, kernel_shape)``: return a tensor of shape
   ``(out_h * out_w, k_h * k_w)`` whose row ``r`` is the window of ``X`` under
   the output position ``(i, j) = (r // out_w, r % out_w)``, that is
   ``X[i:i + k_h, j:j + k_w]``, flattened row-major.
2. ``corr2d_matmul(X, K)``: compute ``corr2d(X, K)`` as a single matrix
   product of ``unfold(X, K.shape)`` with the flattened kernel, reshaped to
   ``(out_h, out_w)``.
3. ``kernel_matrix(K, input_shape)``: return ``W`` of shape
   ``(out_h * out_w, n_h * n_w)``, where ``(n_h, n_w) = input_shape``, such
   that ``(W @ X.reshape(-1)).reshape(out_h, out_w)`` equals ``corr2d(X, K)``
   for *every* ``X`` of that shape. Which entries of row ``i * out_w + j`` are
   non-zero, and what are they?

All results are floating-point tensors (best with the dtype of the inputs). They are
checked on non-square images and kernels with ``k_h != k_w``. Bonus (not
graded): what does multiplying by ``W.T`` compute?

中文
----
``corr2d(X, K)`` 的每个输出都是若干像素的加权和，所以整个运算对 ``X`` 是线性的，
对 ``K`` 也是线性的，可以写成一次矩阵乘法。请用两种方式实现：一次改写输入，一次
改写核。

记号：``X`` 形状为 ``(n_h, n_w)``，``K`` 形状为 ``(k_h, k_w)``，
``out_h = n_h - k_h + 1``，``out_w = n_w - k_w + 1``。展平一律按行优先
（``Tensor.reshape(-1)``）：输出 ``(i, j)`` 对应第 ``i * out_w + j`` 个元素，像素
``(p, q)`` 对应第 ``p * n_w + q`` 个元素。

1. ``unfold(X, kernel_shape)``：返回形状为 ``(out_h * out_w, k_h * k_w)`` 的张量，
   第 ``r`` 行是输出位置 ``(i, j) = (r // out_w, r % out_w)`` 对应的窗口
   ``X[i:i + k_h, j:j + k_w]``，按行优先展平。
2. ``corr2d_matmul(X, K)``：用 ``unfold(X, K.shape)`` 与展平后的核做一次矩阵乘法
   来计算 ``corr2d(X, K)``，再变形为 ``(out_h, out_w)``。
3. ``kernel_matrix(K, input_shape)``：返回形状为 ``(out_h * out_w, n_h * n_w)`` 的
   ``W``（其中 ``(n_h, n_w) = input_shape``），使得对该形状的*任意* ``X``，
   ``(W @ X.reshape(-1)).reshape(out_h, out_w)`` 都等于 ``corr2d(X, K)``。第
   ``i * out_w + j`` 行的哪些元素非零？它们的值是什么？

所有结果都是浮点张量（最好与输入的 dtype 相同）。评分会使用非方阵图像以及 ``k_h != k_w`` 的
核。附加思考（不计分）：乘以 ``W.T`` 计算的是什么？
"""

import torch

# Your own corr2d, handy for checking your answers. / 你自己的 corr2d，可用来检验答案。
from cross_correlation import corr2d  # noqa: F401


def unfold(X, kernel_shape):
    """All windows of ``X`` under a kernel of ``kernel_shape``, one per row.

    把 ``X`` 在给定核大小下的所有窗口逐行排列。

    Parameters
    ----------
    X : torch.Tensor, shape (n_h, n_w)
        The image. / 图像。
    kernel_shape : tuple of int, (k_h, k_w)
        Window size, ``k_h <= n_h`` and ``k_w <= n_w``. / 窗口大小。

    Returns
    -------
    torch.Tensor, shape (out_h * out_w, k_h * k_w)
        Row ``r`` is ``X[i:i + k_h, j:j + k_w].reshape(-1)`` with
        ``(i, j) = (r // out_w, r % out_w)``.

    Examples
    --------
    >>> unfold(torch.arange(6.0).reshape(2, 3), (2, 2))  # doctest: +SKIP
    tensor([[0., 1., 3., 4.],
            [1., 2., 4., 5.]])
    """
    raise NotImplementedError


def corr2d_matmul(X, K):
    """``corr2d(X, K)`` as one matrix product of ``unfold(X, K.shape)`` and the flattened kernel.

    用 ``unfold(X, K.shape)`` 与展平的核做一次矩阵乘法得到 ``corr2d(X, K)``。

    Parameters
    ----------
    X : torch.Tensor, shape (n_h, n_w)
        The image. / 图像。
    K : torch.Tensor, shape (k_h, k_w)
        The kernel. / 核。

    Returns
    -------
    torch.Tensor, shape (out_h, out_w)
        Equal to ``corr2d(X, K)``.

    Examples
    --------
    >>> X = torch.arange(9.0).reshape(3, 3)
    >>> corr2d_matmul(X, torch.tensor([[0.0, 1.0], [2.0, 3.0]]))  # doctest: +SKIP
    tensor([[19., 25.],
            [37., 43.]])
    """
    raise NotImplementedError


def kernel_matrix(K, input_shape):
    """The matrix ``W`` with ``(W @ X.reshape(-1)).reshape(out_h, out_w) == corr2d(X, K)``.

    满足 ``(W @ X.reshape(-1)).reshape(out_h, out_w) == corr2d(X, K)`` 的矩阵 ``W``。

    Parameters
    ----------
    K : torch.Tensor, shape (k_h, k_w)
        The kernel. / 核。
    input_shape : tuple of int, (n_h, n_w)
        Shape of the images ``W`` applies to. / ``W`` 所作用图像的形状。

    Returns
    -------
    torch.Tensor, shape (out_h * out_w, n_h * n_w)
        Same dtype as ``K``. / dtype 与 ``K`` 相同。

    Examples
    --------
    >>> kernel_matrix(torch.tensor([[1.0, -1.0]]), (1, 3))  # doctest: +SKIP
    tensor([[ 1., -1.,  0.],
            [ 0.,  1., -1.]])
    """
    raise NotImplementedError
