"""The hand-written ``Conv2D`` and the training loop: what goes wrong, and a fix.

d2l-en 7.2 exercise 3 / d2l-zh 6.2 练习 2

English
-------
The chapter defines its own layer ``Conv2D`` on top of ``corr2d``, but then
learns the edge kernel with the built-in ``nn.Conv2d``, feeding it the 6x8
image reshaped to ``(1, 1, 6, 8)``. The exercise asks what error you see if you
use the hand-written layer in that loop instead. Find out, explain it, and fix it.

1. ``Conv2D(kernel_size)``: the chapter's layer. Parameters ``weight`` (an
   ``nn.Parameter`` of shape ``kernel_size``, random initial values, e.g.
   ``torch.rand``) and ``bias`` (an ``nn.Parameter`` of shape ``(1,)``, zeros).
   ``forward(X)`` takes a 2-D ``X`` and returns ``corr2d(X, weight) + bias``.
2. ``reproduce_error()``: build the chapter's image (6x8, ones, with the middle
   four columns 2..5 set to zero) and its target ``corr2d(X, [[1., -1.]])``
   (6x7); reshape them to ``(1, 1, 6, 8)`` and ``(1, 1, 6, 7)``. Create
   ``Conv2D((1, 2))`` and run the chapter's loop on it: 10 steps, learning
   rate ``3e-2``; each step computes ``Y_hat``, the squared error
   ``(Y_hat - Y) ** 2``, zeroes the gradients, calls ``backward()`` on the sum,
   and updates ``weight.data -= lr * weight.grad``. Wrap the loop in
   ``try``/``except``, and **return** the exception object (do not raise it).
   It is graded against what the same loop raises with *your* ``Conv2D`` and
   *your* ``corr2d``: same type and same message. A loop-based and a
   vectorised ``corr2d`` fail in different ways; both are right.
3. ``ERROR_CAUSE``: why does it fail? Keys:

   * ``"inplace"``: autograd forbids writing into ``Y`` in place inside ``corr2d``;
   * ``"loops"``: autograd cannot differentiate through Python ``for`` loops;
   * ``"shape"``: ``corr2d`` takes the batch and channel axes for height and
     width, so the output is empty and the loss cannot broadcast against ``Y``;
   * ``"dtype"``: float64 parameters meet float32 data.

   Check each explanation with an experiment (e.g. does the layer train on
   the 2-D image?) rather than by reading the message alone.
4. ``BatchConv2D(kernel_size)``: same constructor and parameters as ``Conv2D``,
   but ``forward(X)`` accepts a 2-D image ``(H, W)`` and returns ``(H', W')``,
   or a batch ``(N, 1, H, W)`` and returns ``(N, 1, H', W')``, where
   ``H' = H - k_h + 1`` and ``W' = W - k_w + 1``. Values and gradients (for
   ``weight`` and ``bias``) must match
   ``torch.nn.functional.conv2d(X, weight.reshape(1, 1, k_h, k_w), bias)``.
   An empty batch ``(0, 1, H, W)`` gives an empty ``(0, 1, H', W')``, as with
   ``nn.Conv2d`` (careful: ``torch.stack([])`` raises). Raise ``ValueError``
   for any other number of dimensions or channels.
5. ``learn_kernel(X, Y, kernel_size=(1, 2), steps=10, lr=3e-2)``: do what the
   chapter does with ``nn.Conv2d(..., bias=False)``, but with your layer:
   create a ``BatchConv2D(kernel_size)`` (its random initial weight is your
   choice: ``torch.rand``, ``torch.randn``, ...), keep its bias at zero and
   never update it, and take exactly ``steps`` plain gradient-descent steps
   ``weight -= lr * weight.grad`` on the summed squared error
   ``((net(X) - Y) ** 2).sum()``, with ``X`` of shape ``(N, 1, H, W)`` and
   ``Y`` of shape ``(N, 1, H', W')``. Return the learned weight, shape
   ``kernel_size``, detached from the graph; ``steps=0`` returns the initial
   weight. It is graded on the path it takes, whatever the initialisation:
   the grader fixes the random state, calls ``learn_kernel(..., steps=0)`` and
   ``learn_kernel(..., steps=k)``, and replays ``k`` steps from the first
   result; the second must match. With a ``torch.rand`` start and the defaults
   on the chapter's image it ends within 0.15 of ``[[1, -1]]``; with a
   suitable learning rate and enough steps it recovers whatever kernel
   generated ``Y``. (Training the bias too at lr 3e-2 diverges on the
   chapter's data; try it and see.)

中文
----
本节先基于 ``corr2d`` 手写了 ``Conv2D`` 层，随后却用内置的 ``nn.Conv2d`` 来学习
边缘核，并把 6x8 图像变形为 ``(1, 1, 6, 8)``。练习问：如果在这个训练循环里换用
手写的层，会看到什么错误？请复现它、解释它，并修好它。

1. ``Conv2D(kernel_size)``：本节的层。参数 ``weight``（形状为 ``kernel_size`` 的
   ``nn.Parameter``，随机初始化，例如 ``torch.rand``）和 ``bias``（形状为 ``(1,)``
   的 ``nn.Parameter``，初始为零）。``forward(X)`` 接收二维 ``X``，返回
   ``corr2d(X, weight) + bias``。
2. ``reproduce_error()``：构造本节的图像（6x8，全为 1，中间第 2 到 5 列为 0）及其
   目标 ``corr2d(X, [[1., -1.]])``（6x7），分别变形为 ``(1, 1, 6, 8)`` 和
   ``(1, 1, 6, 7)``。创建 ``Conv2D((1, 2))`` 并运行本节的训练循环：10 步，学习率
   ``3e-2``；每一步计算 ``Y_hat``、平方误差 ``(Y_hat - Y) ** 2``，清零梯度，对误差
   之和调用 ``backward()``，再更新 ``weight.data -= lr * weight.grad``。用
   ``try``/``except`` 包住循环，**返回**异常对象（不要抛出）。评分时会用*你的*
   ``Conv2D`` 和*你的* ``corr2d`` 运行同样的循环，要求类型和消息都相同。循环版与
   向量化版的 ``corr2d`` 失败方式不同，两者都算对。
3. ``ERROR_CAUSE``：为什么会失败？可选键：

   * ``"inplace"``：自动求导禁止在 ``corr2d`` 中原地写入 ``Y``；
   * ``"loops"``：自动求导无法对 Python 的 ``for`` 循环求导；
   * ``"shape"``：``corr2d`` 把批量轴和通道轴当成了高和宽，输出为空，损失无法与
     ``Y`` 广播；
   * ``"dtype"``：float64 的参数遇上了 float32 的数据。

   请用实验检验每种解释（例如：这个层在二维图像上能否训练？），不要只看错误信息。
4. ``BatchConv2D(kernel_size)``：构造函数和参数与 ``Conv2D`` 相同，但
   ``forward(X)`` 既接收二维图像 ``(H, W)`` 并返回 ``(H', W')``，也接收批量
   ``(N, 1, H, W)`` 并返回 ``(N, 1, H', W')``，其中 ``H' = H - k_h + 1``、
   ``W' = W - k_w + 1``。数值以及 ``weight``、``bias`` 的梯度都必须与
   ``torch.nn.functional.conv2d(X, weight.reshape(1, 1, k_h, k_w), bias)`` 一致。
   空批量 ``(0, 1, H, W)`` 要返回空的 ``(0, 1, H', W')``，与 ``nn.Conv2d`` 相同
   （注意：``torch.stack([])`` 会报错）。其他维数或通道数要抛出 ``ValueError``。
5. ``learn_kernel(X, Y, kernel_size=(1, 2), steps=10, lr=3e-2)``：用你自己的层完成
   本节用 ``nn.Conv2d(..., bias=False)`` 做的事：创建 ``BatchConv2D(kernel_size)``
   （随机初始权重由你决定：``torch.rand``、``torch.randn`` 等），偏置保持为零且从不
   更新，对平方误差之和 ``((net(X) - Y) ** 2).sum()`` 恰好做 ``steps`` 步普通梯度
   下降 ``weight -= lr * weight.grad``；``X`` 形状为 ``(N, 1, H, W)``，``Y`` 形状为
   ``(N, 1, H', W')``。返回学到的权重，形状为 ``kernel_size``，并与计算图分离
   （detach）；``steps=0`` 时返回初始权重。评分看的是训练轨迹，与初始化无关：评分器
   固定随机状态，分别调用 ``learn_kernel(..., steps=0)`` 和
   ``learn_kernel(..., steps=k)``，从前者的结果出发重放 ``k`` 步，后者必须与之一致。
   用 ``torch.rand`` 初始化并使用默认参数时，在本节图像上结果与 ``[[1, -1]]`` 相差
   不超过 0.15；只要学习率合适、步数足够，它就能恢复生成 ``Y`` 的任意核。（在本节
   数据上以 3e-2 的学习率同时训练偏置会发散，不妨试试。）
"""

import torch
from torch import nn

from cross_correlation import corr2d


class Conv2D(nn.Module):
    """The chapter's 2-D convolutional layer: one kernel and one scalar bias.

    本节的二维卷积层：一个核加一个标量偏置。

    Parameters
    ----------
    kernel_size : tuple of int, (k_h, k_w)
        Shape of the kernel. / 核的形状。

    Attributes
    ----------
    weight : nn.Parameter, shape kernel_size
        The kernel, random initial values. / 核，随机初始化。
    bias : nn.Parameter, shape (1,)
        The bias, initially zero. / 偏置，初始为零。
    """

    def __init__(self, kernel_size):
        super().__init__()
        raise NotImplementedError

    def forward(self, X):
        """Return ``corr2d(X, weight) + bias``.

        Parameters
        ----------
        X : torch.Tensor, shape (n_h, n_w)

        Returns
        -------
        torch.Tensor, shape (n_h - k_h + 1, n_w - k_w + 1)
        """
        raise NotImplementedError


def reproduce_error():
    """Run the chapter's 4-D training loop on ``Conv2D((1, 2))`` and return the exception.

    运行本节的四维训练循环，返回（而不是抛出）它引发的异常。

    Returns
    -------
    BaseException
        The exception object raised by the loop (caught, not re-raised).
        循环引发的异常对象（捕获后返回，不要再抛出）。
    """
    raise NotImplementedError


# One of "inplace", "loops", "shape", "dtype" (see the module docstring).
# 取值为 "inplace"、"loops"、"shape"、"dtype" 之一（见模块文档字符串）。
ERROR_CAUSE = ""


class BatchConv2D(nn.Module):
    """``Conv2D`` that also accepts a batch ``(N, 1, H, W)``, like ``nn.Conv2d``.

    也能接收批量输入 ``(N, 1, H, W)`` 的 ``Conv2D``，用法与 ``nn.Conv2d`` 相同。

    Parameters
    ----------
    kernel_size : tuple of int, (k_h, k_w)
        Shape of the kernel. / 核的形状。

    Attributes
    ----------
    weight : nn.Parameter, shape kernel_size
        The kernel, random initial values. / 核，随机初始化。
    bias : nn.Parameter, shape (1,)
        The bias, initially zero. / 偏置，初始为零。
    """

    def __init__(self, kernel_size):
        super().__init__()
        raise NotImplementedError

    def forward(self, X):
        """Cross-correlate each image with the kernel and add the bias.

        Parameters
        ----------
        X : torch.Tensor, shape (H, W) or (N, 1, H, W)

        Returns
        -------
        torch.Tensor, shape (H', W') or (N, 1, H', W')
            ``H' = H - k_h + 1``, ``W' = W - k_w + 1``; ``N`` may be 0.

        Raises
        ------
        ValueError
            If ``X`` is neither 2-D nor 4-D with one channel.
        """
        raise NotImplementedError


def learn_kernel(X, Y, kernel_size=(1, 2), steps=10, lr=3e-2):
    """Learn the kernel mapping ``X`` to ``Y`` with a ``BatchConv2D`` (bias fixed at 0).

    用 ``BatchConv2D``（偏置固定为 0）学习把 ``X`` 映射为 ``Y`` 的核。

    Parameters
    ----------
    X : torch.Tensor, shape (N, 1, H, W)
        Input images. / 输入图像。
    Y : torch.Tensor, shape (N, 1, H - k_h + 1, W - k_w + 1)
        Targets. / 目标输出。
    kernel_size : tuple of int, default (1, 2)
    steps : int, default 10
        Number of gradient-descent updates; 0 returns the initial weight.
        梯度下降的步数；为 0 时返回初始权重。
    lr : float, default 3e-2
        Learning rate. / 学习率。

    Returns
    -------
    torch.Tensor, shape kernel_size
        The learned weight, detached. / 学到的权重（已 detach）。

    Examples
    --------
    >>> X = torch.ones(6, 8)
    >>> X[:, 2:6] = 0
    >>> Y = corr2d(X, torch.tensor([[1.0, -1.0]]))
    >>> learn_kernel(X.reshape(1, 1, 6, 8), Y.reshape(1, 1, 6, 7))  # doctest: +SKIP
    tensor([[ 1.0..., -0.9...]])
    """
    raise NotImplementedError
