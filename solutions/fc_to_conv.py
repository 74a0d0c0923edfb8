"""Reference: the exercises of "From Fully Connected Layers to Convolutions".

d2l-en 7.1 / d2l-zh 6.1 (the two editions number the same six exercises differently):

======================  ==========  ==========  ==================================
name                    d2l-en 7.1  d2l-zh 6.1  topic
======================  ==========  ==========  ==================================
pixelwise_linear        1           1           Delta = 0: a 1x1 convolution
corr1d                  2           4           convolution for audio
TRANSLATION_DRAWBACK    3           2           when translation invariance hurts
receptive_field         4           5           text: how far one output can see
corr2d_same             5           3           objects at the image boundary
conv2d_full             6           6           f * g = g * f
======================  ==========  ==========  ==================================

Erratum: the section counts "4 Delta^2" parameters for a kernel that covers the
offsets ``a, b`` in ``-Delta..Delta``; that range holds ``2 Delta + 1`` values per
axis, so the count is ``(2 Delta + 1)^2`` (per pair of channels).
"""

import numpy as np
import torch

from cross_correlation import corr2d

PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap")


def pixelwise_linear(X, weight, bias):
    """The same fully connected layer applied at every pixel, across channels.

    With ``Delta = 0`` the convolution in the section keeps only the offset
    ``a = b = 0``: ``H[d, i, j] = sum_c V[d, c] X[c, i, j] + u[d]``. Every pixel's
    vector of ``C_in`` channel values goes through the same affine map
    ``R^C_in -> R^C_out``, independently of its neighbours: a 1x1 convolution
    (the building block of Network in Network).

    Parameters
    ----------
    X : torch.Tensor, shape (C_in, H, W)
        The input channels.
    weight : torch.Tensor, shape (C_out, C_in)
        The matrix of the layer.
    bias : torch.Tensor, shape (C_out,)
        One bias per output channel.

    Returns
    -------
    torch.Tensor, shape (C_out, H, W)
        ``Y[d, i, j] = sum_c weight[d, c] * X[c, i, j] + bias[d]``; equals
        ``torch.nn.functional.conv2d(X[None], weight[:, :, None, None], bias)[0]``.

    Raises
    ------
    ValueError
        If the shapes do not fit together.
    """
    if X.ndim != 3 or weight.ndim != 2 or bias.ndim != 1:
        raise ValueError(
            "pixelwise_linear expects X (C_in, H, W), weight (C_out, C_in) and bias (C_out,); "
            f"got {tuple(X.shape)}, {tuple(weight.shape)} and {tuple(bias.shape)}"
        )
    C_in, H, W = X.shape
    C_out = weight.shape[0]
    if weight.shape[1] != C_in or bias.shape[0] != C_out:
        raise ValueError(
            f"weight must have shape (C_out, {C_in}) and bias (C_out,); "
            f"got weight {tuple(weight.shape)} and bias {tuple(bias.shape)}"
        )
    # Flatten the pixels: the columns of X.reshape(C_in, H * W) are the pixels'
    # channel vectors, and one matrix product maps all of them at once.
    Y = weight @ X.reshape(C_in, H * W) + bias[:, None]
    return Y.reshape(C_out, H, W)


def _padded_indices(n, p, mode):
    """Indices into ``range(n)`` that numpy.pad would put on a border of ``p``.

    numpy.pad's "edge", "reflect", "symmetric" and "wrap" modes only move values
    around, so padding the index vector 0..n-1 tells us which pixel lands where;
    gathering with these indices pads a tensor exactly as numpy.pad pads an
    array (even when p exceeds n) while keeping autograd, dtype and device.
    """
    return torch.as_tensor(np.pad(np.arange(n), p, mode=mode), dtype=torch.long)


def corr2d_same(X, K, mode="constant"):
    """Cross-correlation that keeps the image size, with a chosen border rule.

    Near the boundary part of the window falls outside the image. We pad ``X``
    by ``k_h // 2`` rows and ``k_w // 2`` columns on each side first, so that the
    output of the 'valid' ``corr2d`` has ``X``'s shape, and output ``(i, j)`` is
    centred on input ``(i, j)``. The border rule decides what an object cut by
    the edge looks like: zeros darken it, ``"edge"`` stretches the last pixel,
    ``"reflect"``/``"symmetric"`` mirror the image, ``"wrap"`` treats it as a torus.

    Parameters
    ----------
    X : torch.Tensor, shape (n_h, n_w)
        The image.
    K : torch.Tensor, shape (k_h, k_w)
        The kernel; both sides odd so that it has a centre.
    mode : str, optional
        One of ``"constant"`` (zeros, the default), ``"edge"``, ``"reflect"``,
        ``"symmetric"``, ``"wrap"``, with the meaning of ``numpy.pad``.

    Returns
    -------
    torch.Tensor, shape (n_h, n_w)
        ``corr2d`` of the padded image with ``K``; equals
        ``scipy.signal.correlate2d(np.pad(X, ((k_h // 2,) * 2, (k_w // 2,) * 2), mode), K, "valid")``.
        Same dtype and device as ``X``; differentiable in ``X`` and ``K``.

    Raises
    ------
    ValueError
        If ``X`` or ``K`` is not 2-D, a side of ``K`` is even, or ``mode`` is unknown.
    """
    if not isinstance(mode, str) or mode not in PAD_MODES:
        raise ValueError(f"mode must be one of {', '.join(map(repr, PAD_MODES))}; got {mode!r}")
    if X.ndim != 2 or K.ndim != 2:
        raise ValueError(
            f"corr2d_same expects 2-D X and K; got {tuple(X.shape)} and {tuple(K.shape)}"
        )
    k_h, k_w = K.shape
    if k_h % 2 == 0 or k_w % 2 == 0:
        raise ValueError(f"K must have odd sides to have a centre; got shape {tuple(K.shape)}")
    n_h, n_w = X.shape
    p_h, p_w = k_h // 2, k_w // 2
    if mode == "constant":
        # A zero frame around a copy of X (slice assignment is differentiable).
        Xp = X.new_zeros(n_h + 2 * p_h, n_w + 2 * p_w)
        Xp[p_h:p_h + n_h, p_w:p_w + n_w] = X
    else:
        rows = _padded_indices(n_h, p_h, mode).to(X.device)
        cols = _padded_indices(n_w, p_w, mode).to(X.device)
        Xp = X[rows][:, cols]
    return corr2d(Xp, K)


def corr1d(x, k):
    """1-D 'valid' cross-correlation, e.g. of an audio signal with a filter.

    Sound is one intensity per time step. Locality (a sound event is short) and
    translation invariance (a phoneme means the same whenever it is spoken) give
    the same layer as for images, with one axis instead of two:
    ``y[t] = sum_a k[a] * x[t + a]``.

    Parameters
    ----------
    x : torch.Tensor, shape (n,)
        The signal.
    k : torch.Tensor, shape (m,)
        The filter, ``1 <= m <= n``.

    Returns
    -------
    torch.Tensor, shape (n - m + 1,)
        ``y[t] = sum_a k[a] * x[t + a]``; equals
        ``scipy.signal.correlate(x, k, mode="valid")``.

    Raises
    ------
    ValueError
        If ``x`` or ``k`` is not 1-D, ``k`` is empty, or ``k`` is longer than ``x``.
    """
    if x.ndim != 1 or k.ndim != 1:
        raise ValueError(f"corr1d expects 1-D x and k; got {tuple(x.shape)} and {tuple(k.shape)}")
    if not 1 <= k.shape[0] <= x.shape[0]:
        raise ValueError(
            f"corr1d needs 1 <= len(k) <= len(x); got len(x) = {x.shape[0]}, len(k) = {k.shape[0]}"
        )
    # windows[t] = x[t : t + m]; a view, multiplied by k and summed.
    return (x.unfold(0, k.shape[0], 1) * k).sum(dim=-1)


def conv2d_full(X, K):
    """Strict 2-D convolution, 'full' output.

    ``Y[i, j] = sum_ab X[a, b] * K[i - a, j - b]`` over every ``(a, b)`` where both
    indices are valid, for ``0 <= i < n_h + k_h - 1`` and ``0 <= j < n_w + k_w - 1``:
    every placement of ``K`` that overlaps ``X`` at all. Computed as ``corr2d`` of
    ``X`` framed by ``k_h - 1`` rows and ``k_w - 1`` columns of zeros with the
    kernel flipped in both axes.

    Why ``conv2d_full(X, K) == conv2d_full(K, X)`` (``f * g = g * f``): substitute
    ``(a', b') = (i - a, j - b)``. The sum ``sum_ab X[a, b] K[i - a, j - b]``
    becomes ``sum_a'b' K[a', b'] X[i - a', j - b']``: the same terms, only listed
    in another order, since ``(a, b)`` runs over all indices with both factors
    defined exactly when ``(a', b')`` does. Flipping is what makes this work;
    cross-correlation is not commutative (swapping its arguments flips the output).

    Parameters
    ----------
    X : torch.Tensor, shape (n_h, n_w)
    K : torch.Tensor, shape (k_h, k_w)
        Any sizes; neither needs to fit inside the other.

    Returns
    -------
    torch.Tensor, shape (n_h + k_h - 1, n_w + k_w - 1)
        Equals ``scipy.signal.convolve2d(X, K, mode="full")``.

    Raises
    ------
    ValueError
        If ``X`` or ``K`` is not 2-D or is empty.
    """
    if X.ndim != 2 or K.ndim != 2 or X.numel() == 0 or K.numel() == 0:
        raise ValueError(
            f"conv2d_full expects non-empty 2-D X and K; got {tuple(X.shape)} and {tuple(K.shape)}"
        )
    (n_h, n_w), (k_h, k_w) = X.shape, K.shape
    Xp = X.new_zeros(n_h + 2 * (k_h - 1), n_w + 2 * (k_w - 1))
    Xp[k_h - 1:k_h - 1 + n_h, k_w - 1:k_w - 1 + n_w] = X
    return corr2d(Xp, torch.flip(K, dims=(0, 1)))


def receptive_field(kernel_sizes):
    """Side of the input region seen by one output after a stack of convolutions.

    A k x k stride-1 'valid' convolution lets each output see k inputs per axis,
    i.e. ``k - 1`` more than the one below it. Stacking layers adds these up:
    ``1 + sum(k - 1)``. For text (a 1-D sequence of tokens) this is how many
    consecutive words one output can depend on: it grows only linearly with
    depth, while a sentence may link words far apart ("the keys that the man
    who ... lost *are* ..."), and word order, not absolute position, carries
    the meaning.

    Parameters
    ----------
    kernel_sizes : iterable of int
        The kernel sides, in order, each ``>= 1``. Empty means no layer.

    Returns
    -------
    int
        ``1 + sum(k - 1 for k in kernel_sizes)``.

    Raises
    ------
    ValueError
        If a size is not an integer >= 1.

    Examples
    --------
    >>> receptive_field([2, 2])  # the book's two stacked 2x2 layers see 3x3 inputs
    3
    >>> receptive_field([3, 3, 3])
    7
    """
    total = 1
    for k in kernel_sizes:
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
            raise ValueError(f"every kernel size must be an integer >= 1; got {k!r}")
        total += int(k) - 1
    return total


# Translation invariance makes a layer answer the same wherever a pattern sits.
# That is a loss whenever *where* matters: in a face-alignment crop the eyes are
# always in the upper half, on a chessboard or in a form the cell decides the
# meaning, in a sky-and-sea photo "blue at the top" is sky. A purely
# translation-invariant layer cannot tell these positions apart (which is why
# later models add position encodings or coordinates as extra channels).
# It is not slower and has fewer parameters, not more.
TRANSLATION_DRAWBACK = "position"
