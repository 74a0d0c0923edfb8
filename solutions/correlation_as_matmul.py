"""Reference: cross-correlation as a single matrix multiplication.

``corr2d`` is linear in ``X`` and linear in ``K``, so it must be a matrix
product in either one. There are two ways to write it, one per factor:

1. Change the input ("im2col"). Stack every window of ``X``, flattened, as one
   row of a matrix ``U`` of shape ``(out_h * out_w, k_h * k_w)``. Then the
   outputs are ``U @ K.reshape(-1)``: one dot product of a window with the
   kernel per output position. This is how many libraries implement
   convolution: one big, well-optimised matrix product instead of small loops.
2. Change the kernel. Build a matrix ``W`` of shape
   ``(out_h * out_w, n_h * n_w)`` whose row for output ``(i, j)`` holds the
   kernel entries at the columns of the pixels that window covers and zeros
   elsewhere. Then the outputs are ``W @ X.reshape(-1)``. ``W`` is sparse and
   has the same few numbers repeated on every row (a doubly block-Toeplitz
   matrix); its transpose ``W.T`` maps outputs back to inputs, which is what a
   transposed convolution computes later in the book.

Both use the row-major flattening: output ``(i, j)`` is row ``i * out_w + j``,
pixel ``(p, q)`` is column ``p * n_w + q``, and kernel entry ``(a, b)`` is
position ``a * k_w + b``.
"""

import torch


def _check_2d(name, T):
    if not isinstance(T, torch.Tensor) or T.ndim != 2:
        shape = tuple(T.shape) if isinstance(T, torch.Tensor) else type(T).__name__
        raise ValueError(f"{name} must be a 2-D tensor; got {shape}")


def _output_shape(input_shape, kernel_shape):
    """``(out_h, out_w)`` for a 'valid' cross-correlation, after validation."""
    try:
        n_h, n_w = (int(s) for s in input_shape)
        k_h, k_w = (int(s) for s in kernel_shape)
    except (TypeError, ValueError):
        raise ValueError(
            f"expected two sides each for the input and the kernel; got "
            f"input_shape {input_shape!r} and kernel_shape {kernel_shape!r}"
        ) from None
    if min(n_h, n_w, k_h, k_w) < 1 or k_h > n_h or k_w > n_w:
        raise ValueError(
            f"kernel of shape {(k_h, k_w)} does not fit inside input of shape {(n_h, n_w)}"
        )
    return n_h - k_h + 1, n_w - k_w + 1


def unfold(X, kernel_shape):
    """All windows of ``X`` under a kernel of ``kernel_shape``, one per row.

    Parameters
    ----------
    X : torch.Tensor, shape (n_h, n_w)
        The image.
    kernel_shape : tuple of int, (k_h, k_w)
        Window size; ``k_h <= n_h`` and ``k_w <= n_w``.

    Returns
    -------
    torch.Tensor, shape (out_h * out_w, k_h * k_w)
        Row ``r`` is ``X[i:i + k_h, j:j + k_w].reshape(-1)`` for the output
        position ``(i, j) = (r // out_w, r % out_w)``, where
        ``out_h = n_h - k_h + 1`` and ``out_w = n_w - k_w + 1``. Same dtype and
        device as ``X``; differentiable with respect to ``X``.

    Raises
    ------
    ValueError
        If ``X`` is not 2-D or the window does not fit inside it.

    Examples
    --------
    >>> unfold(torch.arange(6.0).reshape(2, 3), (2, 2))
    tensor([[0., 1., 3., 4.],
            [1., 2., 4., 5.]])
    """
    _check_2d("X", X)
    out_h, out_w = _output_shape(X.shape, kernel_shape)
    k_h, k_w = (int(s) for s in kernel_shape)
    # windows[i, j, a, b] == X[i + a, j + b]; the reshape lists the windows in
    # row-major order of (i, j) and flattens each one in row-major order of (a, b).
    windows = X.unfold(0, k_h, 1).unfold(1, k_w, 1)
    return windows.reshape(out_h * out_w, k_h * k_w)


def corr2d_matmul(X, K):
    """``corr2d(X, K)`` as one matrix-vector product of the unfolded image and the kernel.

    Parameters
    ----------
    X : torch.Tensor, shape (n_h, n_w)
        The image.
    K : torch.Tensor, shape (k_h, k_w)
        The kernel; it must fit inside ``X``.

    Returns
    -------
    torch.Tensor, shape (n_h - k_h + 1, n_w - k_w + 1)
        Equal to ``corr2d(X, K)`` (up to rounding), in the promoted dtype of
        ``X`` and ``K``.

    Examples
    --------
    >>> X = torch.arange(9.0).reshape(3, 3)
    >>> corr2d_matmul(X, torch.tensor([[0.0, 1.0], [2.0, 3.0]]))
    tensor([[19., 25.],
            [37., 43.]])
    """
    _check_2d("X", X)
    _check_2d("K", K)
    out_h, out_w = _output_shape(X.shape, K.shape)
    # matmul does not promote dtypes by itself (float32 @ float64 is an error).
    dtype = torch.promote_types(X.dtype, K.dtype)
    U = unfold(X.to(dtype), K.shape)
    return (U @ K.to(dtype).reshape(-1)).reshape(out_h, out_w)


def kernel_matrix(K, input_shape):
    """The matrix ``W`` that applies ``corr2d(., K)`` to a flattened image.

    Parameters
    ----------
    K : torch.Tensor, shape (k_h, k_w)
        The kernel.
    input_shape : tuple of int, (n_h, n_w)
        Shape of the images ``W`` will be applied to; ``K`` must fit inside.

    Returns
    -------
    torch.Tensor, shape (out_h * out_w, n_h * n_w)
        ``W[i * out_w + j, (i + a) * n_w + (j + b)] = K[a, b]``, zero elsewhere,
        so that ``(W @ X.reshape(-1)).reshape(out_h, out_w)`` equals
        ``corr2d(X, K)`` for every ``X`` of shape ``input_shape``. Same dtype
        and device as ``K``; differentiable with respect to ``K``.

    Raises
    ------
    ValueError
        If ``K`` is not 2-D or does not fit inside ``input_shape``.

    Examples
    --------
    >>> kernel_matrix(torch.tensor([[1.0, -1.0]]), (1, 3))
    tensor([[ 1., -1.,  0.],
            [ 0.,  1., -1.]])
    """
    _check_2d("K", K)
    out_h, out_w = _output_shape(input_shape, K.shape)
    n_h, n_w = (int(s) for s in input_shape)
    k_h, k_w = K.shape
    idx = dict(dtype=torch.long, device=K.device)
    # Column, within the flattened image, of the top-left pixel of each window:
    # output (i, j) starts at pixel (i, j), i.e. column i * n_w + j.
    i = torch.arange(out_h, **idx).repeat_interleave(out_w)   # (P,), P = out_h * out_w
    j = torch.arange(out_w, **idx).repeat(out_h)              # (P,)
    start = i * n_w + j
    # Offset of kernel entry (a, b) from the window's top-left pixel: a * n_w + b.
    a = torch.arange(k_h, **idx).repeat_interleave(k_w)        # (k_h * k_w,)
    b = torch.arange(k_w, **idx).repeat(k_h)
    offset = a * n_w + b
    columns = start[:, None] + offset[None, :]                 # (P, k_h * k_w)
    # Every row gets the same flattened kernel, each value at its own column.
    # The out-of-place scatter keeps K in the autograd graph; within one row the
    # columns are distinct, so nothing is overwritten.
    values = K.reshape(1, -1).expand(out_h * out_w, -1)
    W = K.new_zeros(out_h * out_w, n_h * n_w)
    return W.scatter(1, columns, values)
