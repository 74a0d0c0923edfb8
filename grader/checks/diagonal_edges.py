"""Checks of diagonal_edges.py: a diagonal image and what the kernel [1, -1] does to it.

Oracles: index arithmetic for the image's structure and
``scipy.signal.correlate2d(X, [[1, -1]], mode="valid")`` for the edge response.
"""
from __future__ import annotations

import scipy.signal
import torch

from grader.checking import Mismatch, describe, expect_choice, expect_tensor, fmt_shape, points, requires, show
from grader.mistakes import Hint
from grader.checking import answer_key

EDGE = [[1.0, -1.0]]


def oracle(X: torch.Tensor) -> torch.Tensor:
    return torch.from_numpy(scipy.signal.correlate2d(X.double().numpy(), EDGE, mode="valid"))


def randn(shape, rng) -> torch.Tensor:
    return (torch.randn(shape, generator=rng, dtype=torch.float64) * 10).round().float() / 10


def check_image(got, n: int, call: str) -> None:
    """An (n, n) floating tensor, not constant, depending only on i - j or only on i + j."""
    if not isinstance(got, torch.Tensor):
        raise Mismatch(f"`{call}` returned {describe(got)}; expected a torch.Tensor.",
                       "Build the image with torch, e.g. torch.eye(n) or torch.tril(torch.ones(n, n)).",
                       code="diagonal/image-not-a-tensor")
    if tuple(got.shape) != (n, n):
        raise Mismatch(f"`{call}` has shape {fmt_shape(got.shape)}; expected ({n}, {n}).",
                       "Use the argument n for both sides; do not hard-code the size 8.", code="diagonal/image-size-hard-coded")
    if not got.is_floating_point():
        raise Mismatch(f"`{call}` has dtype {str(got.dtype).replace('torch.', '')}; expected a floating-point "
                       "tensor (e.g. float32).",
                       "torch.eye(n) and torch.ones(n, n) are float32 already; torch.tensor of Python ints, "
                       "or .int()/.long(), gives integers. Use floats (1.0) or .float().", code="diagonal/image-integer")
    X = got.detach().double()
    if not bool(torch.isfinite(X).all()):
        raise Mismatch(f"`{call}` contains inf or nan values.")
    if float(X.max() - X.min()) == 0.0:
        raise Mismatch(f"`{call}` is constant (every pixel equals {float(X[0, 0]):g}): a constant image has "
                       "no edge at all.", "Make one side of the diagonal differ from the other.",
                       code="diagonal/image-constant")
    along_main = torch.allclose(X[1:, 1:], X[:-1, :-1], rtol=1e-6, atol=1e-6)   # X[i, j] = f(i - j)
    along_anti = torch.allclose(X[1:, :-1], X[:-1, 1:], rtol=1e-6, atol=1e-6)   # X[i, j] = f(i + j)
    if not (along_main or along_anti):
        bad = (~torch.isclose(X[1:, 1:], X[:-1, :-1], rtol=1e-6, atol=1e-6)).nonzero()[0].tolist()
        i, j = bad
        msg = (f"`{call}` does not depend only on i - j, nor only on i + j: for example "
               f"X[{i}, {j}] = {float(X[i, j]):g} but X[{i + 1}, {j + 1}] = {float(X[i + 1, j + 1]):g} "
               "(same i - j)")
        bad = (~torch.isclose(X[1:, :-1], X[:-1, 1:], rtol=1e-6, atol=1e-6)).nonzero()[0].tolist()
        i, j = bad
        msg += (f", and X[{i}, {j + 1}] = {float(X[i, j + 1]):g} but X[{i + 1}, {j}] = {float(X[i + 1, j]):g} "
                "(same i + j).")
        if n <= 8:
            msg += f"\nGot:\n{show(X)}"
        raise Mismatch(msg, "Every line parallel to the diagonal (i - j constant) or to the anti-diagonal "
                            "(i + j constant) must have one value: then the edges run diagonally. "
                            "A vertical or horizontal edge does not qualify.", code="diagonal/edges-not-diagonal")


@points(2)
def test_default_image(sub):
    """diagonal_image() is an 8x8 float image with a diagonal edge (value depends only on i - j or i + j)"""
    check_image(sub.call("diagonal_image"), 8, "diagonal_image()")


@points(2)
def test_other_sizes(sub, rng):
    """diagonal_image(n) works for other sizes n, down to n = 2"""
    sizes = [2, 5, int(torch.randint(3, 13, (1,), generator=rng))]
    sub.prefetch("diagonal_image", [(n,) for n in sizes])
    for n in sizes:
        check_image(sub.call("diagonal_image", n), n, f"diagonal_image({n})")


def check_response(sub, X: torch.Tensor) -> None:
    got = sub.call("edge_response", X)
    expected = oracle(X)
    hint = Hint("diagonal/response-wrong",
                "edge_response(X) is corr2d(X, EDGE_KERNEL) with EDGE_KERNEL = [[1, -1]]: Y[i, j] = X[i, j] - X[i, j + 1].")
    if isinstance(got, torch.Tensor) and tuple(got.shape) == tuple(expected.shape):
        if torch.allclose(got.detach().double(), -expected, atol=1e-4) and bool(expected.abs().max() > 0):
            hint = Hint("diagonal/response-sign",
                        "Your result has the opposite sign: the chapter's kernel is [[1, -1]], so Y[i, j] = "
                        "X[i, j] - X[i, j + 1] (the pixel minus its right-hand neighbour).")
    elif isinstance(got, torch.Tensor) and tuple(got.shape) == (X.shape[0] - 1, X.shape[1]):
        hint = Hint("diagonal/response-kernel-transposed",
                    "Your output has one row fewer instead of one column fewer: [[1, -1]] is a 1x2 kernel "
                    "(one row, two columns), not its transpose.")
    expect_tensor(got, expected, call="edge_response(X)", inputs={"X": X}, hint=hint)


@points(2)
@requires("cross_correlation")
def test_response_on_known_images(sub):
    """edge_response gives the chapter's result on the 6x8 two-edge image and on diagonal images"""
    X = torch.ones(6, 8)
    X[:, 2:6] = 0
    images = [X, torch.tril(torch.ones(8, 8)), torch.eye(5).flip(1)]
    sub.prefetch("edge_response", [(X,) for X in images])
    for X in images:
        check_response(sub, X)


@points(2)
@requires("cross_correlation")
def test_response_on_random_images(sub, rng):
    """edge_response equals corr2d(X, [[1, -1]]) on random non-square images"""
    images = [randn(shape, rng) for shape in ((5, 9), (9, 4), (2, 2))]
    sub.prefetch("edge_response", [(X,) for X in images])
    for X in images:
        check_response(sub, X)


@points(2)
def test_apply_k(sub):
    """APPLY_K: what [1, -1] does to a diagonal edge"""
    expect_choice(sub.constant("APPLY_K"), name="APPLY_K", keys={
        "nothing": "the output is zero everywhere",
        "diagonal": "non-zero only next to the diagonal edge",
        "everywhere": "non-zero at every position",
        "copy": "the image shifted by one pixel",
    }, correct=answer_key("diagonal_edges.APPLY_K"),
        hint="Print edge_response(torch.tril(torch.ones(8, 8))) and look at where the entries are non-zero. "
             "Walking along one row of the image, where does the intensity change?")
