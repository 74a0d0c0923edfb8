"""Tests of the reference diagonal_edges module."""

import pytest
import torch

from cross_correlation import corr2d
from diagonal_edges import APPLY_K, EDGE_KERNEL, diagonal_image, edge_response


@pytest.mark.parametrize("n", [2, 3, 8, 11])
def test_diagonal_image_depends_only_on_i_minus_j(n):
    X = diagonal_image(n)
    assert X.shape == (n, n) and X.is_floating_point()
    assert not torch.all(X == X[0, 0])
    i, j = torch.meshgrid(torch.arange(n), torch.arange(n), indexing="ij")
    for d in range(-n + 1, n):
        assert torch.unique(X[(i - j) == d]).numel() == 1


def test_default_size_is_8():
    assert diagonal_image().shape == (8, 8)


@pytest.mark.parametrize("n", [1, 0, -3, 2.0, True])
def test_diagonal_image_rejects_bad_n(n):
    with pytest.raises(ValueError, match="n >= 2"):
        diagonal_image(n)


def test_edge_response_is_corr2d_with_edge_kernel():
    g = torch.Generator().manual_seed(0)
    X = torch.randn(5, 7, generator=g)
    torch.testing.assert_close(edge_response(X), corr2d(X, EDGE_KERNEL))


def test_edge_response_keeps_float64():
    X = torch.rand(4, 6, dtype=torch.float64)
    assert edge_response(X).dtype == torch.float64


def test_response_lies_beside_the_diagonal_only():
    Y = edge_response(diagonal_image(8))
    assert Y.shape == (8, 7)
    expected = torch.zeros(8, 7)
    expected[torch.arange(7), torch.arange(7)] = 1.0
    assert torch.equal(Y, expected)
    # The same holds for the identity image: non-zero only at |i - j| <= 1.
    Y_eye = edge_response(torch.eye(8))
    i, j = torch.nonzero(Y_eye, as_tuple=True)
    assert (i - j).abs().max() <= 1 and Y_eye.abs().sum() > 0
    assert APPLY_K == "diagonal"
