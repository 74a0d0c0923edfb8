"""Transposing the image or the kernel.

d2l-en 7.2 exercises 1.2-1.3 / d2l-zh 6.2 练习 1.2–1.3

English
-------
Keep the diagonal image of the previous exercise in mind and ask what changes
when you transpose the image ``X`` or the kernel ``K``.

1. ``transposed_image_response(X, K)``: return ``corr2d(X.T, K)``.
2. ``transposed_kernel_response(X, K)``: return ``corr2d(X, K.T)``.
3. ``via_transposed_kernel(X, K)``: return a tensor with exactly the values
   and shape of ``corr2d(X.T, K)``, but without transposing ``X``: transpose
   the kernel and the output instead. Only what this function's own body does
   to ``X`` counts; what your ``corr2d`` does inside is its own business. Work
   out on paper which index of the output reads which pixel of the image
   before you code it. It is checked on non-square images and non-square
   kernels.

Then answer three multiple-choice questions. For the first two, take
``X = torch.eye(8)`` and ``K = torch.tensor([[1.0, -1.0]])`` (the chapter's
kernel) and compare with ``corr2d(X, K)``; the keys are:

* ``"same"``: equal to ``corr2d(X, K)``;
* ``"transposed"``: equal to ``corr2d(X, K).T``;
* ``"zero"``: all zeros;
* ``"negated"``: equal to ``-corr2d(X, K)``.

4. ``TRANSPOSE_X``: how does ``corr2d(X.T, K)`` compare with ``corr2d(X, K)``?
5. ``TRANSPOSE_K``: how does ``corr2d(X, K.T)`` compare with ``corr2d(X, K)``?
6. ``IDENTITY``: which equation holds for *every* ``X`` and ``K`` (whenever
   both sides are defined)? Keys:

   * ``"a"``: ``corr2d(X.T, K) == corr2d(X, K).T``;
   * ``"b"``: ``corr2d(X.T, K) == corr2d(X, K.T).T``;
   * ``"c"``: ``corr2d(X.T, K.T) == corr2d(X, K)``;
   * ``"d"``: ``corr2d(X.T, K) == -corr2d(X, K)``.

   Ask yourself whether your answer to ``TRANSPOSE_X`` is a property of
   transposition or of this particular ``X``.

All functions return floating-point tensors and must work for any 2-D ``X``
and ``K`` for which the named cross-correlation is defined.

中文
----
回想上一题的对角线图像，思考转置图像 ``X`` 或转置核 ``K`` 会带来什么变化。

1. ``transposed_image_response(X, K)``：返回 ``corr2d(X.T, K)``。
2. ``transposed_kernel_response(X, K)``：返回 ``corr2d(X, K.T)``。
3. ``via_transposed_kernel(X, K)``：返回与 ``corr2d(X.T, K)`` 形状和数值完全相同
   的张量，但不能转置 ``X``：改为转置核和输出。只看这个函数本身对 ``X`` 做了什么；
   你的 ``corr2d`` 内部怎么做与此无关。动手写代码之前，先在纸上推出输出的
   每个下标读取的是图像的哪个像素。评分时会使用非方阵图像和非方阵核。

然后回答三道选择题。前两题取 ``X = torch.eye(8)``、
``K = torch.tensor([[1.0, -1.0]])``（本节的核），与 ``corr2d(X, K)`` 比较；可选键为：

* ``"same"``：与 ``corr2d(X, K)`` 相等；
* ``"transposed"``：与 ``corr2d(X, K).T`` 相等；
* ``"zero"``：全为零；
* ``"negated"``：与 ``-corr2d(X, K)`` 相等。

4. ``TRANSPOSE_X``：``corr2d(X.T, K)`` 与 ``corr2d(X, K)`` 相比如何？
5. ``TRANSPOSE_K``：``corr2d(X, K.T)`` 与 ``corr2d(X, K)`` 相比如何？
6. ``IDENTITY``：下列哪个等式对*所有* ``X`` 和 ``K``（只要两边都有定义）都成立？可选键：

   * ``"a"``：``corr2d(X.T, K) == corr2d(X, K).T``；
   * ``"b"``：``corr2d(X.T, K) == corr2d(X, K.T).T``；
   * ``"c"``：``corr2d(X.T, K.T) == corr2d(X, K)``；
   * ``"d"``：``corr2d(X.T, K) == -corr2d(X, K)``。

   想一想：你对 ``TRANSPOSE_X`` 的答案是转置本身的性质，还是这个特定 ``X`` 的性质？

所有函数都返回浮点张量，并且对任何使相应互相关有定义的二维 ``X`` 和 ``K`` 都要正确。
"""

from cross_correlation import corr2d


def transposed_image_response(X, K):
    """Cross-correlate the transposed image with the kernel.

    转置图像后与核做互相关。

    Parameters
    ----------
    X : torch.Tensor, shape (n_h, n_w)
        The image. / 图像。
    K : torch.Tensor, shape (k_h, k_w)
        The kernel, ``k_h <= n_w`` and ``k_w <= n_h``. / 核。

    Returns
    -------
    torch.Tensor, shape (n_w - k_h + 1, n_h - k_w + 1)
        ``corr2d(X.T, K)``.
    """
    raise NotImplementedError


def transposed_kernel_response(X, K):
    """Cross-correlate the image with the transposed kernel.

    图像与转置后的核做互相关。

    Parameters
    ----------
    X : torch.Tensor, shape (n_h, n_w)
        The image. / 图像。
    K : torch.Tensor, shape (k_h, k_w)
        The kernel, ``k_w <= n_h`` and ``k_h <= n_w``. / 核。

    Returns
    -------
    torch.Tensor, shape (n_h - k_w + 1, n_w - k_h + 1)
        ``corr2d(X, K.T)``.
    """
    raise NotImplementedError


def via_transposed_kernel(X, K):
    """The values of ``corr2d(X.T, K)``, computed without transposing ``X``.

    不转置 ``X``，算出 ``corr2d(X.T, K)`` 的值。

    Parameters
    ----------
    X : torch.Tensor, shape (n_h, n_w)
        The image; do not transpose it. / 图像；不要转置它。
    K : torch.Tensor, shape (k_h, k_w)
        The kernel, ``k_h <= n_w`` and ``k_w <= n_h``. / 核。

    Returns
    -------
    torch.Tensor, shape (n_w - k_h + 1, n_h - k_w + 1)
        Equal to ``corr2d(X.T, K)``. / 与 ``corr2d(X.T, K)`` 相等。

    Examples
    --------
    >>> X = torch.arange(12.0).reshape(3, 4)
    >>> K = torch.tensor([[1.0, -1.0]])
    >>> torch.equal(via_transposed_kernel(X, K), corr2d(X.T, K))  # doctest: +SKIP
    True
    """
    raise NotImplementedError


# Each one of "same", "transposed", "zero", "negated" (see the module docstring).
# 每个取值为 "same"、"transposed"、"zero"、"negated" 之一（见模块文档字符串）。
TRANSPOSE_X = ""
TRANSPOSE_K = ""

# One of "a", "b", "c", "d" (see the module docstring).
# 取值为 "a"、"b"、"c"、"d" 之一（见模块文档字符串）。
IDENTITY = ""
