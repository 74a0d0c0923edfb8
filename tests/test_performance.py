"""What the speed-ups rest on keeps the grades the same (timings are benchmarks/, never tests)."""
from __future__ import annotations

import os
import subprocess
import sys

from tests.helpers import REPO

WORKER = os.path.join(REPO, "grader", "worker")


def run_python(code: str, cwd: str = REPO) -> str:
    proc = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def test_worker_reseed_gives_the_random_state_of_torch_manual_seed():
    """The worker seeds torch's CPU generator directly (torch.manual_seed also queues a CUDA
    seeding with a stack trace on every request): student code must draw the same numbers."""
    out = run_python(
        "import sys, tempfile, random\n"
        f"sys.path.insert(0, {WORKER!r})\n"
        "import torch, numpy\n"
        "from session import Session\n"
        "s = Session(tempfile.mkdtemp(), None)\n"
        "def draws():\n"
        "    return (torch.rand(4).tolist(), torch.randn(3, dtype=torch.float64).tolist(),\n"
        "            torch.randint(0, 1000, (5,)).tolist(), torch.nn.Linear(2, 2).weight.tolist(),\n"
        "            torch.initial_seed(), random.random(), float(numpy.random.rand()))\n"
        "ok = True\n"
        "for seed in (0, 1, 2024, 2**40 + 7):\n"
        "    s.reseed(seed)\n"
        "    a = draws()\n"
        "    torch.manual_seed(seed); random.seed(seed); numpy.random.seed(seed % 2**32)\n"
        "    ok = ok and a == draws()\n"
        "print(ok)\n",
        cwd=WORKER)
    assert out.strip() == "True"


def test_trusted_grading_processes_use_one_torch_thread():
    out = run_python("import torch\n"
                     "torch.set_num_threads(2)\n"
                     "from grader import batch_worker\n"
                     "batch_worker.warm_up()\n"
                     "print(torch.get_num_threads())\n")
    assert out.strip() == "1"
