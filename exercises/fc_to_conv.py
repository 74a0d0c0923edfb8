"""Exercises: from fully connected layers to convolutions.

d2l-en 7.1 / d2l-zh 6.1. The two editions order the same six exercises
differently / 两个版本的六道练习内容相同，但顺序不同:

======================  ============  ============  ================================
name                    d2l-en 7.1    d2l-zh 6.1    topic / 主题
======================  ============  ============  ================================
pixelwise_linear        exercise 1    练习 1        Delta = 0 / 1x1 卷积
corr1d                  exercise 2    练习 4        audio / 音频
TRANSLATION_DRAWBACK    exercise 3    练习 2        translation invariance / 平移不变性
receptive_field         exercise 4    练习 5        text / 文本
corr2d_same             exercise 5    练习 3        image boundary / 图像边界
conv2d_full             exercise 6    练习 6        f * g = g * f
======================  ============  ============  ================================

Inputs are float tensors; return floating tensors (best with the inputs' dtype and device).
``corr2d`` is the 'valid' cross-correlation of ``cross_correlation.py``, imported below.

1. ``pixelwise_linear(X, weight, bias)``: with ``Delta = 0`` the convolutional layer
   only looks at one pixel, across all its channels. ``X`` has shape
   ``(C_in, H, W)``, ``weight`` ``(C_out, C_in)``, ``bias`` ``(C_out,)``. Return
   ``Y`` of shape ``(C_out, H, W)`` with
   ``Y[d, i, j] = sum_c weight[d, c] * X[c, i, j] + bias[d]``, computed by a matrix
   product over the channels (no loop over pixels). It must equal a 1x1
   convolution with that weight and bias.
2. ``corr1d(x, k)``: audio is a 1-D signal. Return the 1-D 'valid'
   cross-correlation ``y[t] = sum_a k[a] * x[t + a]``, shape
   ``(len(x) - len(k) + 1,)``, for 1-D ``x`` and ``k`` with ``1 <= len(k) <= len(x)``;
   it equals ``scipy.signal.correlate(x, k, mode="valid")``.
3. ``TRANSLATION_DRAWBACK``: why might translation invariance be a bad idea?
   Set it to one of these keys:

   - ``"position"``: when the absolute position of a pattern carries meaning,
     a translation-invariant layer cannot tell positions apart;
   - ``"slower"``: convolutional layers are slower to compute than fully
     connected ones;
   - ``"more_parameters"``: translation invariance needs more parameters;
   - ``"none"``: it has no drawback.
4. ``receptive_field(kernel_sizes)``: for text, one output of a convolution sees
   only a window of consecutive tokens. After stride-1 'valid' convolutions with
   square kernels of the given sides (in order), how many input positions per
   axis can one output element depend on? Return an int; raise ``ValueError`` if
   a side is not an integer >= 1. (The section's two stacked 2x2 layers see 3.)
5. ``corr2d_same(X, K, mode="constant")``: at the image boundary part of the
   window falls outside the image. Pad ``X`` by ``k_h // 2`` rows above and below
   and ``k_w // 2`` columns left and right, then apply ``corr2d``, so the output
   has ``X``'s shape ``(n_h, n_w)``. ``K`` must have odd sides (else
   ``ValueError``). The border is filled as ``numpy.pad`` fills it for ``mode``:
   ``"constant"`` (zeros), ``"edge"`` (repeat the last pixel), ``"reflect"``
   (mirror without repeating the border pixel), ``"symmetric"`` (mirror including
   it), ``"wrap"`` (continue from the opposite side), also where the padding
   is wider than ``X`` (a 5x7 kernel on a 2x3 image: numpy.pad then mirrors or
   wraps again and again, where ``torch.nn.functional.pad`` refuses). Any
   other mode, among them numpy.pad's other modes (``"maximum"``,
   ``"linear_ramp"``, ...): ``ValueError`` naming the valid ones.
6. ``conv2d_full(X, K)``: strict convolution (the kernel flipped in both axes)
   with 'full' output of shape ``(n_h + k_h - 1, n_w + k_w - 1)``: every placement
   where kernel and image overlap, zeros outside the image; it equals
   ``scipy.signal.convolve2d(X, K, mode="full")``. Check that
   ``conv2d_full(X, K)`` equals ``conv2d_full(K, X)``, and explain why in its docstring.

练习：从全连接层到卷积

输入为浮点张量；返回浮点张量（最好保持输入的 dtype 和设备）。``corr2d`` 是 ``cross_correlation.py``
中的 'valid' 互相关，已在下方导入。

1. ``pixelwise_linear(X, weight, bias)``：当 ``Delta = 0`` 时，卷积层只看一个像素的全部通道。
   ``X`` 形状为 ``(C_in, H, W)``，``weight`` 为 ``(C_out, C_in)``，``bias`` 为 ``(C_out,)``。
   返回形状为 ``(C_out, H, W)`` 的 ``Y``，
   ``Y[d, i, j] = sum_c weight[d, c] * X[c, i, j] + bias[d]``，用一次跨通道的矩阵乘法计算
   （不要对像素循环）。结果必须等于使用同样权重和偏置的 1x1 卷积。
2. ``corr1d(x, k)``：音频是一维信号。对一维的 ``x`` 和 ``k``（``1 <= len(k) <= len(x)``），
   返回一维 'valid' 互相关 ``y[t] = sum_a k[a] * x[t + a]``，形状为
   ``(len(x) - len(k) + 1,)``，它等于 ``scipy.signal.correlate(x, k, mode="valid")``。
3. ``TRANSLATION_DRAWBACK``：为什么平移不变性可能不是好主意？设为下列键之一：

   - ``"position"``：当图案的绝对位置本身有含义时，平移不变的层无法区分不同的位置；
   - ``"slower"``：卷积层的计算比全连接层慢；
   - ``"more_parameters"``：平移不变性需要更多参数；
   - ``"none"``：它没有缺点。
4. ``receptive_field(kernel_sizes)``：对文本而言，卷积的一个输出只能看到一段连续的词元窗口。
   依次经过若干步幅为 1、'valid' 模式、边长为给定值的方形卷积核之后，一个输出元素在每个轴上
   最多依赖多少个输入位置？返回整数；若某个边长不是不小于 1 的整数，抛出 ``ValueError``。
   （本节中两层堆叠的 2x2 卷积看到 3 个。）
5. ``corr2d_same(X, K, mode="constant")``：在图像边界处，窗口有一部分落在图像之外。
   先在 ``X`` 的上下各填充 ``k_h // 2`` 行、左右各填充 ``k_w // 2`` 列，再做 ``corr2d``，
   使输出形状与 ``X`` 相同，为 ``(n_h, n_w)``。``K`` 的两边长必须为奇数（否则抛出
   ``ValueError``）。边界按 ``numpy.pad`` 对 ``mode`` 的方式填充：``"constant"``（填零）、
   ``"edge"``（重复最外侧像素）、``"reflect"``（镜像，不重复边界像素）、``"symmetric"``
   （镜像，包含边界像素）、``"wrap"``（从对侧接续）；填充宽度超过 ``X`` 时也一样（例如
   5x7 的核作用于 2x3 的图像：numpy.pad 会一次又一次地镜像或环绕，而
   ``torch.nn.functional.pad`` 会拒绝）。其他任何模式，包括 numpy.pad 的其余模式
   （``"maximum"``、``"linear_ramp"`` 等）：抛出 ``ValueError``，并在信息中列出合法的模式。
6. ``conv2d_full(X, K)``：严格卷积（核在两个方向上翻转），'full' 输出，形状为
   ``(n_h + k_h - 1, n_w + k_w - 1)``：包含核与图像有重叠的所有位置，图像外视为零；
   它等于 ``scipy.signal.convolve2d(X, K, mode="full")``。验证 ``conv2d_full(X, K)``
   等于 ``conv2d_full(K, X)``，并在函数的文档字符串中解释原因。
"""

import torch

from cross_correlation import corr2d


def pixelwise_linear(X, weight, bias):
    """One affine map over the channels, applied at every pixel (a 1x1 convolution).

    Parameters
    ----------
    X : torch.Tensor, shape (C_in, H, W)
    weight : torch.Tensor, shape (C_out, C_in)
    bias : torch.Tensor, shape (C_out,)

    Returns
    -------
    torch.Tensor, shape (C_out, H, W)
        ``Y[d, i, j] = sum_c weight[d, c] * X[c, i, j] + bias[d]``.
    """
    raise NotImplementedError


def corr1d(x, k):
    """1-D 'valid' cross-correlation.

    Parameters
    ----------
    x : torch.Tensor, shape (n,)
    k : torch.Tensor, shape (m,), with 1 <= m <= n

    Returns
    -------
    torch.Tensor, shape (n - m + 1,)
        ``y[t] = sum_a k[a] * x[t + a]``.

    Examples
    --------
    >>> corr1d(torch.tensor([1.0, 2.0, 3.0, 4.0]), torch.tensor([1.0, -1.0]))
    tensor([-1., -1., -1.])
    """
    raise NotImplementedError


TRANSLATION_DRAWBACK = ""  # one of / 之一: "position", "slower", "more_parameters", "none"


def receptive_field(kernel_sizes):
    """Input positions per axis seen by one output after stacked convolutions.

    Parameters
    ----------
    kernel_sizes : iterable of int
        Sides of the square kernels, in order, each >= 1 (stride 1, no padding).

    Returns
    -------
    int

    Raises
    ------
    ValueError
        If a side is not an integer >= 1.

    Examples
    --------
    >>> receptive_field([2, 2])
    3
    """
    raise NotImplementedError


def corr2d_same(X, K, mode="constant"):
    """Cross-correlation whose output has the shape of the input.

    Parameters
    ----------
    X : torch.Tensor, shape (n_h, n_w)
    K : torch.Tensor, shape (k_h, k_w), both sides odd
    mode : str, optional
        How to fill the border, as in ``numpy.pad``: ``"constant"`` (zeros,
        default), ``"edge"``, ``"reflect"``, ``"symmetric"``, ``"wrap"``.

    Returns
    -------
    torch.Tensor, shape (n_h, n_w)
        ``corr2d`` of ``X`` padded by ``(k_h // 2, k_w // 2)`` on each side.

    Raises
    ------
    ValueError
        If a side of ``K`` is even, or ``mode`` is not one of the five above
        (numpy.pad's other modes included).
    """
    raise NotImplementedError


def conv2d_full(X, K):
    """Strict 2-D convolution (kernel flipped), 'full' output.

    Explain here why ``conv2d_full(X, K) == conv2d_full(K, X)``.

    Parameters
    ----------
    X : torch.Tensor, shape (n_h, n_w)
    K : torch.Tensor, shape (k_h, k_w)

    Returns
    -------
    torch.Tensor, shape (n_h + k_h - 1, n_w + k_w - 1)
        Equal to ``scipy.signal.convolve2d(X, K, mode="full")``.
    """
    raise NotImplementedError
