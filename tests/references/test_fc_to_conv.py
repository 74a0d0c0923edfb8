"""Checks of the reference solutions/fc_to_conv.py (d2l-en 7.1 / d2l-zh 6.1 exercises)."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from scipy.signal import convolve2d, correlate, correlate2d

import fc_to_conv as ref

DTYPES = [torch.float32, torch.float64]
MODES = ["constant", "edge", "reflect", "symmetric", "wrap"]


def _tol(dtype):
    return dict(rtol=1e-5, atol=1e-5) if dtype == torch.float32 else dict(rtol=1e-12, atol=1e-12)


# --- pixelwise_linear (en 1 / zh 1) ---------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("c_in, c_out, h, w", [(1, 1, 1, 1), (3, 2, 4, 5), (5, 7, 6, 3)])
def test_pixelwise_linear_is_1x1_conv(dtype, c_in, c_out, h, w):
    g = torch.Generator().manual_seed(c_in * 100 + c_out)
    X = torch.randn(c_in, h, w, generator=g, dtype=dtype)
    weight = torch.randn(c_out, c_in, generator=g, dtype=dtype)
    bias = torch.randn(c_out, generator=g, dtype=dtype)
    Y = ref.pixelwise_linear(X, weight, bias)
    assert Y.shape == (c_out, h, w) and Y.dtype == dtype
    expected = F.conv2d(X[None], weight[:, :, None, None], bias)[0]
    torch.testing.assert_close(Y, expected, **_tol(dtype))


def test_pixelwise_linear_rejects_bad_shapes():
    with pytest.raises(ValueError, match="weight must have shape"):
        ref.pixelwise_linear(torch.zeros(3, 2, 2), torch.zeros(4, 2), torch.zeros(4))
    with pytest.raises(ValueError, match="expects X"):
        ref.pixelwise_linear(torch.zeros(2, 2), torch.zeros(4, 2), torch.zeros(4))


# --- corr1d (en 2 / zh 4) --------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n, m", [(1, 1), (10, 1), (10, 3), (16, 16), (50, 7)])
def test_corr1d_matches_scipy(dtype, n, m):
    rng = np.random.default_rng(n * 31 + m)
    x, k = rng.normal(size=n), rng.normal(size=m)
    y = ref.corr1d(torch.tensor(x, dtype=dtype), torch.tensor(k, dtype=dtype))
    assert y.shape == (n - m + 1,) and y.dtype == dtype
    np.testing.assert_allclose(y.double().numpy(), correlate(x, k, mode="valid"), **_tol(dtype))


def test_corr1d_rejects():
    with pytest.raises(ValueError, match="len"):
        ref.corr1d(torch.zeros(3), torch.zeros(4))
    with pytest.raises(ValueError, match="1-D"):
        ref.corr1d(torch.zeros(3, 3), torch.zeros(2))


# --- TRANSLATION_DRAWBACK (en 3 / zh 2) -----------------------------------------

def test_translation_drawback():
    assert ref.TRANSLATION_DRAWBACK == "position"


# --- receptive_field (en 4 / zh 5) -----------------------------------------------

@pytest.mark.parametrize("sizes, expected", [([], 1), ([1], 1), ([2], 2), ([2, 2], 3), ([3, 3, 3], 7), ((5, 1, 3), 7)])
def test_receptive_field(sizes, expected):
    assert ref.receptive_field(sizes) == expected
    assert type(ref.receptive_field(sizes)) is int


def test_receptive_field_by_experiment():
    # Stack 3x3, 2x2, 4x4 'valid' convolutions and see which inputs reach output (0, 0).
    sizes = [3, 2, 4]
    X = torch.zeros(12, 12, dtype=torch.float64, requires_grad=True)
    Y = X
    for k in sizes:
        Y = F.conv2d(Y[None, None], torch.ones(1, 1, k, k, dtype=torch.float64))[0, 0]
    Y[0, 0].backward()
    rows, cols = torch.nonzero(X.grad, as_tuple=True)
    assert rows.max() + 1 == cols.max() + 1 == ref.receptive_field(sizes)


@pytest.mark.parametrize("bad", [[0], [3, -1], [2.5], ["3"], [True]])
def test_receptive_field_rejects(bad):
    with pytest.raises(ValueError, match="integer >= 1"):
        ref.receptive_field(bad)


# --- corr2d_same (en 5 / zh 3) ---------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("x_shape, k_shape", [((6, 8), (3, 3)), ((5, 4), (1, 5)), ((3, 7), (5, 1)), ((2, 3), (5, 7)),
                                              ((1, 1), (3, 3)), ((3, 2), (9, 5)), ((2, 5), (7, 13))])
def test_corr2d_same_matches_numpy_pad(dtype, mode, x_shape, k_shape):
    rng = np.random.default_rng(hash((mode, x_shape, k_shape)) % 2**32)
    X, K = rng.normal(size=x_shape), rng.normal(size=k_shape)
    Y = ref.corr2d_same(torch.tensor(X, dtype=dtype), torch.tensor(K, dtype=dtype), mode)
    assert Y.shape == x_shape and Y.dtype == dtype
    p_h, p_w = k_shape[0] // 2, k_shape[1] // 2
    expected = correlate2d(np.pad(X, ((p_h, p_h), (p_w, p_w)), mode=mode), K, mode="valid")
    np.testing.assert_allclose(Y.double().numpy(), expected, **_tol(dtype))


def test_corr2d_same_default_is_zero_padding():
    X, K = torch.ones(4, 4), torch.ones(3, 3)
    Y = ref.corr2d_same(X, K)
    assert Y[0, 0] == 4 and Y[1, 1] == 9 and Y[0, 1] == 6


@pytest.mark.parametrize("mode", MODES)
def test_corr2d_same_keeps_autograd(mode):
    X = torch.randn(5, 6, dtype=torch.float64, requires_grad=True)
    K = torch.randn(3, 3, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda X, K: ref.corr2d_same(X, K, mode), (X, K))


@pytest.mark.parametrize("mode", ["zeros", "Constant", "circular", "replicate", "", None,
                                  # numpy.pad's other modes
                                  "maximum", "mean", "minimum", "median", "linear_ramp", "empty"])
def test_corr2d_same_rejects_unknown_mode(mode):
    with pytest.raises(ValueError, match="'constant', 'edge', 'reflect', 'symmetric', 'wrap'"):
        ref.corr2d_same(torch.zeros(4, 4), torch.zeros(3, 3), mode)


@pytest.mark.parametrize("k_shape", [(2, 3), (3, 2), (4, 4)])
def test_corr2d_same_rejects_even_kernels(k_shape):
    with pytest.raises(ValueError, match="odd"):
        ref.corr2d_same(torch.zeros(5, 5), torch.zeros(k_shape))


# --- conv2d_full (en 6 / zh 6) ---------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("x_shape, k_shape", [((3, 3), (2, 2)), ((6, 8), (1, 2)), ((4, 5), (3, 1)), ((2, 2), (5, 4)), ((1, 1), (1, 1))])
def test_conv2d_full_matches_scipy_and_commutes(dtype, x_shape, k_shape):
    rng = np.random.default_rng(hash((x_shape, k_shape)) % 2**32)
    X, K = rng.normal(size=x_shape), rng.normal(size=k_shape)
    tX, tK = torch.tensor(X, dtype=dtype), torch.tensor(K, dtype=dtype)
    Y = ref.conv2d_full(tX, tK)
    assert Y.shape == (x_shape[0] + k_shape[0] - 1, x_shape[1] + k_shape[1] - 1) and Y.dtype == dtype
    np.testing.assert_allclose(Y.double().numpy(), convolve2d(X, K, mode="full"), **_tol(dtype))
    torch.testing.assert_close(ref.conv2d_full(tK, tX), Y, **_tol(dtype))


def test_conv2d_full_is_flipped_correlation():
    X = torch.arange(9.0).reshape(3, 3)
    K = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
    # The interior of the full convolution with the flipped kernel is the book's 19, 25, 37, 43.
    Y = ref.conv2d_full(X, torch.flip(K, dims=(0, 1)))
    assert Y[1:3, 1:3].tolist() == [[19.0, 25.0], [37.0, 43.0]]


def test_conv2d_full_rejects():
    with pytest.raises(ValueError, match="non-empty 2-D"):
        ref.conv2d_full(torch.zeros(3), torch.zeros(2, 2))
