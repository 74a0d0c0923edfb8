"""Checks of cross_correlation.py: the chapter's ``corr2d`` ('valid' 2-D cross-correlation).

Oracles: ``scipy.signal.correlate2d(..., mode="valid")`` for values and
the gradients of ``torch.nn.functional.conv2d`` (which is a cross-correlation), in closed form.
"""
from __future__ import annotations

import scipy.signal
import torch

from grader.checking import Mismatch, StudentRaised, examples, expect_tensor, image_and_kernel, points, show
from grader.mistakes import Hint

CALL = "corr2d(X, K)"
FORMULA = "Y[i, j] = (X[i:i + k_h, j:j + k_w] * K).sum() with k_h, k_w = K.shape"


def oracle(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """corr2d in float64, from scipy."""
    return torch.from_numpy(scipy.signal.correlate2d(X.double().numpy(), K.double().numpy(), mode="valid"))


def conv2d_grads(X: torch.Tensor, K: torch.Tensor, G: torch.Tensor):
    """The gradients that ``F.conv2d(X[None, None], K[None, None])[0, 0].backward(G)`` leaves in X and K.

    In closed form (cheaper than a first conv2d backward in this process):
    dX = convolve2d(G, K, "full"), dK = correlate2d(X, G, "valid").
    """
    g, x, k = G.double().numpy(), X.double().numpy(), K.double().numpy()
    return (torch.from_numpy(scipy.signal.convolve2d(g, k, mode="full")),
            torch.from_numpy(scipy.signal.correlate2d(x, g, mode="valid")))


def randn(shape, rng, dtype=torch.float32) -> torch.Tensor:
    """Random values with one decimal, so that printed inputs stay readable."""
    return ((torch.randn(shape, generator=rng, dtype=torch.float64) * 10).round() / 10).to(dtype)


def diagnose(got, X: torch.Tensor, K: torch.Tensor) -> str:
    """A hint aimed at the usual mistakes, read off the wrong answer."""
    (n_h, n_w), (k_h, k_w) = X.shape, K.shape
    generic = f"Compute {FORMULA}, for i in range(n_h - k_h + 1) and j in range(n_w - k_w + 1)."
    if not isinstance(got, torch.Tensor):
        return Hint("corr2d/not-a-tensor",
                    "Return a torch.Tensor built with torch operations (no numpy arrays, lists or Python numbers).")
    shape = tuple(got.shape)
    want = (n_h - k_h + 1, n_w - k_w + 1)
    if shape == want:
        exp = oracle(X, K)
        act = got.detach().double()
        if torch.allclose(act[:1], exp[:1], atol=1e-4) and not torch.allclose(act[1:], exp[1:], atol=1e-4) \
                and bool((act[1:] == 0).all()):
            return Hint("corr2d/return-in-loop",
                        "Only the first output row is right and the others are 0: is a `return` indented inside "
                        "the outer loop, so the function stops after row 0, or does the row loop end too early? "
                        "There are n_h - k_h + 1 output rows.")
        transposed = torch.from_numpy(scipy.signal.correlate2d(X.double().numpy(), K.double().numpy().T,
                                                               mode="valid")) if k_h == k_w else None
        if transposed is not None and torch.allclose(act, transposed, atol=1e-4):
            return Hint("corr2d/kernel-transposed",
                        "Your result is the cross-correlation with K.T: rows and columns of the kernel are mixed up. "
                        "K[a, b] multiplies X[i + a, j + b]; a runs down the rows, b along the columns.")
        flipped = torch.from_numpy(scipy.signal.convolve2d(X.double().numpy(), K.double().numpy(), mode="valid"))
        if torch.allclose(act, flipped, atol=1e-4):
            return Hint("corr2d/convolution",
                        "Your result is a convolution (kernel flipped). The chapter's corr2d does not flip K: "
                        f"{FORMULA}.")
        return Hint("corr2d/wrong-values",
                    generic + " Make sure the body uses its own kernel argument, not a global variable such as K.")
    if shape == (n_h - k_h, n_w - k_w):
        return Hint("corr2d/off-by-one",
                    "Off by one: there are n_h - k_h + 1 output rows and n_w - k_w + 1 output columns.")
    if shape == (n_h - k_w + 1, n_w - k_h + 1):
        return Hint("corr2d/kernel-axes-swapped",
                    "Height and width of the kernel are swapped: k_h = K.shape[0] counts rows (the first axis), "
                    "k_w = K.shape[1] counts columns.")
    if len(shape) == 2:
        return Hint("corr2d/global-kernel",
                    "The output size depends only on X.shape and K.shape. Does the body use its own kernel argument, "
                    "or a variable named K defined elsewhere in your file (e.g. the chapter's "
                    "K = torch.tensor([[1.0, -1.0]]))?")
    return Hint("corr2d/wrong-shape", generic)


def check_case(sub, X, K, *, dtype=None, note=""):
    got = sub.call("corr2d", X, K)
    expect_tensor(got, oracle(X, K), call=CALL, inputs={"X": X, "K": K}, dtype=dtype,
                  hint=note or diagnose(got, X, K))
    return got


@points(1)
def test_book_examples(sub):
    """corr2d reproduces the chapter's examples (19, 25, 37, 43 and the 6x8 edge image)"""
    edges = torch.ones(6, 8)
    edges[:, 2:6] = 0
    pairs = [(torch.arange(9.0).reshape(3, 3), torch.tensor([[0.0, 1.0], [2.0, 3.0]])),
             (edges, torch.tensor([[1.0, -1.0]]))]
    sub.prefetch("corr2d", pairs)
    for X, K in pairs:
        check_case(sub, X, K)


@points(3)
def test_random_non_square(sub, rng):
    """corr2d matches scipy.signal.correlate2d on random non-square images and kernels with k_h != k_w"""
    # Every output has several rows and several columns; kernels of every orientation.
    cases = [((5, 7), (2, 3)), ((7, 4), (3, 1)), ((6, 9), (1, 4)), ((8, 5), (4, 2)), ((9, 11), (3, 5))]
    n_h = int(torch.randint(4, 12, (1,), generator=rng))
    n_w = int(torch.randint(4, 12, (1,), generator=rng))
    k_h = int(torch.randint(1, n_h - 1, (1,), generator=rng))
    k_w = int(torch.randint(1, n_w - 1, (1,), generator=rng))
    if k_h == k_w:
        k_w = k_w + 1 if k_w + 1 <= n_w - 2 else k_w - 1
    cases.append(((n_h, n_w), (k_h, k_w)))
    pairs = [(randn(x_shape, rng), randn(k_shape, rng)) for x_shape, k_shape in cases]
    sub.prefetch("corr2d", pairs)
    for X, K in pairs:
        check_case(sub, X, K)


@points(1)
def test_uses_its_kernel_argument(sub, rng):
    """corr2d uses its kernel argument: two different kernels give two different, correct answers"""
    X = randn((6, 7), rng)
    first = randn((2, 2), rng)
    second = first.flip(0) * -2 + 1
    sub.prefetch("corr2d", [(X, first), (X, second)])
    a = sub.call("corr2d", X, first)
    b = sub.call("corr2d", X, second)
    if isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.shape == b.shape \
            and torch.equal(a.detach(), b.detach()):
        raise Mismatch(
            "`corr2d(X, K1)` and `corr2d(X, K2)` returned the same tensor for two different kernels "
            f"K1 =\n{show(first)}\nand K2 =\n{show(second)}\n(X of shape (6, 7)).",
            "Your corr2d ignores its kernel argument. Does its body use a variable named K defined outside the "
            "function (the chapter's K = torch.tensor([[1.0, -1.0]]) for instance) while the parameter has "
            "another name?", code="corr2d/global-kernel")
    for K, got in ((first, a), (second, b)):
        expect_tensor(got, oracle(X, K), call=CALL, inputs={"X": X, "K": K}, hint=diagnose(got, X, K))


@points(1)
def test_float64_kept(sub, rng):
    """corr2d works on float64 images and kernels (a floating result, right to its precision)"""
    X = torch.randn(5, 7, generator=rng, dtype=torch.float64)
    K = torch.randn(3, 2, generator=rng, dtype=torch.float64)
    got = sub.call("corr2d", X, K)
    expect_tensor(got, oracle(X, K), call=CALL, inputs={"X": X, "K": K}, hint=diagnose(got, X, K))


@points(2)
def test_property_any_shape(sub, seed):
    """corr2d matches scipy on every shape, from 1x1 kernels to kernels as large as the image (property-based)"""
    cases = examples(image_and_kernel(8), seed, key="cross_correlation.image_and_kernel")
    sub.prefetch("corr2d", cases)
    for X, K in cases:
        check_case(sub, X, K)


@points(2)
def test_gradients(sub, rng):
    """Gradients flow to both X and K and equal those of torch.nn.functional.conv2d"""
    X = randn((5, 7), rng)
    K = randn((2, 3), rng)
    G = randn((4, 5), rng)
    grad_X, grad_K = conv2d_grads(X, K, G)
    call = "corr2d(X, K)"
    check_case(sub, X, K)  # right values first: backward needs the right output shape
    try:
        report = sub.probe("grad", "corr2d", args=[X, K], wrt=[0, 1], grad_output=G)
    except StudentRaised as exc:
        if exc.error.short_type == "NotImplementedError":
            raise
        raise StudentRaised(f"{call} with X and K requiring grad", exc.error,
                            "With requires_grad=True, X.numpy() and in-place writes into X or K fail. Use only "
                            "torch operations on X and K (slicing, *, .sum()) and write results into a "
                            "new tensor.", code="corr2d/breaks-autograd") from None
    value = report["value"]
    expect_tensor(value, oracle(X, K), call=call, inputs={"X": X, "K": K}, hint=diagnose(value, X, K))
    meta = getattr(value, "remote", None)
    if meta is not None and not meta.requires_grad:
        raise Mismatch(
            f"`{call}` with X and K requiring grad returned a tensor that does not require grad: the result is cut "
            "off from X and K, so backward() cannot reach them.",
            "Something in corr2d leaves autograd: .item(), float(...), .tolist(), .numpy(), torch.tensor(...) of "
            "computed values, .detach() or .data. Keep every step a torch operation on X and K.",
            code="corr2d/leaves-autograd")
    for name, got, want in (("X", report["grads"][0], grad_X), ("K", report["grads"][1], grad_K)):
        if got is None:
            raise Mismatch(
                f"After `{call}` and backward(), {name}.grad is None: the result does not depend on {name} "
                "through autograd.",
                f"Make sure every output element is computed from {name} with torch operations "
                "(no .item(), .detach(), .data or a global variable in place of the argument).",
                code="corr2d/no-gradient")
        expect_tensor(got, want, call=f"{name}.grad after {call}.backward(G)",
                      inputs={"X": X, "K": K, "G": G},
                      hint="Each output element must be a sum of K[a, b] * X[i + a, j + b] built from X and K "
                           "themselves, so that backward() reaches every pixel and every kernel entry.",
                      code="corr2d/wrong-gradient")
