"""Checks of transpose_effect.py: transposing the image or the kernel.

Oracle: ``scipy.signal.correlate2d(..., mode="valid")`` on the transposed arrays.
Inputs are non-square, kernels have k_h != k_w, and square images are never symmetric,
so "transposing X changes nothing" (true only for symmetric X) cannot pass.
"""
from __future__ import annotations

import scipy.signal
import torch

from grader.checking import Mismatch, expect_choice, expect_tensor, points, requires
from grader.mistakes import Hint
from grader.checking import answer_key

EDGE = torch.tensor([[1.0, -1.0]])
CHOICES = {
    "same": "equal to corr2d(X, K)",
    "transposed": "equal to corr2d(X, K).T",
    "zero": "all zeros",
    "negated": "equal to -corr2d(X, K)",
}
# Ways of transposing a tensor, as torch names them when they are applied to X.
TRANSPOSING = ("torch.Tensor.T.__get__", "torch.Tensor.mT.__get__", "torch.Tensor.H.__get__",
               "torch.Tensor.mH.__get__", "torch.Tensor.t", "torch.t", "torch.Tensor.t_",
               "torch.Tensor.transpose", "torch.transpose", "torch.Tensor.transpose_",
               "torch.Tensor.permute", "torch.permute", "torch.Tensor.swapaxes", "torch.swapaxes",
               "torch.Tensor.swapdims", "torch.swapdims", "torch.Tensor.movedim", "torch.movedim",
               "torch.Tensor.moveaxis", "torch.moveaxis", "torch.Tensor.adjoint", "torch.adjoint",
               "torch.Tensor.rot90", "torch.rot90")


def corr(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    return torch.from_numpy(scipy.signal.correlate2d(X.double().numpy(), K.double().numpy(), mode="valid"))


def randn(shape, rng, dtype=torch.float32) -> torch.Tensor:
    return ((torch.randn(shape, generator=rng, dtype=torch.float64) * 10).round() / 10).to(dtype)


def cases(rng):
    """(X, K) pairs: non-square images and kernels, a square non-symmetric image, both dtypes."""
    yield torch.tril(torch.ones(8, 8)), EDGE  # the previous exercise's image: not symmetric
    yield randn((5, 8), rng), randn((1, 2), rng)
    yield randn((6, 4), rng), randn((3, 2), rng)
    yield randn((7, 9), rng, torch.float64), randn((2, 4), rng, torch.float64)
    yield randn((6, 6), rng), randn((2, 3), rng)


def hint_for(got, X, K, name: str) -> str:
    """Recognise the answers of the usual shortcuts."""
    if not isinstance(got, torch.Tensor):
        return Hint("transpose/not-a-tensor", "Return the torch.Tensor that your corr2d gives.")
    act = got.detach().double()
    candidates = {
        "corr2d(X, K)": corr(X, K),
        "corr2d(X, K).T": corr(X, K).T,
        "corr2d(X.T, K)": corr(X.T, K),
        "corr2d(X, K.T)": corr(X, K.T),
    }
    for label, value in candidates.items():
        if act.shape == value.shape and torch.allclose(act, value, atol=1e-4):
            if label == "corr2d(X, K)":
                return Hint("transpose/no-transpose",
                            "You returned corr2d(X, K): transposing X changes the result unless X is symmetric "
                            "(as torch.eye(8) is). Try torch.tril(torch.ones(8, 8)).")
            return Hint("transpose/wrong-transpose", f"You returned {label}. Check which of X and K is transposed in `{name}`.")
    return Hint("transpose/wrong-values",
                "Call your corr2d with the transposed tensor; compare with the formula on a small non-square X.")


@points(2)
@requires("cross_correlation")
def test_transposed_image_response(sub, rng):
    """transposed_image_response(X, K) equals corr2d(X.T, K) on non-square and non-symmetric images"""
    pairs = list(cases(rng))
    sub.prefetch("transposed_image_response", pairs)
    for X, K in pairs:
        got = sub.call("transposed_image_response", X, K)
        expect_tensor(got, corr(X.T, K), call="transposed_image_response(X, K)", inputs={"X": X, "K": K},
                      dtype=X.dtype, hint=hint_for(got, X, K, "transposed_image_response"))


@points(2)
@requires("cross_correlation")
def test_transposed_kernel_response(sub, rng):
    """transposed_kernel_response(X, K) equals corr2d(X, K.T) on non-square images and kernels"""
    pairs = list(cases(rng))
    sub.prefetch("transposed_kernel_response", pairs)
    for X, K in pairs:
        got = sub.call("transposed_kernel_response", X, K)
        expect_tensor(got, corr(X, K.T), call="transposed_kernel_response(X, K)", inputs={"X": X, "K": K},
                      dtype=X.dtype, hint=hint_for(got, X, K, "transposed_kernel_response"))


@points(2)
@requires("cross_correlation")
def test_via_transposed_kernel_values(sub, rng):
    """via_transposed_kernel(X, K) has the shape and values of corr2d(X.T, K)"""
    pairs = list(cases(rng))
    sub.prefetch("via_transposed_kernel", pairs)
    for X, K in pairs:
        got = sub.call("via_transposed_kernel", X, K)
        expect_tensor(got, corr(X.T, K), call="via_transposed_kernel(X, K)", inputs={"X": X, "K": K},
                      dtype=X.dtype, hint=hint_for(got, X, K, "via_transposed_kernel") +
                      " Work out corr2d(X.T, K)[i, j] = sum_ab K[a, b] * X[j + b, i + a]: which kernel, applied "
                      "to X itself, gives these numbers, and at which output position?")


@points(1)
@requires("cross_correlation")
def test_via_transposed_kernel_keeps_x(sub, rng):
    """via_transposed_kernel does not transpose X (it transposes the kernel and the output)"""
    X, K = randn((5, 7), rng), randn((2, 3), rng)
    report = sub.probe("watch_ops", "via_transposed_kernel", args=[X, K], watch=0)
    expect_tensor(report["value"], corr(X.T, K), call="via_transposed_kernel(X, K)", inputs={"X": X, "K": K},
                  hint=hint_for(report["value"], X, K, "via_transposed_kernel"))
    hint = ("Transpose the kernel instead and then the result: find the identity that links "
            "corr2d(X.T, K) to a cross-correlation of X itself (see IDENTITY).")
    if not report.get("intact", False):
        raise Mismatch("Integrity: via_transposed_kernel switched off the grader's view of torch operations, so "
                       "what it does to X cannot be checked.", hint, code="transpose/transposes-x")
    # what the function's own code did to X and to every tensor derived from it (not what corr2d does inside)
    ops = [str(op) for op in report.get("ops", [])]
    used = [op for op in ops if op in TRANSPOSING] or [str(op) for op in report.get("transposed", [])]
    if used:
        op = used[0]
        shown = op.replace("torch.Tensor.", "X.").replace(".__get__", "") if op.startswith("torch.Tensor.") \
            else f"{op}(X, ...)"
        raise Mismatch(f"`via_transposed_kernel(X, K)` transposes X (it calls {shown}, on X or on a tensor made "
                       "from X); the exercise is to get the same numbers without turning the image.",
                       hint, code="transpose/transposes-x")
    escapes = [str(op) for op in report.get("escapes", [])]
    if escapes:
        raise Mismatch(f"`via_transposed_kernel(X, K)` takes X's entries out of torch ({escapes[0]}), where the "
                       "grader cannot see whether it transposes them. Pass X to your corr2d as it is.",
                       hint, code="transpose/transposes-x")


@points(1)
def test_transpose_x_choice(sub):
    """TRANSPOSE_X: corr2d(X.T, K) against corr2d(X, K) for X = torch.eye(8), K = [[1, -1]]"""
    expect_choice(sub.constant("TRANSPOSE_X"), name="TRANSPOSE_X", keys=CHOICES,
                  correct=answer_key("transpose_effect.TRANSPOSE_X"),
                  hint="Compute both for X = torch.eye(8) and K = torch.tensor([[1.0, -1.0]]) and compare them "
                       "with torch.equal. What is special about torch.eye(8).T?")


@points(1)
def test_transpose_k_choice(sub):
    """TRANSPOSE_K: corr2d(X, K.T) against corr2d(X, K) for X = torch.eye(8), K = [[1, -1]]"""
    expect_choice(sub.constant("TRANSPOSE_K"), name="TRANSPOSE_K", keys=CHOICES,
                  correct=answer_key("transpose_effect.TRANSPOSE_K"),
                  hint="Print the shapes first: corr2d(X, K) is 8x7 here. Then compare corr2d(X, K.T) with each "
                       "candidate using torch.equal.")


@points(1)
def test_identity_choice(sub):
    """IDENTITY: the equation that holds for every X and K"""
    expect_choice(sub.constant("IDENTITY"), name="IDENTITY", keys={
        "a": "corr2d(X.T, K) == corr2d(X, K).T",
        "b": "corr2d(X.T, K) == corr2d(X, K.T).T",
        "c": "corr2d(X.T, K.T) == corr2d(X, K)",
        "d": "corr2d(X.T, K) == -corr2d(X, K)",
    }, correct=answer_key("transpose_effect.IDENTITY"),
        hint="Test each equation on a random non-square X (e.g. 5x7) and a kernel with k_h != k_w (e.g. 2x3): "
             "an identity must hold for all of them, not just for a symmetric image like torch.eye(8).")
