"""Checks of blur_kernel.py: blur_kernel(size) and WHY_BLUR.

Any averaging kernel with the contract's properties passes (box, binomial,
sampled Gaussian, ...): the checks test the properties, never particular weights.
Images are filtered with scipy.signal.correlate2d in the trusted process.
"""
from __future__ import annotations

import numpy as np
import torch
from scipy.signal import correlate2d

from grader.checking import Mismatch, describe, expect_choice, fmt_shape, points, require, show
from grader.checking import answer_key

SIZES = (None, 3, 5)  # None: the default argument


def _call(size) -> str:
    return "blur_kernel()" if size is None else f"blur_kernel({size})"


def _calls(sizes) -> list[tuple]:
    """The arguments of blur_kernel for each size (None: the default), for ``sub.prefetch``."""
    return [() if size is None else (size,) for size in sizes]


def _kernel(sub, size) -> np.ndarray:
    """The kernel for ``size`` as float64 numpy, after type, shape and dtype checks."""
    call = _call(size)
    K = sub.call("blur_kernel") if size is None else sub.call("blur_kernel", size)
    side = 3 if size is None else size
    if not isinstance(K, torch.Tensor):
        raise Mismatch(f"`{call}` returned {describe(K)}; expected a torch.Tensor of shape ({side}, {side}).")
    require(tuple(K.shape) == (side, side),
            f"`{call}` has shape {fmt_shape(K.shape)}; expected ({side}, {side})"
            + (" (the default size is 3)." if size is None else "."))
    require(K.is_floating_point(),
            f"`{call}` has dtype {str(K.dtype).replace('torch.', '')}; expected a floating-point tensor.",
            "Weights that sum to 1 are fractions: an integer tensor cannot hold them.", code="blur/integer-kernel")
    require(bool(torch.isfinite(K).all()), f"`{call}` contains NaN or infinite values:\n{show(K)}")
    return K.detach().to(torch.float64).numpy()


def _dc_gain(K: np.ndarray, call: str) -> float:
    """What the kernel does to a constant image (its sum). Low-pass is judged relative to it, so
    that unnormalised weights cost marks once (in test_is_an_average), not in every check."""
    total = float(K.sum())
    require(total > 1e-12,
            f"The weights of `{call}` sum to {total:.6g}: a constant image does not come through, so the "
            "kernel cannot be low-pass.",
            "A blur is a weighted average: non-negative weights that sum to 1.", code="blur/zero-sum")
    return total


@points(1)
def test_shape(sub):
    """blur_kernel(size) returns a (size, size) float tensor for every size from 1 to 5 and the default"""
    sub.prefetch("blur_kernel", _calls(SIZES + (1, 2, 4)))
    for size in SIZES + (1, 2, 4):  # "any size >= 1 must work"
        K = _kernel(sub, size)
        if size == 1:
            require(abs(float(K[0, 0]) - 1.0) <= 1e-6, f"`blur_kernel(1)` is {show(torch.from_numpy(K))}; "
                    "a 1x1 kernel of non-negative weights summing to 1 can only be [[1.]].")


@points(2)
def test_is_an_average(sub, seed):
    """blur_kernel has non-negative weights summing to 1, so a constant image stays unchanged"""
    nprng = np.random.default_rng(seed)
    sub.prefetch("blur_kernel", _calls(SIZES))
    for size in SIZES:
        K = _kernel(sub, size)
        call = _call(size)
        require(bool((K >= 0).all()),
                f"`{call}` has negative weights:\n{show(torch.from_numpy(K))}",
                "A blur is a weighted average of neighbouring pixels: every weight must be >= 0.",
                code="blur/negative-weights")
        total = float(K.sum())
        require(abs(total - 1.0) <= 1e-5,
                f"The weights of `{call}` sum to {total:.6g}; expected 1.",
                "Divide by the sum of the weights, so that an image of constant intensity keeps its intensity.",
                code="blur/not-normalised")
        c = float(np.round(nprng.uniform(0.5, 3.0), 2))
        shape = (K.shape[0] + 3, K.shape[1] + 4)
        Y = correlate2d(np.full(shape, c), K, mode="valid")
        require(np.allclose(Y, c, rtol=1e-5, atol=0),
                f"corr2d of a constant {shape[0]}x{shape[1]} image of value {c:g} with `{call}` is not {c:g} "
                f"everywhere (it ranges from {Y.min():.6g} to {Y.max():.6g}).")


@points(2)
def test_symmetric(sub):
    """blur_kernel equals its transpose and its horizontal and vertical flips"""
    sub.prefetch("blur_kernel", _calls(SIZES))
    for size in SIZES:
        K = _kernel(sub, size)
        call = _call(size)
        tol = 1e-6 * max(1e-12, float(np.abs(K).max()))
        for name, other in (("its transpose K.T", K.T), ("its horizontal flip torch.flip(K, dims=(1,))", K[:, ::-1]),
                            ("its vertical flip torch.flip(K, dims=(0,))", K[::-1, :])):
            require(np.allclose(K, other, rtol=0, atol=tol),
                    f"`K = {call}` is not equal to {name}:\n{show(torch.from_numpy(K))}",
                    "A blur must not shift or skew the image: the weights should depend only on the distance "
                    "from the centre of the kernel. If you sample a Gaussian, centre the coordinates: "
                    "for size n they run from -(n - 1) / 2 to (n - 1) / 2.", code="blur/not-symmetric")


@points(2)
def test_checkerboard_shrinks(sub):
    """blur_kernel shrinks the amplitude of a checkerboard (the finest detail an image can have) relative to a constant image"""
    sub.prefetch("blur_kernel", _calls(SIZES))
    for size in SIZES:
        K = _kernel(sub, size)
        shape = (K.shape[0] + 4, K.shape[1] + 5)
        i, j = np.indices(shape)
        board = np.where((i + j) % 2 == 0, 1.0, -1.0)
        Y = correlate2d(board, K, mode="valid")
        gain = _dc_gain(K, _call(size))
        amplitude = float(np.abs(Y).max())
        relative = "" if abs(gain - 1) < 1e-5 else \
            f" ({amplitude:.6g} / {gain:.6g}, relative to a constant image, which your kernel scales by {gain:.6g})"
        amplitude /= gain
        require(amplitude < 1 - 1e-6,
                f"corr2d of a {shape[0]}x{shape[1]} checkerboard of +1/-1 with `{_call(size)}` still has "
                f"amplitude {amplitude:.6g}{relative} (max |output|); a blur must shrink it below 1.\n"
                f"Your kernel:\n{show(torch.from_numpy(K))}",
                "Averaging neighbours that alternate between +1 and -1 should cancel them out; a kernel whose "
                "weight sits on one pixel (or only on pixels of one colour of the board) does not average "
                "neighbours.", code="blur/not-low-pass")


@points(1)
def test_noise_variance_shrinks(sub, seed):
    """blur_kernel shrinks the variance of white noise relative to a constant image"""
    nprng = np.random.default_rng(seed)
    sub.prefetch("blur_kernel", _calls(SIZES))
    for size in SIZES:
        K = _kernel(sub, size)
        noise = nprng.normal(size=(48, 50))
        Y = correlate2d(noise, K, mode="valid")
        before = float(noise[K.shape[0] // 2:noise.shape[0] - (K.shape[0] - 1) // 2,
                             K.shape[1] // 2:noise.shape[1] - (K.shape[1] - 1) // 2].var())
        gain = _dc_gain(K, _call(size))
        after = float(Y.var()) / gain ** 2
        relative = "" if abs(gain - 1) < 1e-5 else \
            f" (relative to a constant image, which your kernel scales by {gain:.6g})"
        require(after < before,
                f"corr2d of 48x50 white noise (variance {before:.4g}) with `{_call(size)}` has variance "
                f"{after:.4g}{relative}; a blur must make it smaller.",
                "Averaging several independent noisy pixels cancels part of the noise. "
                "Spread the weight over the neighbourhood and make the weights sum to 1.", code="blur/noise-kept")


@points(2)
def test_why_blur(sub):
    """WHY_BLUR names what a blur is for"""
    expect_choice(sub.constant("WHY_BLUR"), name="WHY_BLUR",
                  keys={"sharpen": "make edges crisper",
                        "denoise": "suppress pixel noise and fine detail",
                        "rotate": "rotate the image",
                        "detect": "find edges"},
                  correct=answer_key("blur_kernel.WHY_BLUR"),
                  hint="Look at what your kernel did to the checkerboard and to the white noise in the other "
                       "checks, and to an edge: does a blurred edge get crisper?")
