"""Checks of directional_edges.py: directional_edge_kernel(v).

Any kernel with the contract's ramp response passes (central differences, Sobel,
Prewitt, forward differences, any size): for every ramp f[i, j] = a*j + b*i + c,
corr2d(f, K) must be the constant s * (v_x*a + v_y*b) with one s > 0 per v.
Ramps are correlated with the student's kernel by scipy in the trusted process.
"""
from __future__ import annotations

import math

import numpy as np
import torch
from scipy.signal import correlate2d

from grader.checking import Mismatch, describe, points, require, show
from grader.mistakes import Hint


MAX_SIDE = 31  # the contract: any size up to 31x31 qualifies; each ramp is a few pixels larger than K


def _fmt_v(v) -> str:
    return "(" + ", ".join(f"{c:g}" for c in v) + ")"


def _kernel(sub, v) -> np.ndarray:
    call = f"directional_edge_kernel({_fmt_v(v)})"
    K = sub.call("directional_edge_kernel", tuple(v))
    if not isinstance(K, torch.Tensor):
        raise Mismatch(f"`{call}` returned {describe(K)}; expected a 2-D torch.Tensor.")
    require(K.ndim == 2 and K.shape[0] >= 1 and K.shape[1] >= 1,
            f"`{call}` has shape {tuple(K.shape)}; expected a non-empty 2-D kernel.")
    require(K.shape[0] <= MAX_SIDE and K.shape[1] <= MAX_SIDE,
            f"`{call}` has shape {tuple(K.shape)}; the grader takes kernels up to {MAX_SIDE}x{MAX_SIDE}.")
    require(K.is_floating_point(),
            f"`{call}` has dtype {str(K.dtype).replace('torch.', '')}; expected a floating-point tensor.")
    require(bool(torch.isfinite(K).all()), f"`{call}` contains NaN or infinite values:\n{show(K)}")
    return K.detach().to(torch.float64).numpy()


def _tol(K: np.ndarray, F: np.ndarray) -> float:
    """How far corr2d(F, K) may stray from exact: relative to the kernel's and the ramp's scale
    (so any s > 0 works), and loose enough for a float32 kernel's rounded weights."""
    return 1e-5 * float(np.abs(K).sum()) * float(np.abs(F).max())


def _ramp(a, b, c, shape) -> np.ndarray:
    i, j = np.indices(shape, dtype=np.float64)  # i grows downwards (y), j to the right (x)
    return a * j + b * i + c


def _ramp_text(a, b, c) -> str:
    terms = [(a, "*j"), (b, "*i"), (c, "")]
    text = ""
    for value, name in terms:
        if value == 0:
            continue
        mag = f"{abs(value):.6g}{name}"
        text += (" - " if value < 0 else " + ") + mag if text else ("-" if value < 0 else "") + mag
    return "f[i, j] = " + (text or "0")


def _direction_hint(v) -> str:
    if v[0] == 0:
        return Hint("directional/y-axis-flipped",
                    "The row index i grows downwards: v = (0, 1) asks for a positive response where the image gets "
                    "brighter towards the bottom (f = i), and v = (0, -1) where it gets brighter towards the top.")
    if v[1] == 0:
        return Hint("directional/x-axis-flipped",
                    "The column index j grows to the right: v = (1, 0) asks for a positive response where the image "
                    "gets brighter to the right (f = j). The section's [[1, -1]] gives f(j) - f(j + 1): it points "
                    "the other way.")
    return Hint("directional/not-directional-derivative",
                "The response should be the directional derivative v_x * f_x + v_y * f_y: combine a kernel for f_x "
                "(change to the right) and one for f_y (change downwards, since the row index i grows downwards) "
                "with the weights v_x and v_y.")


def _check_ramp_response(sub, v, nprng) -> None:
    """Random ramps: constant response, equal to s * (v . (a, b)) with one s > 0."""
    K = _kernel(sub, v)
    call = f"directional_edge_kernel({_fmt_v(v)})"
    k_h, k_w = K.shape
    shape = (k_h + int(nprng.integers(2, 4)), k_w + int(nprng.integers(4, 6)))  # several rows and columns
    vx, vy = v
    # Ramps along v, across v and in random directions (a, b), with random offsets c.
    norm = math.hypot(vx, vy)
    ramps = [(vx / norm * 2, vy / norm * 2, 1.0)]
    for _ in range(4):
        a, b = (float(x) for x in np.round(nprng.uniform(-3, 3, size=2), 2))
        ramps.append((a, b, float(np.round(nprng.uniform(-5, 5), 2))))
    responses = []
    for a, b, c in ramps:
        F = _ramp(a, b, c, shape)
        Y = correlate2d(F, K, mode="valid")
        tol = _tol(K, F)
        if float(Y.max() - Y.min()) > tol:
            raise Mismatch(
                f"`K = {call}` does not give a constant response to a ramp: for the {shape[0]}x{shape[1]} ramp "
                f"{_ramp_text(a, b, c)}, corr2d(f, K) ranges from {Y.min():.6g} to {Y.max():.6g}:\n"
                f"{show(torch.from_numpy(Y))}\nYour kernel:\n{show(torch.from_numpy(K))}",
                f"A ramp's value grows from place to place; the response stays constant only if the weights sum "
                f"to 0 (yours sum to {K.sum():.6g}).", code="directional/not-zero-sum")
        responses.append((a, b, c, float(Y.mean()), v[0] * a + v[1] * b, tol))
    a0, b0, c0, y0, e0, tol0 = responses[0]  # the ramp along v: e0 = 2 * |v| > 0
    s = y0 / e0
    if not s > tol0 / e0:
        raise Mismatch(
            f"`K = {call}` gives {y0:.6g} on the ramp {_ramp_text(a0, b0, c0)}, which brightens along v; "
            f"expected a positive value, s * {e0:.6g} for some s > 0.\nYour kernel:\n{show(torch.from_numpy(K))}",
            _direction_hint(v))
    for a, b, c, y, e, tol in responses[1:]:
        if abs(y - s * e) > tol + 1e-6 * abs(s * e):
            raise Mismatch(
                f"`K = {call}` does not respond with one s > 0 to every ramp: on {_ramp_text(a0, b0, c0)} it gives "
                f"{y0:.6g} = s * (v_x*a + v_y*b) with s = {s:.6g}, but on {_ramp_text(a, b, c)} it gives {y:.6g} "
                f"instead of s * ({e:.6g}) = {s * e:.6g}.\nYour kernel:\n{show(torch.from_numpy(K))}",
                _direction_hint(v))


AXIS_DIRECTIONS = [(1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (0.0, -1.0)]


@points(4)
def test_axis_aligned_directions(sub, seed):
    """directional_edge_kernel(v) responds s * (v_x*a + v_y*b), s > 0, to every ramp a*j + b*i + c, for v along the axes"""
    nprng = np.random.default_rng(seed)
    scales = [float(np.round(nprng.uniform(0.3, 3.0), 2)) for _ in range(2)]
    directions = AXIS_DIRECTIONS + [(scales[0], 0.0), (0.0, -scales[1])]  # non-unit ones too
    sub.prefetch("directional_edge_kernel", [(tuple(v),) for v in directions])
    for v in directions:
        _check_ramp_response(sub, v, nprng)


def _oblique_directions(nprng) -> list[tuple[float, float]]:
    """One v in each quadrant (so both signs of both components), not unit length, away from the axes."""
    out = []
    for quadrant in range(4):
        angle = math.radians(90 * quadrant + float(nprng.uniform(12, 78)))
        radius = float(nprng.uniform(0.3, 4.0))
        out.append((round(radius * math.cos(angle), 3), round(radius * math.sin(angle), 3)))
    return out


@points(4)
def test_oblique_directions(sub, seed):
    """directional_edge_kernel(v) responds s * (v_x*a + v_y*b), s > 0, to every ramp, for oblique v of any sign and length"""
    nprng = np.random.default_rng(seed)
    directions = _oblique_directions(nprng) + [(1.0, 1.0), (1.0, -2.0)]
    sub.prefetch("directional_edge_kernel", [(tuple(v),) for v in directions])
    for v in directions:
        _check_ramp_response(sub, v, nprng)


@points(2)
def test_blind_across(sub, seed):
    """directional_edge_kernel(v) gives 0 on ramps whose intensity changes along (v_y, -v_x)"""
    nprng = np.random.default_rng(seed)
    directions = [(1.0, 0.0), (0.0, 1.0)] + _oblique_directions(nprng)[:2]
    sub.prefetch("directional_edge_kernel", [(tuple(v),) for v in directions])
    for v in directions:
        K = _kernel(sub, v)
        call = f"directional_edge_kernel({_fmt_v(v)})"
        shape = (K.shape[0] + 3, K.shape[1] + 4)
        t = float(np.round(nprng.uniform(0.5, 2.5), 2)) * float(nprng.choice([-1, 1]))
        a, b, c = v[1] * t, -v[0] * t, float(np.round(nprng.uniform(-3, 3), 2))
        F = _ramp(a, b, c, shape)
        Y = correlate2d(F, K, mode="valid")
        tol = _tol(K, F)
        require(bool(np.abs(Y).max() <= tol),
                f"`K = {call}` is not blind to change along (v_y, -v_x): on the ramp {_ramp_text(a, b, c)} "
                f"corr2d(f, K) gives\n{show(torch.from_numpy(Y))}\nexpected 0 everywhere.\n"
                f"Your kernel:\n{show(torch.from_numpy(K))}",
                "Intensity that changes along the edge, not across it, is not an edge in direction v. "
                "With the weights summing to 0, the response to a*j + b*i is a*(sum of K[p, q]*q) + "
                "b*(sum of K[p, q]*p); it must be proportional to v_x*a + v_y*b.", code="directional/not-blind-across")
