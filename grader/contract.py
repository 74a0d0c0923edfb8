"""The student-facing surface of ../shared/CONTRACT.md that the grader needs to know."""

# Exercise modules in grading order: cross_correlation first, since others build on it.
MODULES = (
    "cross_correlation",
    "diagonal_edges",
    "transpose_effect",
    "conv2d_autograd",
    "correlation_as_matmul",
    "second_derivative",
    "blur_kernel",
    "derivative_kernels",
    "directional_edges",
    "fc_to_conv",
)

BASE_MODULE = "cross_correlation"
BASE_FUNCTION = "corr2d"

DEFAULT_SEED = 2024  # the published seed, for self-check; instructors set their own
