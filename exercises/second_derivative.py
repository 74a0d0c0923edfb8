"""Exercise: a kernel for the second derivative.

d2l-en 7.2 exercise 2.2 / d2l-zh 6.2 练习 4.1

The kernel ``[[1, -1]]`` in the section is a finite difference: it compares each
pixel with its right-hand neighbour, a discrete first derivative along a row.
Now go one order up.

Conventions. A 1-D kernel is applied with ``corr2d`` (from ``cross_correlation.py``)
to one row of samples taken at unit spacing, ``X[0, j] = f(j)``. For a 2-D
function ``f(x, y)`` the samples are ``X[i, j] = f(x=j, y=i)``: the column index
``j`` is the x axis (to the right), the row index ``i`` is the y axis (downwards).
Return float tensors (float32).

1. ``second_derivative_kernel()``: a kernel of shape ``(1, 3)`` such that
   ``corr2d`` with samples of ``f`` gives ``f''`` exactly, at every output
   position, for every polynomial ``f`` of degree <= 2. Hint: require exactness
   on ``1``, ``x`` and ``x**2`` and solve for the weights.
2. ``laplacian_kernel()``: a kernel of shape ``(3, 3)`` such that ``corr2d`` with
   samples of ``f(x, y)`` gives ``f_xx + f_yy`` exactly for every polynomial of
   degree <= 2 in ``x`` and ``y``.
3. ``MIN_SIZE``: an int, the smallest number of taps of a 1-D kernel that can give
   the second derivative in this sense.
4. ``STRONGEST``: which structures in an image give the strongest response (the
   largest absolute output per unit of contrast) to your second-derivative
   kernel? Set it to one of these keys:

   - ``"flat"``: flat regions of constant intensity;
   - ``"ramps"``: linear intensity ramps (smooth gradients);
   - ``"lines"``: thin lines and isolated dots, one pixel wide;
   - ``"steps"``: step edges between two flat regions.

练习：二阶导数的卷积核

本节中的核 ``[[1, -1]]`` 是一个有限差分：它把每个像素与右侧相邻像素比较，
即沿行方向的离散一阶导数。现在把阶数升高一阶。

约定：一维核用 ``corr2d``（来自 ``cross_correlation.py``）作用于按单位间距采样的一行，
``X[0, j] = f(j)``。对二元函数 ``f(x, y)``，采样为 ``X[i, j] = f(x=j, y=i)``：
列下标 ``j`` 是 x 轴（向右），行下标 ``i`` 是 y 轴（向下）。返回浮点张量（float32）。

1. ``second_derivative_kernel()``：形状为 ``(1, 3)`` 的核，使得对任意次数不超过 2 的
   多项式 ``f``，用它对 ``f`` 的采样做 ``corr2d``，在每个输出位置都精确得到 ``f''``。
   提示：要求对 ``1``、``x``、``x**2`` 精确成立，解出权重。
2. ``laplacian_kernel()``：形状为 ``(3, 3)`` 的核，使得对任意关于 ``x``、``y`` 次数不超过 2
   的多项式，用它对 ``f(x, y)`` 的采样做 ``corr2d`` 精确得到 ``f_xx + f_yy``。
3. ``MIN_SIZE``：整数，在上述意义下能给出二阶导数的一维核最少需要多少个元素（抽头）。
4. ``STRONGEST``：图像中哪种结构对你的二阶导数核响应最强（每单位对比度的输出绝对值最大）？
   设为下列键之一：

   - ``"flat"``：强度恒定的平坦区域；
   - ``"ramps"``：线性变化的强度斜坡（平滑渐变）；
   - ``"lines"``：一个像素宽的细线和孤立的点；
   - ``"steps"``：两块平坦区域之间的阶跃边缘。
"""

import torch


def second_derivative_kernel():
    """The 1-D second-derivative kernel.

    Returns
    -------
    torch.Tensor, shape (1, 3), float
        ``corr2d`` of samples ``X[0, j] = f(j)`` with it equals ``f''`` for every
        polynomial ``f`` of degree <= 2.

    Examples
    --------
    For ``f(x) = x**2`` (``f'' = 2``) the samples are ``[[0, 1, 4, 9, 16]]`` and
    ``corr2d(X, second_derivative_kernel())`` should be ``[[2, 2, 2]]``.
    """
    raise NotImplementedError


def laplacian_kernel():
    """The 2-D Laplacian kernel.

    Returns
    -------
    torch.Tensor, shape (3, 3), float
        ``corr2d`` of samples ``X[i, j] = f(x=j, y=i)`` with it equals
        ``f_xx + f_yy`` for every polynomial of degree <= 2 in ``x`` and ``y``.

    Examples
    --------
    For ``f(x, y) = x**2 + 3 * y**2`` every output should be ``2 + 6 = 8``.
    """
    raise NotImplementedError


MIN_SIZE = None  # replace with an int / 替换为一个整数

STRONGEST = ""  # one of / 之一: "flat", "ramps", "lines", "steps"
