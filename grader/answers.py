"""The right answers of the multiple-choice questions (and of MIN_SIZE): instructor only.

``grader release`` leaves this file out of what students receive; there the checks find
no answer here and only record that a valid key was chosen ("Recorded: ... your
instructor grades it"). Everywhere else (``grader grade``, ``grader batch``, Gradescope,
nbgrader, a clone of the whole repository) the checks grade these answers in full.

Keys are ``"module.CONSTANT"``; a value is the right key, or a set of keys that are all right.
"""
from __future__ import annotations

ANSWERS: dict[str, object] = {
    "diagonal_edges.APPLY_K": "diagonal",
    "transpose_effect.TRANSPOSE_X": "same",
    "transpose_effect.TRANSPOSE_K": "transposed",
    "transpose_effect.IDENTITY": "b",
    "conv2d_autograd.ERROR_CAUSE": "shape",
    "second_derivative.MIN_SIZE": 3,
    "second_derivative.STRONGEST": "lines",
    "blur_kernel.WHY_BLUR": "denoise",
    "fc_to_conv.TRANSLATION_DRAWBACK": "position",
}
