"""Exercise: an edge detector for any direction.

d2l-en 7.2 exercise 2.1 (the Chinese edition has no matching exercise / 中文版无对应练习)

The section's kernel ``[[1, -1]]`` reacts to intensity changing from one column
to the next, so it finds vertical edges. Generalise it to a direction
``v = (v_x, v_y)``.

Conventions. ``v`` is given in (x, y) order: ``v_x`` along the columns (index
``j``, to the right), ``v_y`` along the rows (index ``i``, which grows
*downwards*). A linear ramp is the image ``f[i, j] = a * j + b * i + c``: its
intensity grows by ``a`` per column and by ``b`` per row.

``directional_edge_kernel(v)``: return a 2-D float tensor (float32) ``K``, of any
size up to 31x31 (a 3x3 Sobel, a 2x2 forward difference, a 19x19 derivative of
a Gaussian all qualify), such that for every ramp ``f`` (large enough for ``K`` to fit)
``corr2d(f, K)`` is the same value at every position, namely
``s * (v_x * a + v_y * b)``, where ``s > 0`` is one number of your choice that
must not depend on ``a``, ``b`` or ``c`` (it may depend on ``v``). Such a kernel
responds to intensity change along ``v`` - edges orthogonal to ``v`` - and gives 0
for change along ``(v_y, -v_x)``. ``v`` may be a tuple, a list or a tensor of two
real numbers; raise ``ValueError`` if both are zero.

练习：任意方向的边缘检测器

本节的核 ``[[1, -1]]`` 对相邻两列之间的强度变化有响应，因此能找到竖直边缘。
请把它推广到方向 ``v = (v_x, v_y)``。

约定：``v`` 按 (x, y) 顺序给出：``v_x`` 沿列方向（下标 ``j``，向右），``v_y`` 沿行方向
（下标 ``i``，向下增长）。线性斜坡是图像 ``f[i, j] = a * j + b * i + c``：
每向右一列强度增加 ``a``，每向下一行强度增加 ``b``。

``directional_edge_kernel(v)``：返回一个二维浮点张量（float32）``K``，大小自定（不超过
31x31；3x3 的 Sobel 核、2x2 的前向差分、19x19 的高斯导数核都可以），使得对
任意斜坡 ``f``（足够大，能放下 ``K``），``corr2d(f, K)`` 在每个位置都取同一个值
``s * (v_x * a + v_y * b)``，其中 ``s > 0`` 是你选定的一个数，不能依赖于 ``a``、``b``、``c``
（可以依赖于 ``v``）。这样的核对沿 ``v`` 方向的强度变化有响应——即与 ``v`` 正交的边缘——
而对沿 ``(v_y, -v_x)`` 方向的变化输出 0。``v`` 可以是包含两个实数的元组、列表或张量；
若两个分量都为零，抛出 ``ValueError``。
"""

import torch


def directional_edge_kernel(v):
    """An edge-detection kernel for the direction ``v``.

    Parameters
    ----------
    v : sequence of two real numbers
        ``(v_x, v_y)``: x to the right (columns), y downwards (rows); not both zero.

    Returns
    -------
    torch.Tensor, 2-D, float
        ``K`` with ``corr2d(f, K) == s * (v_x * a + v_y * b)`` everywhere for
        every ramp ``f[i, j] = a * j + b * i + c``, for one ``s > 0``.

    Raises
    ------
    ValueError
        If ``v_x`` and ``v_y`` are both zero.

    Examples
    --------
    With ``K = directional_edge_kernel((0.0, 1.0))`` the ramp ``f[i, j] = i``
    (brighter downwards) gives a positive constant and ``f[i, j] = j`` gives 0.
    """
    raise NotImplementedError
