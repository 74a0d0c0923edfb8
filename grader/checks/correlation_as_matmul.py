"""Checks of correlation_as_matmul.py: corr2d as one matrix product, by unfolding X or by expanding K.

Oracles: numpy's ``sliding_window_view`` for the windows, the index formula
``W[i * out_w + j, (i + a) * n_w + (j + b)] = K[a, b]`` for the kernel matrix, and
``scipy.signal.correlate2d(..., mode="valid")`` for corr2d.
"""
from __future__ import annotations

import numpy as np
import scipy.signal
import torch
from numpy.lib.stride_tricks import sliding_window_view

from grader.checking import (Mismatch, describe, examples, expect_tensor, fmt_shape, image_and_kernel, points,
                             requires)
from grader.mistakes import Hint

SHAPES = (((5, 7), (2, 3)), ((6, 4), (3, 1)), ((4, 6), (1, 4)), ((7, 5), (4, 2)))


def randn(shape, rng, dtype=torch.float32) -> torch.Tensor:
    return ((torch.randn(shape, generator=rng, dtype=torch.float64) * 10).round() / 10).to(dtype)


def windows(X: torch.Tensor, kernel_shape) -> torch.Tensor:
    k_h, k_w = kernel_shape
    view = sliding_window_view(X.double().numpy(), (k_h, k_w))  # (out_h, out_w, k_h, k_w)
    return torch.from_numpy(view.reshape(-1, k_h * k_w).copy())


def kernel_matrix_oracle(K: torch.Tensor, input_shape) -> torch.Tensor:
    (n_h, n_w), (k_h, k_w) = input_shape, K.shape
    out_h, out_w = n_h - k_h + 1, n_w - k_w + 1
    W = np.zeros((out_h * out_w, n_h * n_w))
    k = K.double().numpy()
    for i in range(out_h):
        for j in range(out_w):
            for a in range(k_h):
                for b in range(k_w):
                    W[i * out_w + j, (i + a) * n_w + (j + b)] = k[a, b]
    return torch.from_numpy(W)


def corr(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    return torch.from_numpy(scipy.signal.correlate2d(X.double().numpy(), K.double().numpy(), mode="valid"))


def unfold_hint(got, X, kernel_shape) -> str:
    k_h, k_w = kernel_shape
    if isinstance(got, torch.Tensor):
        want = windows(X, kernel_shape)
        if tuple(got.shape) == tuple(want.T.shape):
            return Hint("matmul/unfold-transposed",
                        "Your result is transposed: one row per output position (out_h * out_w rows), one column per "
                        "kernel entry. torch.nn.functional.unfold returns the transpose of this layout.")
        if tuple(got.shape) == tuple(want.shape):
            act = got.detach().double()
            column_major = torch.from_numpy(sliding_window_view(X.double().numpy(), (k_h, k_w))
                                            .transpose(0, 1, 3, 2).reshape(-1, k_h * k_w).copy())
            if torch.allclose(act, column_major, atol=1e-4):
                return Hint("matmul/unfold-column-major",
                            "Each window is flattened column by column; flatten it row-major, "
                            "X[i:i + k_h, j:j + k_w].reshape(-1).")
            out_w = X.shape[1] - k_w + 1
            out_h = X.shape[0] - k_h + 1
            order = torch.from_numpy(sliding_window_view(X.double().numpy(), (k_h, k_w))
                                     .transpose(1, 0, 2, 3).reshape(-1, k_h * k_w).copy())
            if torch.allclose(act, order, atol=1e-4) and out_h > 1 and out_w > 1:
                return Hint("matmul/unfold-window-order",
                            "The windows are listed column by column; row r is output position (r // out_w, r % out_w).")
    return Hint("matmul/unfold-wrong",
                "Row r is X[i:i + k_h, j:j + k_w].reshape(-1) with (i, j) = (r // out_w, r % out_w), "
                "out_w = n_w - k_w + 1.")


@points(2)
def test_unfold_random(sub, rng):
    """unfold(X, kernel_shape) lists every window, row-major, on non-square images and kernels"""
    cases = [(randn(x_shape, rng), k_shape) for x_shape, k_shape in SHAPES]
    sub.prefetch("unfold", cases)
    for X, k_shape in cases:
        got = sub.call("unfold", X, k_shape)
        expect_tensor(got, windows(X, k_shape), call=f"unfold(X, {k_shape})", inputs={"X": X},
                      hint=unfold_hint(got, X, k_shape))


@points(1)
def test_unfold_float64_and_edge_shapes(sub, rng):
    """unfold works on float64 images and handles 1x1 windows and windows as large as the image"""
    X = randn((4, 6), rng, torch.float64)
    k_shapes = ((2, 3), (1, 1), (4, 6), (4, 1))
    sub.prefetch("unfold", [(X, k_shape) for k_shape in k_shapes])
    for k_shape in k_shapes:
        got = sub.call("unfold", X, k_shape)
        expect_tensor(got, windows(X, k_shape), call=f"unfold(X, {k_shape})", inputs={"X": X},
                      hint=unfold_hint(got, X, k_shape))


@points(1)
@requires("cross_correlation")
def test_corr2d_matmul_book(sub):
    """corr2d_matmul gives the chapter's 19, 25, 37, 43"""
    X = torch.arange(9.0).reshape(3, 3)
    K = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
    expect_tensor(sub.call("corr2d_matmul", X, K), corr(X, K), call="corr2d_matmul(X, K)", inputs={"X": X, "K": K},
                  hint="unfold(X, K.shape) @ K.reshape(-1), reshaped to (out_h, out_w).", code="matmul/corr2d-matmul-wrong")


@points(2)
@requires("cross_correlation")
def test_corr2d_matmul_random(sub, rng):
    """corr2d_matmul equals scipy.signal.correlate2d on non-square inputs, float32 and float64"""
    cases = []
    for index, (x_shape, k_shape) in enumerate(SHAPES):
        dtype = torch.float64 if index % 2 else torch.float32
        cases.append((randn(x_shape, rng, dtype), randn(k_shape, rng, dtype)))
    sub.prefetch("corr2d_matmul", cases)
    for (x_shape, k_shape), (X, K) in zip(SHAPES, cases):
        got = sub.call("corr2d_matmul", X, K)
        hint = Hint("matmul/corr2d-matmul-wrong",
                    "unfold(X, K.shape) @ K.reshape(-1), reshaped to (out_h, out_w) = (n_h - k_h + 1, n_w - k_w + 1).")
        out = (x_shape[0] - k_shape[0] + 1, x_shape[1] - k_shape[1] + 1)
        if isinstance(got, torch.Tensor) and tuple(got.shape) != out and tuple(got.shape) == out[::-1]:
            hint = Hint("matmul/corr2d-matmul-transposed",
                        "Your result has the transposed shape: reshape to (out_h, out_w), rows first.")
        expect_tensor(got, corr(X, K), call="corr2d_matmul(X, K)", inputs={"X": X, "K": K}, hint=hint)


def _squeezed(t) -> torch.Tensor:
    return t.detach().double().squeeze() if isinstance(t, torch.Tensor) else torch.empty(0)


def _same(a: torch.Tensor, b: torch.Tensor) -> bool:
    return tuple(a.shape) == tuple(b.shape) and bool(torch.allclose(a, b, rtol=1e-4, atol=1e-4))


def is_the_product(record: dict, X: torch.Tensor, K: torch.Tensor, expected: torch.Tensor) -> bool:
    """One recorded matrix product is (windows of X) times (flattened K), or (kernel matrix) times (flattened X)."""
    operands = [_squeezed(t) for t in record.get("operands", []) if isinstance(t, torch.Tensor)]
    result = _squeezed(record.get("result"))
    if result.numel() != expected.numel() or not _same(result.reshape(-1), expected.reshape(-1)):
        return False
    pairs = ((windows(X, K.shape), K.double().reshape(-1)),
             (kernel_matrix_oracle(K, tuple(X.shape)), X.double().reshape(-1)))
    for matrix, vector in pairs:
        has_matrix = any(_same(o, matrix) or _same(o, matrix.T) for o in operands)
        has_vector = any(_same(o, vector) for o in operands)
        if has_matrix and has_vector:
            return True
    return False


@points(1)
@requires("cross_correlation")
def test_corr2d_matmul_is_a_matrix_product(sub, rng):
    """corr2d_matmul computes its result with one matrix product (not with corr2d or a convolution routine)"""
    X, K = randn((5, 6), rng), randn((2, 3), rng)
    expected = corr(X, K)
    hint = Hint("matmul/not-a-matrix-product",
                "Build the (out_h * out_w, k_h * k_w) matrix of windows with your unfold and multiply it by "
                "K.reshape(-1) with @ (or torch.matmul / torch.mv / torch.einsum); then reshape.")
    report = sub.probe("method", "corr2d_matmul", args=[X, K])
    expect_tensor(report["value"], expected, call="corr2d_matmul(X, K)", inputs={"X": X, "K": K}, hint=hint)
    if not report.get("intact", False):
        raise Mismatch("Integrity: corr2d_matmul switched off the grader's view of torch operations, so its "
                       "method cannot be checked.", hint)
    convolutions = [str(c) for c in report.get("convolutions", [])]
    if convolutions:
        raise Mismatch(f"`corr2d_matmul(X, K)` calls {convolutions[0]}: a correlation routine computes the "
                       "result, not a matrix product.", hint)
    if report.get("corr2d_calls"):
        raise Mismatch("`corr2d_matmul(X, K)` calls corr2d: the exercise is to compute the same numbers as one "
                       "matrix product instead.", hint)
    records = [r for r in report.get("matmuls", []) if isinstance(r, dict)]
    if not any(is_the_product(r, X, K, expected) for r in records):
        seen = ", ".join(sorted({str(r.get("op", "?")) for r in records})) or "none"
        raise Mismatch("`corr2d_matmul(X, K)` returns the right numbers, but no matrix product of the windows of X "
                       f"with the flattened kernel produced them (matrix products seen: {seen}).", hint)
    index = report.get("product")
    if not (type(index) is int and 0 <= index < len(records) and is_the_product(records[index], X, K, expected)):
        raise Mismatch("`corr2d_matmul(X, K)` computes the matrix product, but what it returns is not that product "
                       "(only reshaped): the returned numbers come from somewhere else.", hint)


def kernel_matrix_hint(got, K, input_shape) -> str:
    (n_h, n_w), (k_h, k_w) = input_shape, K.shape
    out_h, out_w = n_h - k_h + 1, n_w - k_w + 1
    want = (out_h * out_w, n_h * n_w)
    if isinstance(got, torch.Tensor) and tuple(got.shape) != want and tuple(got.shape) == want[::-1]:
        return Hint("matmul/kernel-matrix-transposed",
                    "Your W is transposed: one row per output position, one column per input pixel.")
    if isinstance(got, torch.Tensor) and tuple(got.shape) == want and out_h > 1:
        act, exp = got.detach().double(), kernel_matrix_oracle(K, input_shape)
        if torch.allclose(act[:out_w], exp[:out_w], atol=1e-4) and bool((act[out_w:] == 0).all()):
            return Hint("matmul/kernel-matrix-return-in-loop",
                        "Only the rows of the first output row (i = 0) are filled: is a `return` indented inside the "
                        "outer loop?")
    return Hint("matmul/kernel-matrix-wrong",
                f"Row i * out_w + j holds K[a, b] in column (i + a) * n_w + (j + b), here with n_w = {n_w} and "
                f"out_w = {out_w}, and zeros elsewhere. Pixel columns step by n_w per image row, not by out_w.")


@points(2)
@requires("cross_correlation")
def test_kernel_matrix_entries(sub, rng):
    """kernel_matrix(K, input_shape) has K's entries exactly where the windows put them, zeros elsewhere"""
    cases = []
    for x_shape, k_shape in SHAPES:
        K = randn(k_shape, rng)
        K[K == 0] = 0.5  # every kernel entry visible
        cases.append((K, x_shape))
    sub.prefetch("kernel_matrix", cases)
    for K, x_shape in cases:
        got = sub.call("kernel_matrix", K, x_shape)
        expect_tensor(got, kernel_matrix_oracle(K, x_shape), call=f"kernel_matrix(K, {x_shape})",
                      inputs={"K": K}, hint=kernel_matrix_hint(got, K, x_shape))


@points(1)
@requires("cross_correlation")
def test_kernel_matrix_float64(sub, rng):
    """kernel_matrix works on a float64 kernel"""
    K = randn((2, 3), rng, torch.float64)
    got = sub.call("kernel_matrix", K, (4, 5))
    expect_tensor(got, kernel_matrix_oracle(K, (4, 5)), call="kernel_matrix(K, (4, 5))", inputs={"K": K},
                  hint=kernel_matrix_hint(got, K, (4, 5)))


@points(1)
@requires("cross_correlation")
def test_kernel_matrix_applies_corr2d(sub, seed):
    """(W @ X.reshape(-1)).reshape(out_h, out_w) equals corr2d(X, K) for every shape (property-based)"""
    cases = examples(image_and_kernel(7), seed, key="correlation_as_matmul.image_and_kernel")
    sub.prefetch("kernel_matrix", [(K, tuple(X.shape)) for X, K in cases])
    for X, K in cases:
        kernel_matrix_applies(sub, X, K)


def kernel_matrix_applies(sub, X, K):
    got = sub.call("kernel_matrix", K, tuple(X.shape))
    call = f"kernel_matrix(K, {tuple(X.shape)})"
    (n_h, n_w), (k_h, k_w) = X.shape, K.shape
    out = (n_h - k_h + 1, n_w - k_w + 1)
    if not isinstance(got, torch.Tensor):
        raise Mismatch(f"`{call}` returned {describe(got)}; expected a torch.Tensor.")
    if tuple(got.shape) != (out[0] * out[1], n_h * n_w):
        raise Mismatch(f"`{call}` has shape {fmt_shape(got.shape)}; expected ({out[0] * out[1]}, {n_h * n_w}) "
                       f"(out_h * out_w, n_h * n_w) for K {fmt_shape(K.shape)}.", kernel_matrix_hint(got, K, X.shape))
    applied = (got.detach().double() @ X.double().reshape(-1)).reshape(out)
    expect_tensor(applied, corr(X, K), call=f"(W @ X.reshape(-1)).reshape{out} with W = {call}",
                  inputs={"X": X, "K": K}, hint=kernel_matrix_hint(got, K, X.shape))
