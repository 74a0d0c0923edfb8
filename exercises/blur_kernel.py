"""Exercise: design a blur kernel.

d2l-en 7.2 exercise 2.3 (the Chinese edition has no matching exercise / 中文版无对应练习)

A blur replaces each pixel by a weighted average of the pixels around it.

1. ``blur_kernel(size=3)``: return a ``(size, size)`` float tensor (float32) that

   - has no negative entries and sums to 1 (so a constant image is unchanged);
   - equals its own transpose and its horizontal and vertical flips (it does not
     shift or skew the image);
   - is low-pass for ``size >= 2``: it shrinks the amplitude of a checkerboard
     (+1, -1, +1, ... in both directions) and the variance of white noise.

   Any ``size >= 1`` must work (``size = 1`` can only be ``[[1.]]``). A box,
   a binomial or a sampled Gaussian kernel all qualify. Raise ``ValueError`` for a
   size that is not an integer >= 1.
2. ``WHY_BLUR``: why would you apply such a kernel? Set it to one of these keys:

   - ``"sharpen"``: to make edges crisper;
   - ``"denoise"``: to suppress pixel noise and fine detail, e.g. before
     downsampling or before edge detection;
   - ``"rotate"``: to rotate the image;
   - ``"detect"``: to find edges.

练习：设计一个模糊核

模糊操作把每个像素替换为其周围像素的加权平均。

1. ``blur_kernel(size=3)``：返回形状为 ``(size, size)`` 的浮点张量（float32），满足

   - 没有负元素，且所有元素之和为 1（因此常数图像保持不变）；
   - 等于它自身的转置，也等于它的水平翻转和垂直翻转（不会使图像平移或歪斜）；
   - 当 ``size >= 2`` 时是低通的：能减小棋盘格图案（两个方向上 +1, -1, +1, ... 交替）的幅度，
     也能减小白噪声的方差。

   任意 ``size >= 1`` 都必须可用（``size = 1`` 时只能是 ``[[1.]]``）。方框核、二项式核、
   采样的高斯核都符合要求。若 ``size`` 不是不小于 1 的整数，抛出 ``ValueError``。
2. ``WHY_BLUR``：为什么要使用这样的核？设为下列键之一：

   - ``"sharpen"``：让边缘更清晰（锐化）；
   - ``"denoise"``：抑制像素噪声和细小的细节，例如在下采样或边缘检测之前；
   - ``"rotate"``：旋转图像；
   - ``"detect"``：检测边缘。
"""

import torch


def blur_kernel(size=3):
    """A blur (averaging) kernel.

    Parameters
    ----------
    size : int, optional
        Side of the kernel, ``size >= 1`` (default 3).

    Returns
    -------
    torch.Tensor, shape (size, size), float
        Non-negative, sums to 1, symmetric under transpose and both flips,
        low-pass for ``size >= 2``.

    Raises
    ------
    ValueError
        If ``size`` is not an integer >= 1.

    Examples
    --------
    >>> K = blur_kernel(3)
    >>> K.shape
    torch.Size([3, 3])
    >>> float(K.sum())
    1.0
    """
    raise NotImplementedError


WHY_BLUR = ""  # one of / 之一: "sharpen", "denoise", "rotate", "detect"
