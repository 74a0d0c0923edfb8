"""Reference: the 2-D cross-correlation ``corr2d`` ('valid' mode).

Every other module of this chapter builds on this function and imports it by
its bare module name (``from cross_correlation import corr2d``).

The book computes one output element per Python iteration and writes it into a
``torch.zeros`` buffer. That is correct but slow, and it always returns float32.
Here we let PyTorch gather every window at once instead:

* ``X.unfold(0, k_h, 1)`` turns ``X`` of shape ``(n_h, n_w)`` into a view of
  shape ``(out_h, n_w, k_h)``: for every start row ``i`` the ``k_h`` rows below it.
* ``.unfold(1, k_w, 1)`` does the same along the columns and gives a view of
  shape ``(out_h, out_w, k_h, k_w)``: ``windows[i, j]`` is ``X[i:i+k_h, j:j+k_w]``.

Multiplying by ``K`` (broadcast over the first two axes) and summing the last
two axes gives ``Y[i, j] = sum_ab K[a, b] * X[i + a, j + b]``. Both steps are
ordinary differentiable tensor operations, so autograd reaches ``X`` and ``K``,
and no buffer is allocated by hand, so dtype and device follow the inputs.
"""

import torch


def corr2d(X, K):
    """2-D cross-correlation of an image with a kernel, 'valid' mode.

    Parameters
    ----------
    X : torch.Tensor, shape (n_h, n_w)
        The input image.
    K : torch.Tensor, shape (k_h, k_w)
        The kernel; it must fit inside ``X`` (``k_h <= n_h`` and ``k_w <= n_w``).

    Returns
    -------
    torch.Tensor, shape (n_h - k_h + 1, n_w - k_w + 1)
        ``Y[i, j] = sum_ab K[a, b] * X[i + a, j + b]``, on the device of the
        inputs and with their (promoted) dtype. Differentiable with respect to
        both ``X`` and ``K``. Equals ``scipy.signal.correlate2d(X, K, mode="valid")``.

    Raises
    ------
    TypeError
        If ``X`` or ``K`` is not a ``torch.Tensor``.
    ValueError
        If ``X`` or ``K`` is not 2-D, if ``K`` is empty, or if ``K`` does not
        fit inside ``X``.

    Examples
    --------
    >>> X = torch.arange(9.0).reshape(3, 3)
    >>> K = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
    >>> corr2d(X, K)
    tensor([[19., 25.],
            [37., 43.]])
    """
    for name, T in (("X", X), ("K", K)):
        if not isinstance(T, torch.Tensor):
            raise TypeError(f"corr2d expects torch.Tensor inputs; got {name} of type {type(T).__name__}")
    if X.ndim != 2 or K.ndim != 2:
        raise ValueError(
            "corr2d expects 2-D X and K; "
            f"got X of shape {tuple(X.shape)} and K of shape {tuple(K.shape)}"
        )
    (n_h, n_w), (k_h, k_w) = X.shape, K.shape
    if k_h == 0 or k_w == 0:
        raise ValueError(f"corr2d needs a non-empty kernel; got K of shape {tuple(K.shape)}")
    if k_h > n_h or k_w > n_w:
        raise ValueError(
            f"corr2d needs K to fit inside X; got X of shape {tuple(X.shape)} "
            f"and K of shape {tuple(K.shape)}"
        )
    # windows[i, j, a, b] == X[i + a, j + b]; a view, no copy yet.
    windows = X.unfold(0, k_h, 1).unfold(1, k_w, 1)
    # Elementwise product with the kernel, then sum over the window axes.
    # (torch.einsum("ijab,ab->ij", windows, K) is the same, but it refuses to
    # mix dtypes, whereas `*` promotes float32 with float64 as numpy would.)
    return (windows * K).sum(dim=(-2, -1))
