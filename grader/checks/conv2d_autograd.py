"""Checks of conv2d_autograd.py: the chapter's Conv2D, the error of the 4-D training loop, and a fix.

Oracles: ``scipy.signal.correlate2d`` / ``convolve2d`` for the values and the gradients
that ``torch.nn.functional.conv2d`` gives (in closed form: dW = sum_n correlate2d(X_n, G_n),
db = G.sum(), dX_n = convolve2d(G_n, W, "full")), the eigenvalues of the least-squares
Hessian for a learning rate that converges, and the worker's own run of the chapter's loop
("book_loop" probe) for the exception that reproduce_error must return.
"""
from __future__ import annotations

import math

import numpy as np
import scipy.signal
import torch
from numpy.lib.stride_tricks import sliding_window_view

from grader.checking import (Mismatch, describe, expect_choice, expect_tensor, fmt_shape, points, require,
                             requires, show)
from grader.checking import answer_key
from grader.worker.protocol import RemoteException

BOOK_LOOP = ("the chapter's loop (Conv2D((1, 2)), X of shape (1, 1, 6, 8), Y of shape (1, 1, 6, 7), "
             "10 steps at lr 3e-2)")


def randn(shape, rng) -> torch.Tensor:
    return (torch.randn(shape, generator=rng, dtype=torch.float64) * 10).round().float() / 10


def corr(X, K) -> np.ndarray:
    return scipy.signal.correlate2d(np.asarray(X, dtype=np.float64), np.asarray(K, dtype=np.float64), mode="valid")


def conv_oracle(X: torch.Tensor, W: torch.Tensor, b: float, G: torch.Tensor):
    """Output and the gradients (weight, bias, input) of F.conv2d(X, W[None, None], b) with grad_output G.

    X is (H, W) or (N, 1, H, W); G has the output's shape.
    """
    four_d = X.ndim == 4
    xs = X.double().numpy().reshape(-1, *X.shape[-2:])
    gs = G.double().numpy().reshape(-1, *G.shape[-2:])
    w = W.double().numpy()
    out = np.stack([corr(x, w) + b for x in xs])
    d_w = sum(corr(x, g) for x, g in zip(xs, gs))
    d_b = np.array([gs.sum()])
    d_x = np.stack([scipy.signal.convolve2d(g, w, mode="full") for g in gs])
    shape_out = (X.shape[0], 1, *out.shape[-2:]) if four_d else out.shape[-2:]
    return (torch.from_numpy(out).reshape(shape_out), torch.from_numpy(d_w), torch.from_numpy(d_b),
            torch.from_numpy(d_x).reshape(X.shape))


def book_data():
    X = torch.ones(6, 8)
    X[:, 2:6] = 0
    Y = torch.from_numpy(corr(X, [[1.0, -1.0]])).float()
    return X, Y


def check_parameters(sub, cls: str) -> None:
    """nn.Module with exactly ``weight`` (kernel_size, random) and ``bias`` ((1,), zeros)."""
    report = sub.probe("layer", cls, args=[(2, 3)])
    require(report["is_module"], f"`{cls}((2, 3))` is not a torch.nn.Module.",
            f"Write `class {cls}(nn.Module):` and call super().__init__() first in __init__.")
    params = {name: tuple(shape) for name, shape in report["parameters"]}
    hint = ("In __init__: self.weight = nn.Parameter(torch.rand(kernel_size)) and "
            "self.bias = nn.Parameter(torch.zeros(1)).")
    if set(params) != {"weight", "bias"}:
        shown = ", ".join(f"{n} {fmt_shape(s)}" for n, s in params.items()) or "none"
        raise Mismatch(f"`{cls}((2, 3))` has the parameters [{shown}]; expected exactly `weight` (2, 3) and "
                       "`bias` (1,), registered as nn.Parameter.", hint)
    for name, shape in (("weight", (2, 3)), ("bias", (1,))):
        if params[name] != shape:
            raise Mismatch(f"`{cls}((2, 3)).{name}` has shape {fmt_shape(params[name])}; expected "
                           f"{fmt_shape(shape)}.", hint)
    bias = report["init"]["bias"]
    if bool((bias != 0).any()):
        raise Mismatch(f"`{cls}((2, 3)).bias` starts at {show(bias)}; the chapter's bias starts at zero.", hint)
    weight = report["init"]["weight"]
    if float(weight.max() - weight.min()) == 0.0:
        raise Mismatch(f"`{cls}((2, 3)).weight` starts with all entries equal ({float(weight.flatten()[0]):g}); "
                       "the chapter starts from random values.", hint)


def check_layer_run(sub, cls: str, X: torch.Tensor, W: torch.Tensor, b: float, rng, *, input_grad: bool,
                    what: str) -> None:
    out_shape = (*X.shape[:-2], X.shape[-2] - W.shape[0] + 1, X.shape[-1] - W.shape[1] + 1)
    G = randn(out_shape, rng)
    want_out, want_w, want_b, want_x = conv_oracle(X, W, b, G)
    report = sub.probe("layer", cls, args=[tuple(W.shape)], x=X, grad_output=G, input_grad=input_grad,
                       set={"weight": W, "bias": torch.tensor([b])})
    call = f"{cls}({tuple(W.shape)})(X)"
    inputs = {"X": X, "weight": W}
    hint_out = {
        "2d": "forward(X) for a 2-D X returns corr2d(X, self.weight) + self.bias.",
        "4d": ("For X of shape (N, 1, H, W), apply corr2d to each image X[n, 0] and stack the results into "
               "shape (N, 1, H', W'), then add the bias: e.g. torch.stack([corr2d(x[0], self.weight) for x in X])"
               ".unsqueeze(1) + self.bias. Each image is cross-correlated on its own: do not glue the images "
               "together into one tall image."),
    }[what]
    expect_tensor(report["output"], want_out, call=call, inputs=inputs | {"bias": torch.tensor([b])},
                  hint=hint_out)
    grads = report.get("grads")
    if grads is None:
        raise Mismatch(f"The output of `{call}` does not require grad: the layer's result is cut off from its "
                       "parameters, so it cannot be trained.",
                       "Compute the output from self.weight and self.bias with torch operations "
                       "(no .detach(), .data, .item() or torch.tensor(...) of results).")
    for name, want in (("weight", want_w), ("bias", want_b)):
        got = grads.get(name)
        if got is None:
            raise Mismatch(f"After `{call}.backward(G)`, {name}.grad is None: the output does not depend on "
                           f"self.{name}.", "Use self.weight and self.bias in forward (not copies or constants).")
        expect_tensor(got, want, call=f"{name}.grad after {call}.backward(G)", inputs=inputs | {"G": G},
                      hint="Gradients must equal those of torch.nn.functional.conv2d(X, weight[None, None], bias): "
                           "the weight's gradient sums over every output position of every image.")
    if input_grad:
        got = report.get("input_grad")
        if got is None:
            raise Mismatch(f"After `{call}.backward(G)`, X.grad is None: the output is cut off from the input X.",
                           "Build the output from X with torch operations only.")
        expect_tensor(got, want_x, call=f"X.grad after {call}.backward(G)", inputs=inputs | {"G": G},
                      hint="Each output must depend on its own image only, as with torch.nn.functional.conv2d.")


# ----------------------------------------------------------------------------- Conv2D

@points(1)
def test_conv2d_parameters(sub):
    """Conv2D((2, 3)) is an nn.Module with weight (2, 3) of random values and bias (1,) of zeros"""
    check_parameters(sub, "Conv2D")


@points(1)
@requires("cross_correlation")
def test_conv2d_forward(sub, rng):
    """Conv2D's forward on a 2-D image is corr2d(X, weight) + bias, with gradients for weight and bias"""
    check_layer_run(sub, "Conv2D", randn((5, 7), rng), randn((2, 3), rng), 0.5, rng, input_grad=False, what="2d")


# ----------------------------------------------------------------------------- the error

@points(2)
def test_reproduce_error(sub):
    """reproduce_error() returns the exception that the chapter's 4-D loop raises with your Conv2D"""
    loop = sub.probe("book_loop", "Conv2D")
    raised = loop["raised"]
    if raised is None:
        raise Mismatch(f"{BOOK_LOOP[0].upper()}{BOOK_LOOP[1:]} ran without any error on your Conv2D, so there is no error to reproduce.",
                       "Conv2D is the chapter's layer for one 2-D image: forward(X) = corr2d(X, self.weight) + "
                       "self.bias, nothing more. Batch support belongs in BatchConv2D.")
    if not isinstance(raised, RemoteException):
        raise Mismatch(f"{BOOK_LOOP[0].upper()}{BOOK_LOOP[1:]} on your Conv2D ended with {describe(raised)}, which the grader cannot read.")
    got = sub.call("reproduce_error")
    expected = f"{raised.short_type}: {raised.message}"
    hint = ("Build the loop exactly as described (reshape X to (1, 1, 6, 8) and Y to (1, 1, 6, 7), "
            "net = Conv2D((1, 2))), wrap it in try/except Exception as e, and `return e` (do not raise it, "
            "do not create a new exception).")
    if not isinstance(got, RemoteException):
        raise Mismatch(f"`reproduce_error()` returned {describe(got)}; expected the exception object that "
                       f"{BOOK_LOOP} raises with your own Conv2D and corr2d: {expected}", hint)
    if got.type_name != raised.type_name or got.message != raised.message:
        raise Mismatch(f"`reproduce_error()` returned {got.short_type}: {got.message}\nbut {BOOK_LOOP} raises, "
                       f"with your own Conv2D and corr2d:\n{expected}",
                       hint + " The error depends on your corr2d: a loop-based and a vectorised one fail "
                              "differently, so do not copy the message from elsewhere.")


@points(1)
def test_error_cause(sub):
    """ERROR_CAUSE: why the chapter's loop fails on the hand-written Conv2D"""
    expect_choice(sub.constant("ERROR_CAUSE"), name="ERROR_CAUSE", keys={
        "inplace": "autograd forbids writing into Y in place",
        "loops": "autograd cannot differentiate Python loops",
        "shape": "corr2d reads the batch and channel axes as height and width",
        "dtype": "float64 parameters meet float32 data",
    }, correct=answer_key("conv2d_autograd.ERROR_CAUSE"),
        hint="Experiment: train Conv2D for one step on the 2-D 6x8 image (does backward() work there?), "
             "then print net(X).shape for the 4-D X, and the dtypes of X and net.weight.")


# ----------------------------------------------------------------------------- BatchConv2D

@points(1)
@requires("cross_correlation")
def test_batch_conv2d_on_2d(sub, rng):
    """BatchConv2D has Conv2D's parameters and gives corr2d(X, weight) + bias on a 2-D image"""
    check_parameters(sub, "BatchConv2D")
    check_layer_run(sub, "BatchConv2D", randn((6, 5), rng), randn((3, 2), rng), -0.3, rng,
                    input_grad=False, what="2d")


@points(1)
@requires("cross_correlation")
def test_batch_conv2d_on_batch(sub, rng):
    """BatchConv2D on a batch (N, 1, H, W) with N > 1 gives (N, 1, H', W') equal to F.conv2d"""
    for n, x_shape, k_shape in ((3, (6, 7), (2, 3)), (2, (5, 4), (3, 1))):
        X = randn((n, 1, *x_shape), rng)
        W = randn(k_shape, rng)
        G = torch.zeros(n, 1, x_shape[0] - k_shape[0] + 1, x_shape[1] - k_shape[1] + 1)
        want_out = conv_oracle(X, W, 0.7, G)[0]
        report = sub.probe("layer", "BatchConv2D", args=[k_shape], x=X,
                           set={"weight": W, "bias": torch.tensor([0.7])})
        expect_tensor(report["output"], want_out, call=f"BatchConv2D({k_shape})(X)",
                      inputs={"X": X, "weight": W},
                      hint="Apply corr2d to each image X[n, 0] on its own, stack the results and keep the channel "
                           "axis: the output of a (N, 1, H, W) batch has shape (N, 1, H - k_h + 1, W - k_w + 1). "
                           "Gluing the images into one tall image mixes rows of neighbouring images.")


@points(1)
@requires("cross_correlation")
def test_batch_conv2d_gradients(sub, rng):
    """BatchConv2D's gradients for weight, bias and input on a batch equal those of F.conv2d"""
    check_layer_run(sub, "BatchConv2D", randn((3, 1, 6, 7), rng), randn((2, 3), rng), 0.2, rng,
                    input_grad=True, what="4d")


# ----------------------------------------------------------------------------- learn_kernel

def check_learned(got, shape, call: str) -> torch.Tensor:
    if not isinstance(got, torch.Tensor):
        raise Mismatch(f"`{call}` returned {describe(got)}; expected the learned weight as a torch.Tensor.",
                       "Return net.weight.detach() (or net.weight.data).")
    require(tuple(got.shape) == tuple(shape),
            f"`{call}` has shape {fmt_shape(got.shape)}; expected kernel_size {fmt_shape(shape)}.",
            "Return the layer's weight itself, shaped like kernel_size (not the 4-D weight of nn.Conv2d).")
    require(got.is_floating_point(), f"`{call}` has dtype {got.dtype}; expected a floating-point tensor.")
    meta = getattr(got, "remote", None)
    if meta is not None and meta.requires_grad:
        raise Mismatch(f"`{call}` returned a tensor that still requires grad (it is attached to the training "
                       "graph); expected it detached.", "Return net.weight.detach().")
    return got


@points(1)
@requires("cross_correlation")
def test_learn_kernel_book(sub):
    """learn_kernel with its defaults on the chapter's 6x8 image lands within 0.15 of [[1, -1]]"""
    X, Y = book_data()
    X4, Y4 = X.reshape(1, 1, 6, 8), Y.reshape(1, 1, 6, 7)
    call = "learn_kernel(X, Y)"
    got = check_learned(sub.call("learn_kernel", X4, Y4), (1, 2), call)
    w = got.detach().double()
    target = torch.tensor([[1.0, -1.0]], dtype=torch.float64)
    err = float((w - target).abs().max()) if bool(torch.isfinite(w).all()) else math.inf
    if err > 0.15:
        raise Mismatch(
            f"`{call}` on the chapter's 6x8 image (X of shape (1, 1, 6, 8), Y of shape (1, 1, 6, 7)) returned "
            f"{show(w)}; expected every entry within 0.15 of [[1, -1]] after 10 steps at lr 3e-2.",
            "Follow the chapter: start from the layer's random weight (torch.rand), loss = ((net(X) - Y) ** 2).sum() "
            "(a sum, not a mean), zero the gradient every step, update only the weight "
            "(weight -= lr * weight.grad) and keep the bias at zero: training the bias too at lr 3e-2 diverges "
            "on this image.")


@points(1)
@requires("cross_correlation")
def test_learn_kernel_recovers_random_kernel(sub, rng):
    """learn_kernel recovers a random 2x3 kernel from random images, given a suitable learning rate and steps"""
    n, x_shape, k_shape = 3, (6, 7), (2, 3)
    X = randn((n, 1, *x_shape), rng)
    K = randn(k_shape, rng)
    if float(K.abs().max()) == 0.0:
        K[0, 0] = 1.0
    Y = torch.from_numpy(np.stack([corr(x[0], K) for x in X.double().numpy()])[:, None]).float()
    # The loss is quadratic in the weight with Hessian 2 A^T A (A: one window of X per row).
    A = sliding_window_view(X.double().numpy()[:, 0], k_shape, axis=(1, 2)).reshape(-1, k_shape[0] * k_shape[1])
    eig = np.linalg.eigvalsh(2 * A.T @ A)
    lr = float(1.0 / eig[-1])
    rate = 1.0 - eig[0] / eig[-1]  # the slowest contraction of the error per step
    steps = int(min(600, max(20, math.ceil(math.log(1e-6) / math.log(rate)) + 10)))
    call = f"learn_kernel(X, Y, kernel_size={k_shape}, steps={steps}, lr={lr:.4g})"
    got = check_learned(sub.call("learn_kernel", X, Y, kernel_size=k_shape, steps=steps, lr=lr), k_shape, call)
    expect_tensor(got, K.double(), call=call, inputs={"X": X, "true kernel": K}, atol=2e-3, rtol=0,
                  hint=f"Y was made by cross-correlating each image with the true kernel (no bias). Gradient descent "
                       f"on ((net(X) - Y) ** 2).sum() with this lr converges; check that you use kernel_size, steps "
                       f"and lr from the arguments, train on the whole batch (all {n} images), and update only "
                       "the weight.")
