"""The corr2d given to a submission that has no cross_correlation.py of its own.

The contract asks the grader to grade the other modules against a correct corr2d
in that case and to say so. This is an independent implementation (via
``torch.nn.functional.conv2d``), so the student release can ship it without
shipping the reference solution.
"""

SOURCE = '''"""corr2d supplied by the grader: this submission has no cross_correlation.py."""
import torch
import torch.nn.functional as F


def corr2d(X, K):
    if X.dim() != 2 or K.dim() != 2:
        raise ValueError(f"corr2d expects 2-D X and K; got X of shape {tuple(X.shape)} and K of shape {tuple(K.shape)}")
    return F.conv2d(X[None, None], K.to(X.dtype)[None, None])[0, 0]
'''

NOTE = ("cross_correlation.py was not submitted: the other exercises were graded with a "
        "correct corr2d supplied by the grader.")
