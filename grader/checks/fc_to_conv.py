"""Checks of fc_to_conv.py: the exercises of "From Fully Connected Layers to Convolutions".

Oracles: torch.nn.functional.conv2d (1x1 convolution), numpy.pad + scipy.signal.correlate2d
(padded correlation), scipy.signal.correlate (1-D) and scipy.signal.convolve2d (full
convolution), all computed in float64 from the very values sent to the student.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from scipy.signal import convolve2d, correlate, correlate2d

from grader.checking import (Mismatch, Partial, StudentRaised, describe, examples, expect_choice, expect_tensor,
                             points, require, requires)
from grader.mistakes import Hint
from grader.checking import answer_key


def _tensor(nprng, shape, dtype=torch.float32) -> torch.Tensor:
    """Random values in quarters (exact in float32), as a tensor of ``dtype``."""
    return torch.from_numpy(np.round(nprng.normal(size=shape) * 4) / 4 + 0.0).to(dtype)


def _np(t: torch.Tensor) -> np.ndarray:
    return t.detach().to(torch.float64).numpy()


def _fmt_dtype(dtype) -> str:
    return str(dtype).replace("torch.", "")


# ----------------------------------------------------------------------------- pixelwise_linear

@points(2)
def test_pixelwise_linear(sub, seed):
    """pixelwise_linear(X, weight, bias) equals a 1x1 convolution (F.conv2d) on random non-square inputs"""
    nprng = np.random.default_rng(seed)
    cases = [(3, 2, 4, 6, torch.float32), (2, 4, 5, 3, torch.float32), (1, 3, 2, 7, torch.float32),
             (4, 1, 6, 5, torch.float32), (3, 5, 3, 4, torch.float64)]
    inputs = [(_tensor(nprng, (c_in, h, w), dtype), _tensor(nprng, (c_out, c_in), dtype),
               _tensor(nprng, (c_out,), dtype)) for c_in, c_out, h, w, dtype in cases]
    sub.prefetch("pixelwise_linear", inputs)
    for X, weight, bias in inputs:
        dtype = X.dtype
        got = sub.call("pixelwise_linear", X, weight, bias)
        expected = F.conv2d(X.double()[None], weight.double()[:, :, None, None], bias.double())[0]
        expect_tensor(got, expected, call="pixelwise_linear(X, weight, bias)",
                      inputs={"X": X, "weight": weight, "bias": bias}, dtype=dtype,
                      hint=("Y[d, i, j] = sum_c weight[d, c] * X[c, i, j] + bias[d]: flatten the pixels, "
                            "X.reshape(C_in, H * W), multiply by weight, add bias[:, None], reshape back."),
                      code="fc-to-conv/pixelwise-wrong")


# ----------------------------------------------------------------------------- corr1d

def corr1d_lengths():
    """len(x), len(k) <= len(x) and the dtype's name, for ``examples``."""
    from hypothesis import strategies as st

    @st.composite
    def draw_lengths(draw):
        n = draw(st.integers(1, 12))
        m = draw(st.integers(1, n))
        return n, m, draw(st.sampled_from(["float32", "float64"]))
    return draw_lengths()


def kernel_stacks():
    """Lists of up to six kernel sizes from 1 to 9, for ``examples``."""
    from hypothesis import strategies as st

    return st.lists(st.integers(1, 9), max_size=6)


@points(1)
def test_corr1d(sub, seed):
    """corr1d(x, k) equals scipy.signal.correlate(x, k, mode="valid") for random lengths"""
    cases = []
    for n, m, dtype_name in examples(corr1d_lengths, seed, key="fc_to_conv.corr1d_lengths"):
        dtype = getattr(torch, dtype_name)
        nprng = np.random.default_rng([seed, n, m])
        cases.append((_tensor(nprng, (n,), dtype), _tensor(nprng, (m,), dtype)))
    sub.prefetch("corr1d", cases)
    for x, k in cases:
        corr1d_case(sub, x, k)


def corr1d_case(sub, x, k):
    dtype = x.dtype
    got = sub.call("corr1d", x, k)
    expected = torch.from_numpy(correlate(_np(x), _np(k), mode="valid"))
    expect_tensor(got, expected, call="corr1d(x, k)", inputs={"x": x, "k": k}, dtype=dtype,
                  hint="y[t] = sum_a k[a] * x[t + a] for t = 0 .. len(x) - len(k) (no flipping of k).",
                  code="fc-to-conv/corr1d-wrong")


# ----------------------------------------------------------------------------- corr2d_same

PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap")
KERNEL_SHAPES = [(3, 5), (5, 3), (1, 3), (3, 1), (5, 1)]


def _same_oracle(X: torch.Tensor, K: torch.Tensor, mode: str) -> torch.Tensor:
    p_h, p_w = K.shape[0] // 2, K.shape[1] // 2
    padded = np.pad(_np(X), ((p_h, p_h), (p_w, p_w)), mode=mode)
    return torch.from_numpy(correlate2d(padded, _np(K), mode="valid"))


# Padding wider than X (a kernel half-width >= the image side): numpy.pad then reflects or
# wraps repeatedly, where torch.nn.functional.pad raises.
WIDE_SHAPES = [((2, 3), (5, 7)), ((3, 2), (9, 5)), ((2, 5), (7, 13))]


def _wide_cases(nprng):
    return [(_tensor(nprng, xs), _tensor(nprng, ks)) for xs, ks in WIDE_SHAPES]


def _same_cases(nprng, count):
    cases = []
    for idx in range(count):
        k_h, k_w = KERNEL_SHAPES[int(nprng.integers(len(KERNEL_SHAPES)))] if idx else (3, 5)
        n_h = int(nprng.integers(max(k_h, 3), 8))
        n_w = int(nprng.integers(max(k_w, 3), 9))
        if n_h == n_w:
            n_w += 1
        cases.append((_tensor(nprng, (n_h, n_w)), _tensor(nprng, (k_h, k_w))))
    return cases


@points(1)
@requires("cross_correlation")
def test_corr2d_same_zeros(sub, seed):
    """corr2d_same(X, K) keeps X's shape and pads with zeros by default and for mode="constant", also where the padding is wider than X"""
    nprng = np.random.default_rng(seed)
    book = torch.ones((6, 8))
    book[:, 2:6] = 0  # the section's two-edge image
    cases = [(book, _tensor(nprng, (3, 5)))] + _same_cases(nprng, 3) + _wide_cases(nprng)
    last = _tensor(nprng, (5, 7), torch.float64), _tensor(nprng, (3, 3), torch.float64)
    sub.prefetch("corr2d_same", [((X, K), {"mode": "constant"} if idx % 2 == 0 else {})
                                 for idx, (X, K) in enumerate(cases)] + [last])
    for idx, (X, K) in enumerate(cases):
        expected = _same_oracle(X, K, "constant")
        hint = Hint("fc-to-conv/same-padding-wrong",
                    "Pad X with k_h // 2 rows of zeros above and below and k_w // 2 columns left and right, "
                    "then apply corr2d: output (i, j) is centred on input (i, j).")
        if idx % 2:
            got = sub.call("corr2d_same", X, K)
            expect_tensor(got, expected, call="corr2d_same(X, K)", inputs={"X": X, "K": K}, hint=hint)
        else:
            got = sub.call("corr2d_same", X, K, mode="constant")
            expect_tensor(got, expected, call='corr2d_same(X, K, mode="constant")', inputs={"X": X, "K": K},
                          hint=hint)
    X, K = last
    got = sub.call("corr2d_same", X, K)
    expect_tensor(got, _same_oracle(X, K, "constant"), call="corr2d_same(X, K)", inputs={"X": X, "K": K},
                  hint=hint)


MODE_HINTS = {
    "edge": "\"edge\" repeats the outermost pixel: np.pad([1, 2, 3], 2, mode='edge') is [1, 1, 1, 2, 3, 3, 3].",
    "reflect": "\"reflect\" mirrors without repeating the border pixel: np.pad([1, 2, 3], 2, mode='reflect') "
               "is [3, 2, 1, 2, 3, 2, 1].",
    "symmetric": "\"symmetric\" mirrors including the border pixel: np.pad([1, 2, 3], 2, mode='symmetric') is "
                 "[2, 1, 1, 2, 3, 3, 2]. (torch.nn.functional.pad's 'reflect' is numpy's \"reflect\", "
                 "not \"symmetric\".)",
    "wrap": "\"wrap\" continues from the opposite side: np.pad([1, 2, 3], 2, mode='wrap') is [2, 3, 1, 2, 3, 1, 2].",
}


@points(2)
@requires("cross_correlation")
def test_corr2d_same_modes(sub, seed):
    """corr2d_same(X, K, mode) matches numpy.pad + correlate2d for "edge", "reflect", "symmetric", "wrap", also where the padding is wider than X"""
    nprng = np.random.default_rng(seed)
    failures = []
    for mode in ("edge", "reflect", "symmetric", "wrap"):
        pairs = _same_cases(nprng, 3) + _wide_cases(nprng)
        sub.prefetch("corr2d_same", [((X, K), {"mode": mode}) for X, K in pairs])
        for X, K in pairs:
            try:
                expect_tensor(sub.call("corr2d_same", X, K, mode=mode), _same_oracle(X, K, mode),
                              call=f'corr2d_same(X, K, mode="{mode}")', inputs={"X": X, "K": K},
                              hint=MODE_HINTS[mode], code=f"fc-to-conv/pad-{mode}")
            except AssertionError as exc:  # Mismatch or StudentRaised: this mode is wrong
                failures.append(exc)
                break
    if len(failures) == 4:
        raise failures[0]
    if failures:
        passed = 4 - len(failures)
        details = "\n\n".join(str(exc) for exc in failures)
        raise Partial(passed / 4, f"{passed} of the 4 modes are right.\n{details}")


# numpy.pad's modes other than the five, torch.nn.functional.pad's names, near misses and junk.
OTHER_MODES = ("maximum", "mean", "minimum", "median", "linear_ramp", "empty", "circular", "replicate", "zeros",
               "", "symmetrical", "edges", "periodic")


@points(1)
def test_corr2d_same_unknown_mode(sub, seed):
    """corr2d_same raises ValueError for any other mode: numpy.pad's other modes, torch's names, misspellings"""
    nprng = np.random.default_rng(seed)
    X, K = _tensor(nprng, (5, 6)), _tensor(nprng, (3, 3))
    sub.prefetch("corr2d_same", [((X, K), {"mode": mode}) for mode in OTHER_MODES])
    for mode in OTHER_MODES:
        outcome = sub.attempt("corr2d_same", X, K, mode=mode)
        call = f'corr2d_same(X, K, mode="{mode}")'
        if outcome.raised is None:
            raise Mismatch(f"`{call}` returned {describe(outcome.value)}; expected it to raise ValueError "
                           f"(the valid modes are {', '.join(map(repr, PAD_MODES))}).",
                           "Check mode against the five valid names first and raise ValueError(...) naming them. "
                           "(numpy.pad has more modes, like 'maximum' or 'linear_ramp', and "
                           "torch.nn.functional.pad has its own names, like 'circular' and 'replicate'; "
                           "none of them is valid here, so do not pass mode on unchecked.)",
                           code="fc-to-conv/unknown-mode-accepted")
        if outcome.raised.short_type == "NotImplementedError" and not outcome.raised.message:
            raise StudentRaised(call, outcome.raised)  # the stub (torch.nn.functional.pad's own says more)
        require(outcome.raised.short_type == "ValueError",
                f"`{call}` raised {outcome.raised.short_type}: {outcome.raised.message}; expected ValueError.",
                "Check mode against the five valid names first and raise ValueError(...) naming them.",
                code="fc-to-conv/unknown-mode-wrong-error")


# ----------------------------------------------------------------------------- conv2d_full

def _full_cases(nprng):
    shapes = [((4, 6), (2, 3)), ((5, 3), (3, 2)), ((3, 5), (1, 1)), ((6, 4), (6, 4)), ((4, 7), (3, 3))]
    cases = [(_tensor(nprng, xs), _tensor(nprng, ks)) for xs, ks in shapes]
    cases.append((_tensor(nprng, (5, 4), torch.float64), _tensor(nprng, (2, 3), torch.float64)))
    return cases


FULL_HINT = ("Strict convolution flips the kernel in both axes: Y[i, j] = sum_ab X[a, b] * K[i - a, j - b]. "
             "Frame X with k_h - 1 rows and k_w - 1 columns of zeros on each side and correlate with "
             "torch.flip(K, dims=(0, 1)).")


@points(2)
@requires("cross_correlation")
def test_conv2d_full(sub, seed):
    """conv2d_full(X, K) equals scipy.signal.convolve2d(X, K, mode="full") on random non-square inputs"""
    pairs = _full_cases(np.random.default_rng(seed))
    sub.prefetch("conv2d_full", pairs)
    for X, K in pairs:
        got = sub.call("conv2d_full", X, K)
        expected = torch.from_numpy(convolve2d(_np(X), _np(K), mode="full"))
        expect_tensor(got, expected, call="conv2d_full(X, K)", inputs={"X": X, "K": K}, dtype=X.dtype,
                      hint=FULL_HINT, code="fc-to-conv/full-convolution-wrong")


@points(1)
@requires("cross_correlation")
def test_conv2d_full_commutes(sub, seed):
    """conv2d_full(K, X) equals conv2d_full(X, K): convolution is commutative"""
    pairs = _full_cases(np.random.default_rng(seed))
    sub.prefetch("conv2d_full", [(K, X) for X, K in pairs])
    for X, K in pairs:
        expected = torch.from_numpy(convolve2d(_np(X), _np(K), mode="full"))
        got = sub.call("conv2d_full", K, X)
        expect_tensor(got, expected, call="conv2d_full(K, X)", inputs={"X": X, "K": K}, dtype=X.dtype,
                      hint="conv2d_full(K, X) must equal conv2d_full(X, K) (and scipy's convolve2d(X, K)): here "
                           "the first argument is the smaller one. " + FULL_HINT
                           + " Without the flip you get cross-correlation, which is not commutative.",
                      code="fc-to-conv/full-not-commutative")


# ----------------------------------------------------------------------------- receptive_field

@points(1)
def test_receptive_field(sub, seed):
    """receptive_field(kernel_sizes) is the side seen by one output, for the book's [2, 2] and random stacks"""
    stacks = [[2, 2], [3, 3, 3], [], [1, 1], [5]]
    stacks += [s for s in examples(kernel_stacks, seed, key="fc_to_conv.stacks")
               if s not in stacks]
    sub.prefetch("receptive_field", [(list(ks),) for ks in stacks])
    for ks in stacks:
        got = sub.call("receptive_field", list(ks))
        require(isinstance(got, (int, np.integer)) and not isinstance(got, (bool, np.bool_)),
                f"`receptive_field({ks})` returned {describe(got)}; expected an int.")
        expected = 1 + sum(k - 1 for k in ks)
        require(int(got) == expected,
                f"`receptive_field({ks})` returned {int(got)}; expected {expected}.",
                "One output of a k x k layer sees k positions per axis of its input; each of those sees k' "
                "positions of the layer below, overlapping with its neighbours'. The section's two 2x2 layers "
                "see 3, not 4. With no layer at all, an output is its own input: 1.", code="fc-to-conv/receptive-field")


# ----------------------------------------------------------------------------- TRANSLATION_DRAWBACK

@points(1)
def test_translation_drawback(sub):
    """TRANSLATION_DRAWBACK names when translation invariance hurts"""
    expect_choice(sub.constant("TRANSLATION_DRAWBACK"), name="TRANSLATION_DRAWBACK",
                  keys={"position": "absolute position carries meaning",
                        "slower": "convolutions are slower",
                        "more_parameters": "it needs more parameters",
                        "none": "no drawback"},
                  correct=answer_key("fc_to_conv.TRANSLATION_DRAWBACK"),
                  hint="Compare a convolution's parameter count and cost with a fully connected layer's, then "
                       "think of an image in which the same pattern means different things in different places.")
