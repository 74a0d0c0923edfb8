"""Checks of conv2d_autograd.py: the chapter's Conv2D, the error of the 4-D training loop, and a fix.

Oracles: ``scipy.signal.correlate2d`` / ``convolve2d`` for the values and the gradients
that ``torch.nn.functional.conv2d`` gives (in closed form: dW = sum_n correlate2d(X_n, G_n),
db = G.sum(), dX_n = convolve2d(G_n, W, "full")); for learn_kernel, the gradient-descent
trajectory replayed in float64 with ``torch.nn.functional.conv2d`` from the submission's own
initial weight (its ``steps=0`` result under the same random state), with a bound on float32
rounding; and the worker's own run of the chapter's loop ("book_loop" probe) for the
exception that reproduce_error must return.
"""
from __future__ import annotations

import math

import numpy as np
import scipy.signal
import torch
from numpy.lib.stride_tricks import sliding_window_view

from grader.checking import (Mismatch, StudentRaised, describe, expect_choice, expect_tensor, fmt_shape, points,
                             require, requires, show)
from grader.mistakes import Hint
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
            f"Write `class {cls}(nn.Module):` and call super().__init__() first in __init__.", code="conv2d/not-a-module")
    params = {name: tuple(shape) for name, shape in report["parameters"]}
    hint = Hint("conv2d/parameters",
                "In __init__: self.weight = nn.Parameter(torch.rand(kernel_size)) and "
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
    b = float(torch.tensor([b])[0])  # the bias the layer gets (float32), not its decimal: a float64 layer is exact
    want_out, want_w, want_b, want_x = conv_oracle(X, W, b, G)
    report = sub.probe("layer", cls, args=[tuple(W.shape)], x=X, grad_output=G, input_grad=input_grad,
                       set={"weight": W, "bias": torch.tensor([b])})
    call = f"{cls}({tuple(W.shape)})(X)"
    inputs = {"X": X, "weight": W}
    hint_out = {
        "2d": Hint("conv2d/forward-2d", "forward(X) for a 2-D X returns corr2d(X, self.weight) + self.bias."),
        "4d": Hint("conv2d/batch-forward", "For X of shape (N, 1, H, W), apply corr2d to each image X[n, 0] and stack the results into "
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
                       "(no .detach(), .data, .item() or torch.tensor(...) of results).", code="conv2d/leaves-autograd")
    for name, want in (("weight", want_w), ("bias", want_b)):
        got = grads.get(name)
        if got is None:
            raise Mismatch(f"After `{call}.backward(G)`, {name}.grad is None: the output does not depend on "
                           f"self.{name}.", "Use self.weight and self.bias in forward (not copies or constants).",
                           code="conv2d/parameter-unused")
        expect_tensor(got, want, call=f"{name}.grad after {call}.backward(G)", inputs=inputs | {"G": G},
                      hint="Gradients must equal those of torch.nn.functional.conv2d(X, weight[None, None], bias): "
                           "the weight's gradient sums over every output position of every image.",
                      code="conv2d/wrong-gradient")
    if input_grad:
        got = report.get("input_grad")
        if got is None:
            raise Mismatch(f"After `{call}.backward(G)`, X.grad is None: the output is cut off from the input X.",
                           "Build the output from X with torch operations only.", code="conv2d/input-cut-off")
        expect_tensor(got, want_x, call=f"X.grad after {call}.backward(G)", inputs=inputs | {"G": G},
                      hint="Each output must depend on its own image only, as with torch.nn.functional.conv2d.",
                      code="conv2d/images-mixed")


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
                       "self.bias, nothing more. Batch support belongs in BatchConv2D.", code="conv2d/no-error")
    if not isinstance(raised, RemoteException):
        raise Mismatch(f"{BOOK_LOOP[0].upper()}{BOOK_LOOP[1:]} on your Conv2D ended with {describe(raised)}, which the grader cannot read.")
    got = sub.call("reproduce_error")
    expected = f"{raised.short_type}: {raised.message}"
    hint = ("Build the loop exactly as described (reshape X to (1, 1, 6, 8) and Y to (1, 1, 6, 7), "
            "net = Conv2D((1, 2))), wrap it in try/except Exception as e, and `return e` (do not raise it, "
            "do not create a new exception).")
    if not isinstance(got, RemoteException):
        raise Mismatch(f"`reproduce_error()` returned {describe(got)}; expected the exception object that "
                       f"{BOOK_LOOP} raises with your own Conv2D and corr2d: {expected}", hint,
                       code="conv2d/reproduce-not-returned")
    if got.type_name != raised.type_name or got.message != raised.message:
        raise Mismatch(f"`reproduce_error()` returned {got.short_type}: {got.message}\nbut {BOOK_LOOP} raises, "
                       f"with your own Conv2D and corr2d:\n{expected}",
                       hint + " The error depends on your corr2d: a loop-based and a vectorised one fail "
                              "differently, so do not copy the message from elsewhere.",
                       code="conv2d/reproduce-different-error")


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


EMPTY_BATCH_HINT = ("nn.Conv2d returns an empty (0, 1, H', W') batch for an empty (0, 1, H, W) input, and so must "
                    "BatchConv2D: torch.stack of an empty list raises, so handle N = 0 on its own (e.g. "
                    "X.new_zeros(0, 1, H - k_h + 1, W - k_w + 1)), or use an operation that handles it.")


@points(1)
@requires("cross_correlation")
def test_batch_conv2d_on_batch(sub, rng):
    """BatchConv2D on a batch (N, 1, H, W) gives (N, 1, H', W') equal to F.conv2d, for N > 1 and for an empty batch N = 0"""
    for n, x_shape, k_shape in ((3, (6, 7), (2, 3)), (2, (5, 4), (3, 1)), (0, (5, 6), (2, 3))):
        X = randn((n, 1, *x_shape), rng)
        W = randn(k_shape, rng)
        out_shape = (n, 1, x_shape[0] - k_shape[0] + 1, x_shape[1] - k_shape[1] + 1)
        bias = torch.tensor([0.7])  # float32: the oracle adds the value the layer gets
        want_out = conv_oracle(X, W, float(bias[0]), torch.zeros(out_shape))[0] if n else torch.zeros(out_shape)
        try:
            report = sub.probe("layer", "BatchConv2D", args=[k_shape], x=X, set={"weight": W, "bias": bias})
        except StudentRaised as exc:
            if n or exc.error.short_type == "NotImplementedError":
                raise
            raise StudentRaised(f"BatchConv2D({k_shape})(X) on an empty batch X of shape {fmt_shape(X.shape)}",
                                exc.error, EMPTY_BATCH_HINT, code="conv2d/empty-batch") from None
        expect_tensor(report["output"], want_out, call=f"BatchConv2D({k_shape})(X)",
                      inputs={"X": X, "weight": W},
                      hint=EMPTY_BATCH_HINT if n == 0 else
                      "Apply corr2d to each image X[n, 0] on its own, stack the results and keep the channel "
                      "axis: the output of a (N, 1, H, W) batch has shape (N, 1, H - k_h + 1, W - k_w + 1). "
                      "Gluing the images into one tall image mixes rows of neighbouring images.",
                      code="conv2d/empty-batch" if n == 0 else "conv2d/batch-forward")


@points(1)
@requires("cross_correlation")
def test_batch_conv2d_gradients(sub, rng):
    """BatchConv2D's gradients for weight, bias and input on a batch equal those of F.conv2d"""
    check_layer_run(sub, "BatchConv2D", randn((3, 1, 6, 7), rng), randn((2, 3), rng), 0.2, rng,
                    input_grad=True, what="4d")


# ----------------------------------------------------------------------------- learn_kernel
#
# Graded on the trajectory, whatever the initialisation: with the random state fixed
# (sub.fixed_seed), learn_kernel(..., steps=0) gives the layer's initial weight w0 and
# learn_kernel(..., steps=k) must give k plain gradient-descent updates from w0. The
# grader replays them in float64 with F.conv2d; the tolerance is a bound on the float32
# rounding of any order of summation (see gd_oracle).

U32 = 2.0 ** -24  # unit roundoff of float32


def check_learned(got, shape, call: str) -> torch.Tensor:
    if not isinstance(got, torch.Tensor):
        raise Mismatch(f"`{call}` returned {describe(got)}; expected the learned weight as a torch.Tensor.",
                       "Return net.weight.detach() (or net.weight.data).", code="conv2d/learned-not-a-tensor")
    require(tuple(got.shape) == tuple(shape),
            f"`{call}` has shape {fmt_shape(got.shape)}; expected kernel_size {fmt_shape(shape)}.",
            "Return the layer's weight itself, shaped like kernel_size (not the 4-D weight of nn.Conv2d).",
            code="conv2d/learned-shape")
    require(got.is_floating_point(), f"`{call}` has dtype {got.dtype}; expected a floating-point tensor.")
    meta = getattr(got, "remote", None)
    if meta is not None and meta.requires_grad:
        raise Mismatch(f"`{call}` returned a tensor that still requires grad (it is attached to the training "
                       "graph); expected it detached.", "Return net.weight.detach().", code="conv2d/learned-not-detached")
    require(bool(torch.isfinite(got).all()), f"`{call}` contains NaN or infinite values:\n{show(got)}")
    return got.detach().to(torch.float64)


def windows(X: torch.Tensor, k_shape) -> np.ndarray:
    """One row per output position of every image: the window of X under the kernel (row-major)."""
    return sliding_window_view(X.double().numpy()[:, 0], tuple(k_shape), axis=(1, 2)).reshape(
        -1, k_shape[0] * k_shape[1])


def gd_oracle(X: torch.Tensor, Y: torch.Tensor, w0: torch.Tensor, steps: int, lr: float):
    """``steps`` updates w -= lr * grad of ((F.conv2d(X, w) - Y) ** 2).sum() from w0, in float64,
    and a bound on how far a float32 run of the same updates can drift from them.

    Each float32 step adds at most gamma * (|w| + lr * 2|A|^T (|A||w| + |Y|)) per entry
    (gamma covers any order of the sums: one product per window entry, one term per
    output position); an earlier error is multiplied by I - lr * H (H = 2 A^T A, the
    Hessian), whose 2-norm is max |1 - lr * eig(H)|.
    """
    Xd, Yd = X.double(), Y.double()
    A = windows(X, w0.shape)
    absA, absy = np.abs(A), np.abs(Yd.numpy().reshape(-1))
    eig = np.linalg.eigvalsh(2 * A.T @ A)
    rho = float(max(abs(1 - lr * eig[0]), abs(1 - lr * eig[-1])))
    gamma = (A.shape[0] + A.shape[1] + 4) * U32
    w, bound = w0.detach().double().clone(), 0.0
    for _ in range(steps):
        w.requires_grad_(True)
        loss = ((torch.nn.functional.conv2d(Xd, w[None, None]) - Yd) ** 2).sum()
        (g,) = torch.autograd.grad(loss, w)
        aw = np.abs(w.detach().numpy().reshape(-1))
        scale = aw + lr * 2 * (absA.T @ (absA @ aw + absy))
        bound = rho * bound + gamma * float(np.linalg.norm(scale))
        w = (w - lr * g).detach()
    return w, bound


def least_squares(X: torch.Tensor, Y: torch.Tensor, k_shape) -> torch.Tensor:
    A = windows(X, k_shape)
    sol = np.linalg.lstsq(A, Y.double().numpy().reshape(-1), rcond=None)[0]
    return torch.from_numpy(sol.reshape(k_shape))


def learn_call(steps, lr, k_shape) -> str:
    parts = ["X", "Y"]
    if k_shape is not None:
        parts.append(f"kernel_size={tuple(k_shape)}")
    if steps is not None:
        parts.append(f"steps={steps}")
    if lr is not None:
        parts.append(f"lr={lr:.4g}")
    return f"learn_kernel({', '.join(parts)})"


def learn(sub, X, Y, k_shape, steps=None, lr=None, *, default_shape=False) -> tuple[torch.Tensor, str]:
    kwargs = {} if default_shape else {"kernel_size": tuple(k_shape)}
    if steps is not None:
        kwargs["steps"] = steps
    if lr is not None:
        kwargs["lr"] = lr
    call = learn_call(steps, lr, None if default_shape else k_shape)
    return check_learned(sub.call("learn_kernel", X, Y, **kwargs), k_shape, call), call


STEP_HINT = ("Start from the layer's own initial weight and repeat, exactly `steps` times: loss = "
             "((net(X) - Y) ** 2).sum() (a sum, not a mean), zero the gradient, loss.backward(), and update only "
             "the weight, weight -= lr * weight.grad (inside torch.no_grad(), or on weight.data), with the lr "
             "passed in. Keep the bias at zero and out of training.")


def check_initial(w0: torch.Tensor, X, Y, call0: str) -> None:
    """steps=0 must not already hold a fitted kernel (a sign of solving without gradient descent)."""
    sol = least_squares(X, Y, tuple(w0.shape))
    if float((w0 - sol).abs().max()) <= 1e-3 * max(1.0, float(sol.abs().max())):
        raise Mismatch(f"`{call0}` returned\n{show(w0)}\nwhich already fits Y (it is the least-squares kernel). "
                       "With steps=0 no training happens: it must return the layer's random initial weight.",
                       "Learn the kernel by gradient descent from the layer's random initialisation, as the "
                       "chapter does; do not solve for it directly. " + STEP_HINT, code="conv2d/learned-solved-directly")


def check_steps(got, w0, X, Y, steps, lr, call, call0, inputs) -> None:
    """``got`` must be ``steps`` gradient-descent updates at ``lr`` from ``w0``."""
    want, bound = gd_oracle(X, Y, w0, steps, lr)
    if float((got - want).norm()) <= bound:
        return
    diagnosis = ""
    for label, (k, rate) in {f"{steps - 1} steps": (steps - 1, lr), f"{steps + 1} steps": (steps + 1, lr),
                             "a mean instead of a sum in the loss": (steps, lr / Y.numel())}.items():
        if k >= 0:
            alt, alt_bound = gd_oracle(X, Y, w0, k, rate)
            if float((got - alt).norm()) <= alt_bound:
                diagnosis = f" Your result is what {label} would give."
                break
    raise Mismatch(
        f"`{call}` returned\n{show(got)}\nexpected\n{show(want)}\nthat is, {steps} gradient-descent step"
        f"{'s' if steps != 1 else ''} of lr {lr:.4g} on ((net(X) - Y) ** 2).sum() (bias held at 0) from the "
        f"initial weight\n{show(w0)}\nwhich `{call0}` returned under the same random state.{diagnosis}",
        STEP_HINT, {"call": call, "expected": want, "got": got, "inputs": inputs},
        code="conv2d/learning-mean-loss" if "mean" in diagnosis else
        ("conv2d/learning-step-count" if diagnosis else "conv2d/learning-wrong"))


@points(1)
@requires("cross_correlation")
def test_learn_kernel_book(sub):
    """learn_kernel with its defaults on the chapter's 6x8 image takes 10 gradient-descent steps at lr 3e-2 from its initial weight"""
    X, Y = book_data()
    X4, Y4 = X.reshape(1, 1, 6, 8), Y.reshape(1, 1, 6, 7)
    with sub.fixed_seed():
        w0, call0 = learn(sub, X4, Y4, (1, 2), steps=0, default_shape=True)
        got, call = learn(sub, X4, Y4, (1, 2), default_shape=True)
    check_initial(w0, X4, Y4, call0)
    check_steps(got, w0, X4, Y4, 10, 3e-2, call, call0, {"X": X, "Y": Y})


@points(1)
@requires("cross_correlation")
def test_learn_kernel_recovers_random_kernel(sub, rng):
    """learn_kernel takes exactly `steps` gradient-descent steps at `lr` (1 and 3 steps, and enough at a suitable lr to recover a random 2x3 kernel)"""
    n, x_shape, k_shape = 3, (6, 7), (2, 3)
    X = randn((n, 1, *x_shape), rng)
    K = randn(k_shape, rng)
    if float(K.abs().max()) == 0.0:
        K[0, 0] = 1.0
    Y = torch.from_numpy(np.stack([corr(x[0], K) for x in X.double().numpy()])[:, None]).float()
    A = windows(X, k_shape)
    eig = np.linalg.eigvalsh(2 * A.T @ A)  # the loss is quadratic in the weight, with this Hessian
    lr_long = float(f"{1.0 / eig[-1]:.3g}")
    contraction = 1.0 - lr_long * eig[0]  # of the error per step, along the slowest direction
    long = int(min(600, max(20, math.ceil(math.log(1e-6) / math.log(contraction)) + 10)))
    lr3 = float(f"{0.7 / eig[-1]:.3g}")
    inputs = {"X": X, "true kernel": K}
    with sub.fixed_seed():
        w0, call0 = learn(sub, X, Y, k_shape, steps=0)
        w0_lr, call0_lr = learn(sub, X, Y, k_shape, steps=0, lr=lr3)
        runs = [(1, 3e-2, *learn(sub, X, Y, k_shape, steps=1)),  # the default lr
                (3, lr3, *learn(sub, X, Y, k_shape, steps=3, lr=lr3)),
                (long, lr_long, *learn(sub, X, Y, k_shape, steps=long, lr=lr_long))]
    check_initial(w0, X, Y, call0)
    if not bool(torch.equal(w0, w0_lr)):
        raise Mismatch(f"`{call0}` returned\n{show(w0)}\nbut `{call0_lr}` returned\n{show(w0_lr)}\nunder the same "
                       "random state: with steps=0 the learning rate plays no part, and both must return the "
                       "layer's initial weight. (Does the loop run once more than `steps`?)", STEP_HINT,
                       code="conv2d/learning-init-depends-on-lr")
    for steps, lr, got, call in runs:
        check_steps(got, w0, X, Y, steps, lr, call, call0, inputs)
