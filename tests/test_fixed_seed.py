"""``sub.fixed_seed()``: calls inside the block run under one random state, calls outside do not.

learn_kernel is graded by comparing ``steps=0`` with ``steps=k`` under the same random state
(the submission's own random initialisation must be the same in both calls).
"""
from __future__ import annotations

import pytest
import torch

from grader.client import Zygote
from grader.grading import SubmissionRun
from grader.submission import load


@pytest.fixture(scope="module")
def zygote():
    z = Zygote()
    yield z
    z.close()


def test_calls_in_a_fixed_seed_block_share_their_random_state(zygote, tmp_path):
    (tmp_path / "conv2d_autograd.py").write_text(
        "import numpy, torch\n\n\ndef learn_kernel(*args, **kwargs):\n"
        "    return torch.rand(3) + float(numpy.random.rand())\n")
    run = SubmissionRun(load(str(tmp_path)), zygote, seed=17)
    try:
        sub = run.exercise("conv2d_autograd")
        sub.begin_check(17)
        apart = [sub.call("learn_kernel") for _ in range(2)]
        with sub.fixed_seed():
            together = [sub.call("learn_kernel", steps=k) for k in (0, 3, 10)]
        after = sub.call("learn_kernel")
    finally:
        run.close()
    assert not torch.equal(apart[0], apart[1])
    assert torch.equal(together[0], together[1]) and torch.equal(together[0], together[2])
    assert not torch.equal(after, together[0])
