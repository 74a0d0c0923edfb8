"""This grader against plain nbgrader, side by side, on the same student notebooks.

    .venv/bin/python benchmarks/nbgrader_anchor.py [--sizes 10 30] [--jobs J] [--cold 3] [--repeat 2]
                                                   [--no-nbgrader] [--no-folders] [--keep DIR]

It builds, in a temporary folder:
  * a plain nbgrader course (``source/conv/conv.ipynb``): for each of the ten exercises an answer
    cell (the reference from solutions/ between ``### BEGIN SOLUTION`` / ``### END SOLUTION``) and a
    locked grade cell of ordinary instructor asserts against torch / scipy / numpy oracles, worth the
    exercise's points in grader/checks/ (the sum of its ``@points``). ``nbgrader generate_assignment``
    releases it; autograde runs each notebook in its own Jupyter kernel, as nbgrader does by default;
  * N student notebooks made from the released notebook: the references (most of them) and a few
    wrong variants (one or two wrong answers each), cycled, in ``submitted/<student>/conv/``; the
    same files, copied as ``<student>.ipynb``, are what ``grader batch`` grades;
  * the same students as module folders (``<student>/<module>.py``): ``grader batch`` only (plain
    nbgrader grades notebooks).

Then, in this one run, for each size N of ``--sizes`` (alternating which tool goes first):
``nbgrader autograde conv`` on N notebooks, ``grader batch`` on the same N notebooks, and
``grader batch`` on N module folders (each ``--repeat`` times, the fastest counting: other work
on the machine only ever adds time); it prints wall times, the per-submission marginal cost
(the slope between the smallest and the largest size), the ratio, and the peak of the summed
memory of each tool's process tree (RSS summed over its processes, and PSS, which counts pages
shared between the zygote and its forked children once; RSS sampled from /proc every 0.2 s,
PSS every 1 s, since reading it costs CPU per process measured), per
parallel grader for ``grader batch``. Then ``--cold`` times (alternating): one cold
``grader grade`` of one notebook and a bare ``python -c "import torch"``.

It checks that both tools agree on every exercise's verdict (full marks or not) for every
notebook, and lists each disagreement. The targets (issue 11) are printed next to the numbers;
nothing here is a test. Timings include whatever else the machine does: the load average is
printed around every run.
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
from grader.contract import MODULES  # noqa: E402 - light: no torch

BIN = os.path.dirname(os.path.abspath(sys.executable))
ASSIGNMENT = "conv"
SEED = 91731

# ----------------------------------------------------------------------------- the course

# Ordinary instructor asserts, one grade cell per exercise. Oracles: torch.nn.functional.conv2d,
# scipy.signal, numpy. Names start with _t so that they never shadow a student's.
PRELUDE = """import numpy as _np
import scipy.signal as _sig
import torch as _torch
import torch.nn.functional as _F

def _tconv(X, K):
    X, K = _torch.as_tensor(X, dtype=_torch.float64), _torch.as_tensor(K, dtype=_torch.float64)
    return _F.conv2d(X[None, None], K[None, None])[0, 0]

def _tclose(a, b, tol=1e-5):
    a = _torch.as_tensor(a).detach().to(_torch.float64)
    b = _torch.as_tensor(b).detach().to(_torch.float64)
    return a.shape == b.shape and bool(_torch.allclose(a, b, atol=tol, rtol=tol))

_tg = _torch.Generator().manual_seed(0)
"""

TESTS = {
    "cross_correlation": """
_tX = _torch.arange(9.0).reshape(3, 3)
_tK = _torch.tensor([[0.0, 1.0], [2.0, 3.0]])
assert _tclose(corr2d(_tX, _tK), [[19.0, 25.0], [37.0, 43.0]])
for _ts, _tk in [((6, 8), (1, 2)), ((5, 7), (3, 2)), ((4, 4), (4, 1)), ((7, 3), (2, 3))]:
    _tX, _tK = _torch.randn(_ts, generator=_tg), _torch.randn(_tk, generator=_tg)
    assert _tclose(corr2d(_tX, _tK), _sig.correlate2d(_tX.numpy(), _tK.numpy(), mode="valid"))
_tX = _torch.randn(5, 6, generator=_tg).requires_grad_()
_tK = _torch.randn(2, 3, generator=_tg).requires_grad_()
corr2d(_tX, _tK).pow(2).sum().backward()
_tX2, _tK2 = _tX.detach().clone().requires_grad_(), _tK.detach().clone().requires_grad_()
_F.conv2d(_tX2[None, None], _tK2[None, None]).pow(2).sum().backward()
assert _tclose(_tX.grad, _tX2.grad, 1e-4) and _tclose(_tK.grad, _tK2.grad, 1e-4)
""",
    "diagonal_edges": """
_tX = diagonal_image(8)
assert _tX.shape == (8, 8) and _tX.is_floating_point() and _tX.min() < _tX.max()
assert bool((_tX[1:, 1:] == _tX[:-1, :-1]).all()) or bool((_tX[1:, :-1] == _tX[:-1, 1:]).all())
assert _tclose(edge_response(_tX), _tconv(_tX, [[1.0, -1.0]]))
_tX = _torch.randn(5, 6, generator=_tg)
assert _tclose(edge_response(_tX), _tconv(_tX, [[1.0, -1.0]]))
assert APPLY_K == "diagonal"
""",
    "transpose_effect": """
_tX, _tK = _torch.randn(5, 7, generator=_tg), _torch.randn(2, 3, generator=_tg)
assert _tclose(transposed_image_response(_tX, _tK), _tconv(_tX.T, _tK))
assert _tclose(transposed_kernel_response(_tX, _tK), _tconv(_tX, _tK.T))
assert _tclose(via_transposed_kernel(_tX, _tK), _tconv(_tX.T, _tK))
assert TRANSPOSE_X == "same" and TRANSPOSE_K == "transposed" and IDENTITY == "b"
""",
    "conv2d_autograd": """
_tl = Conv2D((1, 2))
assert tuple(_tl.weight.shape) == (1, 2) and tuple(_tl.bias.shape) == (1,)
_tX = _torch.randn(6, 8, generator=_tg)
assert _tclose(_tl(_tX), _tconv(_tX, _tl.weight) + _tl.bias.detach().double())
assert isinstance(reproduce_error(), Exception)
assert ERROR_CAUSE == "shape"
_tb = BatchConv2D((2, 3))
_tX4 = _torch.randn(3, 1, 6, 8, generator=_tg)
assert _tclose(_tb(_tX4), _F.conv2d(_tX4, _tb.weight[None, None], _tb.bias))
assert tuple(_tb(_torch.zeros(0, 1, 6, 8)).shape) == (0, 1, 5, 6)
_tX = _torch.ones(6, 8)
_tX[:, 2:6] = 0.0
_tY = _F.conv2d(_tX[None, None], _torch.tensor([[[[1.0, -1.0]]]]))
_tw = learn_kernel(_tX[None, None], _tY, steps=60)
assert tuple(_tw.shape) == (1, 2) and _tclose(_tw, [[1.0, -1.0]], 0.05)
""",
    "correlation_as_matmul": """
_tX, _tK = _torch.randn(5, 7, generator=_tg), _torch.randn(2, 3, generator=_tg)
_tU = unfold(_tX, _tK.shape)
assert tuple(_tU.shape) == (20, 6)
assert _tclose(_tU[0], _tX[0:2, 0:3].reshape(-1)) and _tclose(_tU[6], _tX[1:3, 1:4].reshape(-1))
assert _tclose(corr2d_matmul(_tX, _tK), _tconv(_tX, _tK))
_tW = kernel_matrix(_tK, _tX.shape)
assert tuple(_tW.shape) == (20, 35)
assert _tclose((_tW.double() @ _tX.double().reshape(-1)).reshape(4, 5), _tconv(_tX, _tK))
""",
    "second_derivative": """
_tk = second_derivative_kernel()
assert tuple(_tk.shape) == (1, 3)
_tx = _torch.arange(12, dtype=_torch.float64)
for _ta, _tb_, _tc in [(1, 0, 0), (0, 1, 0), (0, 0, 1), (2, -3, 5)]:
    assert _tclose(_tconv((_ta * _tx ** 2 + _tb_ * _tx + _tc)[None], _tk), _torch.full((1, 10), 2.0 * _ta))
_tL = laplacian_kernel()
assert tuple(_tL.shape) == (3, 3)
_ti, _tj = _torch.meshgrid(_torch.arange(9.0, dtype=_torch.float64), _torch.arange(11.0, dtype=_torch.float64),
                           indexing="ij")
for _tf, _tlap in [(_tj ** 2, 2.0), (_ti ** 2, 2.0), (_ti * _tj, 0.0), (3 * _tj - _ti + 4, 0.0),
                   (_tj ** 2 + 2 * _ti ** 2, 6.0)]:
    assert _tclose(_tconv(_tf, _tL), _torch.full((7, 9), _tlap))
assert MIN_SIZE == 3 and STRONGEST == "lines"
""",
    "blur_kernel": """
for _tn in (3, 5):
    _tk = blur_kernel(_tn).double()
    assert tuple(_tk.shape) == (_tn, _tn) and bool((_tk >= 0).all()) and abs(float(_tk.sum()) - 1) < 1e-6
    assert _tclose(_tk, _tk.T) and _tclose(_tk, _tk.flip(0)) and _tclose(_tk, _tk.flip(1))
    assert _tclose(_tconv(_torch.full((9, 9), 3.0), _tk), _torch.full((9 - _tn + 1,) * 2, 3.0))
    _tcb = (_torch.arange(12)[:, None] + _torch.arange(12)[None, :]) % 2 * 2.0 - 1
    assert float(_tconv(_tcb, _tk).abs().max()) < 1.0
    _tz = _torch.randn(40, 40, generator=_tg, dtype=_torch.float64)
    assert float(_tconv(_tz, _tk).var()) < float(_tz.var())
assert WHY_BLUR == "denoise"
""",
    "derivative_kernels": """
import math as _tmath
_tx = _torch.arange(12, dtype=_torch.float64)
for _td in range(1, 5):
    _tk = derivative_kernel(_td)
    assert tuple(_tk.shape) == (1, _td + 1)
    for _tm in range(_td + 1):
        _texp = _tmath.factorial(_td) if _tm == _td else 0.0
        assert _tclose(_tconv((_tx ** _tm)[None], _tk), _torch.full((1, 12 - _td), float(_texp)), 1e-6)
    assert min_kernel_size(_td) == _td + 1
for _tn in (1, 2, 4):
    _tf = _torch.randn(1, 10, generator=_tg, dtype=_torch.float64)
    _ti = integral_kernel(_tn)
    assert tuple(_ti.shape) == (1, _tn) and _tclose(_tconv(_tf, _ti), _tconv(_tf, _torch.ones(1, _tn)))
""",
    "directional_edges": """
_ti, _tj = _torch.meshgrid(_torch.arange(40.0, dtype=_torch.float64), _torch.arange(40.0, dtype=_torch.float64),
                           indexing="ij")
for _tv in [(1.0, 0.0), (0.0, 1.0), (1.0, 1.0), (2.0, -1.0), (-1.0, 3.0)]:
    _tK = directional_edge_kernel(_tv).double()
    _tsc = []
    for _ta, _tb_ in [(_tv[0], _tv[1]), (1.0, 0.0), (0.0, 1.0), (0.3, -0.7)]:
        _tout = _tconv(_ta * _tj + _tb_ * _ti + 5.0, _tK)
        assert float(_tout.max() - _tout.min()) < 1e-6
        _tsc.append((float(_tout.mean()), _tv[0] * _ta + _tv[1] * _tb_))
    _ts = _tsc[0][0] / _tsc[0][1]
    assert _ts > 0 and all(abs(_tr - _ts * _tw) < 1e-6 * max(1.0, abs(_ts)) for _tr, _tw in _tsc)
""",
    "fc_to_conv": """
_tX = _torch.randn(3, 5, 6, generator=_tg)
_tw, _tb2 = _torch.randn(4, 3, generator=_tg), _torch.randn(4, generator=_tg)
assert _tclose(pixelwise_linear(_tX, _tw, _tb2), _F.conv2d(_tX[None], _tw[:, :, None, None], _tb2)[0])
_tX, _tK = _torch.randn(5, 6, generator=_tg), _torch.randn(3, 5, generator=_tg)
for _tmode in ("constant", "edge", "reflect", "symmetric", "wrap"):
    _tP = _np.pad(_tX.numpy(), ((1, 1), (2, 2)), mode=_tmode)
    assert _tclose(corr2d_same(_tX, _tK, _tmode), _sig.correlate2d(_tP, _tK.numpy(), mode="valid"))
try:
    corr2d_same(_tX, _tK, "mean")
except ValueError:
    pass
else:
    raise AssertionError("corr2d_same accepted the mode 'mean'")
_tx, _tk = _torch.randn(20, generator=_tg), _torch.randn(4, generator=_tg)
assert _tclose(corr1d(_tx, _tk), _sig.correlate(_tx.numpy(), _tk.numpy(), mode="valid"))
_tX, _tK = _torch.randn(4, 5, generator=_tg), _torch.randn(2, 3, generator=_tg)
assert _tclose(conv2d_full(_tX, _tK), _sig.convolve2d(_tX.numpy(), _tK.numpy(), mode="full"))
assert receptive_field([3, 3, 5]) == 9 and receptive_field([1]) == 1
assert TRANSLATION_DRAWBACK == "position"
""",
}

# Wrong answers, appended to a reference (so that they hold whatever the reference's style):
# name -> {module: code}. A student variant has zero, one or two of them.
WRONG = {
    "apply_k": {"diagonal_edges": 'APPLY_K = "nothing"'},
    "transpose_x": {"transpose_effect": 'TRANSPOSE_X = "transposed"'},
    "no_flip": {"fc_to_conv": "_ref_conv2d_full = conv2d_full\n\n\ndef conv2d_full(X, K):\n"
                              "    return _ref_conv2d_full(X, torch.flip(K, (0, 1)))"},
    "box_unnormalised": {"blur_kernel": "def blur_kernel(size=3):\n    return torch.ones(size, size)"},
    "derivative_sign": {"derivative_kernels": "_ref_derivative_kernel = derivative_kernel\n\n\n"
                                              "def derivative_kernel(d):\n"
                                              "    k = _ref_derivative_kernel(d)\n"
                                              "    return -k if d == 1 else k"},
    "error_cause": {"conv2d_autograd": 'ERROR_CAUSE = "loops"'},
}
# the class, cycled: 7 of 10 right, 3 with one or two wrong answers
CLASS = [(), (), ("apply_k",), (), (), ("no_flip", "transpose_x"), (), (), ("box_unnormalised",), (),
         (), (), ("derivative_sign", "error_cause"), (), ()]


def exercise_points() -> dict[str, float]:
    """module -> the sum of its checks' ``@points(n)`` (read from the source: no torch here)."""
    out = {}
    for module in MODULES:
        with open(os.path.join(REPO, "grader", "checks", f"{module}.py"), encoding="utf-8") as f:
            tree = ast.parse(f.read())
        total = 0.0
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                for dec in node.decorator_list:
                    if isinstance(dec, ast.Call) and getattr(dec.func, "id", getattr(dec.func, "attr", "")) == "points":
                        total += float(ast.literal_eval(dec.args[0]))
        out[module] = total
    return out


def reference(module: str) -> str:
    with open(os.path.join(REPO, "solutions", f"{module}.py"), encoding="utf-8") as f:
        return f.read()


def answer_code(module: str, wrong=()) -> str:
    """The notebook cell of ``module``: the reference without its docstring and sibling imports."""
    from grader.integrations.course_notebook import module_code  # nothing heavy: ast and contract

    code = module_code(reference(module))
    for name in wrong:
        if module in WRONG[name]:
            code += "\n\n\n" + WRONG[name][module]
    return code


def nbgrader_meta(grade_id, *, solution=False, grade=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return meta


def source_notebook(points: dict[str, float]):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    setup = nbformat.v4.new_code_cell(PRELUDE.strip())
    setup.metadata["nbgrader"] = nbgrader_meta("prelude", locked=True)
    nb.cells.append(setup)
    for module in MODULES:
        text = nbformat.v4.new_markdown_cell(f"## `{module}` ({points[module]:g} points)")
        text.metadata["nbgrader"] = nbgrader_meta(f"{module}_statement", locked=True)
        answer = nbformat.v4.new_code_cell("### BEGIN SOLUTION\n" + answer_code(module) + "\n### END SOLUTION")
        answer.metadata["nbgrader"] = nbgrader_meta(f"{module}_answer", solution=True)
        test = nbformat.v4.new_code_cell(TESTS[module].strip())
        test.metadata["nbgrader"] = nbgrader_meta(module, grade=True, locked=True, points=points[module])
        nb.cells += [text, answer, test]
    return nb


def env_with_venv() -> dict:
    env = dict(os.environ)
    env["PATH"] = BIN + os.pathsep + env.get("PATH", "")
    env.pop("PYTHONPATH", None)
    env["HYPOTHESIS_STORAGE_DIRECTORY"] = os.path.join(tempfile.gettempdir(), "anchor-hypothesis")
    return env


def run(cmd, cwd, timeout=3600) -> float:
    start = time.monotonic()
    proc = subprocess.run(cmd, cwd=cwd, env=env_with_venv(), capture_output=True, text=True, timeout=timeout)
    elapsed = time.monotonic() - start
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return elapsed


def make_course(root: str, points: dict[str, float]) -> str:
    """The plain nbgrader course with its assignment generated; returns the released notebook."""
    import nbformat

    os.makedirs(os.path.join(root, "source", ASSIGNMENT))
    with open(os.path.join(root, "nbgrader_config.py"), "w") as f:
        f.write("c = get_config()\n"
                "c.CourseDirectory.course_id = 'anchor'\n"
                "c.ExecutePreprocessor.timeout = 300\n"
                "c.Execute.timeout = 300\n")
    nbformat.write(source_notebook(points), os.path.join(root, "source", ASSIGNMENT, f"{ASSIGNMENT}.ipynb"))
    run([os.path.join(BIN, "nbgrader"), "generate_assignment", ASSIGNMENT, "--force"], cwd=root)
    return os.path.join(root, "release", ASSIGNMENT, f"{ASSIGNMENT}.ipynb")


def student_notebook(released: str, wrong):
    import nbformat

    nb = nbformat.read(released, as_version=4)
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        if cell.cell_type == "code" and grade_id.endswith("_answer"):
            cell.source = answer_code(grade_id[: -len("_answer")], wrong)
    return nb


def student_folder(dest: str, wrong) -> None:
    os.makedirs(dest)
    for module in MODULES:
        code = reference(module)
        for name in wrong:
            if module in WRONG[name]:
                code += "\n\n\n" + WRONG[name][module] + "\n"
        with open(os.path.join(dest, f"{module}.py"), "w", encoding="utf-8") as f:
            f.write(code)


# ----------------------------------------------------------------------------- memory

def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(name))
    return kids


PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


def _rss_kib(pid: int) -> int:
    """Resident size from /proc/PID/statm: a few microseconds."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * PAGE_KIB
    except (OSError, ValueError, IndexError):
        return 0


def _pss_kib(pid: int) -> int:
    """Proportional size from /proc/PID/smaps_rollup: the kernel walks the page tables, about
    4 ms for a process that maps torch."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


class TreeMemory(threading.Thread):
    """Peaks, over time, of the RSS (sampled every 0.2 s) and the PSS (every 1 s) summed over a
    process tree. PSS is sampled less often because reading it costs CPU time that scales with
    the number of processes measured (13 for two graders, 2 for nbgrader), which would slow the
    tool with more processes: at 0.2 s it took half a core from this grader."""

    def __init__(self, root_pid: int):
        super().__init__(daemon=True)
        self.root = root_pid
        self.rss = self.pss = 0
        self.processes = 0
        self.stop = threading.Event()

    def run(self) -> None:
        tick = 0
        while not self.stop.wait(0.2):
            kids = _children_map()
            tree, frontier = [], [self.root]
            while frontier:
                tree += frontier
                frontier = [k for p in frontier for k in kids.get(p, [])]
            rss = sum(_rss_kib(p) for p in tree)
            if rss > self.rss:
                self.rss, self.processes = rss, len(tree)
            if tick % 5 == 0:
                self.pss = max(self.pss, sum(_pss_kib(p) for p in tree))
            tick += 1


def timed(cmd, cwd) -> tuple[float, TreeMemory, str]:
    """Wall time and memory of one command; the load average (1 min) before and after."""
    before = os.getloadavg()[0]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env_with_venv(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    mem = TreeMemory(proc.pid)
    mem.start()
    out, err = proc.communicate(timeout=7200)
    elapsed = time.monotonic() - start
    mem.stop.set()
    mem.join()
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{out[-3000:]}\n{err[-3000:]}")
    return elapsed, mem, f"load {before:.1f}->{os.getloadavg()[0]:.1f}"


# ----------------------------------------------------------------------------- verdicts

def nbgrader_verdicts(course: str, students) -> dict[str, dict[str, bool]]:
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{os.path.join(course, 'gradebook.db')}") as gb:
        for student in students:
            nb = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
            out[student] = {g.name: (g.score is not None and g.score >= g.max_score) for g in nb.grades}
    return out


def grader_verdicts(gradebook: str) -> dict[str, dict[str, bool]]:
    out: dict[str, dict[str, bool]] = {}
    conn = sqlite3.connect(gradebook)
    try:
        for student, status in conn.execute("SELECT student, status FROM grades"):
            out.setdefault(student, {})
            if status != "graded":
                print(f"    note: grader batch recorded {student} as {status}")
        for student, module, score, max_score in conn.execute(
                "SELECT student, module, score, max_score FROM exercise_points"):
            out.setdefault(student, {})[module] = score >= max_score
    finally:
        conn.close()
    return out


def expected_verdicts(wrong) -> dict[str, bool]:
    bad = {m for name in wrong for m in WRONG[name]}
    return {m: m not in bad for m in MODULES}


# ----------------------------------------------------------------------------- the run

def verdict(marginal: float, target: float) -> str:
    if marginal <= 0:
        return "not measured: the larger class finished first (the machine's other work; try --repeat 3)"
    return "met" if marginal <= target else "NOT met"


def slope(times: dict[int, float]) -> float | None:
    sizes = sorted(times)
    if len(sizes) < 2:
        return None
    return (times[sizes[-1]] - times[sizes[0]]) / (sizes[-1] - sizes[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 30],
                        help="class sizes N to grade (default 10 30); the marginal cost is the slope "
                             "between the smallest and the largest")
    parser.add_argument("--jobs", type=int, default=os.cpu_count(), help="grader batch --jobs (default: CPUs)")
    parser.add_argument("--cold", type=int, default=3, help="cold grades and bare torch imports (median)")
    parser.add_argument("--repeat", type=int, default=2,
                        help="grader batch runs per size and kind; the fastest counts (default 2: a shared "
                             "machine only ever adds time). nbgrader runs once per size")
    parser.add_argument("--no-nbgrader", action="store_true", help="skip plain nbgrader (our side only)")
    parser.add_argument("--no-folders", action="store_true", help="skip the module-folder batches")
    parser.add_argument("--keep", metavar="DIR", help="build in DIR (must not exist) and keep it")
    args = parser.parse_args()
    sizes = sorted(set(args.sizes))
    if not sizes or sizes[0] < 1:
        sys.exit("--sizes: give positive class sizes")

    print(f"machine: {os.cpu_count()} CPUs; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} at "
          f"start; sizes {sizes}; grader batch --jobs {args.jobs}; seed {SEED}")
    tmp = args.keep or tempfile.mkdtemp(prefix="anchor-")
    if args.keep:
        os.makedirs(tmp)
    try:
        points = exercise_points()
        print(f"points per exercise (from grader/checks): "
              + ", ".join(f"{m} {p:g}" for m, p in points.items()) + f"; total {sum(points.values()):g}")
        template = os.path.join(tmp, "course-template")
        released = make_course(template, points)

        students = [f"s{i:03d}" for i in range(sizes[-1])]
        wrongs = {s: CLASS[i % len(CLASS)] for i, s in enumerate(students)}
        n_wrong = sum(1 for s in students if wrongs[s])
        print(f"class of up to {len(students)}: {len(students) - n_wrong} right, {n_wrong} with wrong answers "
              f"({len(WRONG)} kinds, one or two each), cycled")

        notebooks = {s: student_notebook(released, wrongs[s]) for s in students}
        import nbformat

        wall: dict[str, dict[int, float]] = {"nbgrader": {}, "grader_nb": {}, "grader_dir": {}}
        memory: dict[str, tuple[int, int, int]] = {}
        disagreements: list[str] = []
        agree_checked = 0
        for turn, n in enumerate(sizes):
            group = students[:n]
            course = os.path.join(tmp, f"course-{n}")
            shutil.copytree(template, course)
            subs = os.path.join(tmp, f"notebooks-{n}")
            folders = os.path.join(tmp, f"folders-{n}")
            os.makedirs(subs)
            for s in group:
                dest = os.path.join(course, "submitted", s, ASSIGNMENT)
                os.makedirs(dest)
                nbformat.write(notebooks[s], os.path.join(dest, f"{ASSIGNMENT}.ipynb"))
                shutil.copy(os.path.join(dest, f"{ASSIGNMENT}.ipynb"), os.path.join(subs, f"{s}.ipynb"))
                if not args.no_folders:
                    student_folder(os.path.join(folders, s), wrongs[s])

            def nbgrader_run():
                t, mem, load = timed([os.path.join(BIN, "nbgrader"), "autograde", ASSIGNMENT, "--force"], course)
                wall["nbgrader"][n] = t
                memory[f"nbgrader N={n}"] = (mem.rss, mem.pss, mem.processes)
                print(f"  N={n:3d}  nbgrader autograde (notebooks)     {t:7.1f} s  {t / n:6.2f} s/nb   "
                      f"peak RSS {mem.rss / 2**20:5.2f} GB, PSS {mem.pss / 2**20:5.2f} GB over "
                      f"{mem.processes} processes  [{load}]")

            def grader_run(kind, folder, label):
                for r in range(max(1, args.repeat)):
                    book = os.path.join(tmp, f"grades-{kind}-{n}-{r}.db")
                    t, mem, load = timed([os.path.join(BIN, "grader"), "batch", folder, "--gradebook", book, "-q",
                                          "--seed", str(SEED), "--jobs", str(args.jobs)], tmp)
                    wall[kind][n] = min(t, wall[kind].get(n, t))
                    old = memory.get(f"{kind} N={n}", (0, 0, 0))
                    memory[f"{kind} N={n}"] = max(old, (mem.rss, mem.pss, mem.processes))
                    print(f"  N={n:3d}  grader batch ({label}){' ' * (14 - len(label))}    {t:7.1f} s  "
                          f"{t / n:6.2f} s/sub  peak RSS {mem.rss / 2**20:5.2f} GB, PSS {mem.pss / 2**20:5.2f} GB "
                          f"over {mem.processes} processes, per parallel grader RSS "
                          f"{mem.rss / 2**20 / args.jobs:.2f} GB, PSS {mem.pss / 2**20 / args.jobs:.2f} GB  [{load}]")
                return book

            order = ["nbgrader", "grader"] if turn % 2 == 0 else ["grader", "nbgrader"]
            nb_book = None
            for tool in order:
                if tool == "nbgrader" and not args.no_nbgrader:
                    nbgrader_run()
                elif tool == "grader":
                    nb_book = grader_run("grader_nb", subs, "notebooks")
                    if not args.no_folders:
                        dir_book = grader_run("grader_dir", folders, "module folders")

            ours = grader_verdicts(nb_book)
            theirs = nbgrader_verdicts(course, group) if not args.no_nbgrader else None
            ours_dir = grader_verdicts(dir_book) if not args.no_folders else None
            for s in group:
                expect = expected_verdicts(wrongs[s])
                for m in MODULES:
                    agree_checked += 1
                    verdicts = {"grader (notebook)": ours.get(s, {}).get(m)}
                    if theirs is not None:
                        verdicts["nbgrader"] = theirs.get(s, {}).get(m)
                    if ours_dir is not None:
                        verdicts["grader (folder)"] = ours_dir.get(s, {}).get(m)
                    if len(set(verdicts.values())) > 1 or None in verdicts.values():
                        shown = ", ".join(f"{k}: {'full' if v else ('not full' if v is False else 'missing')}"
                                          for k, v in verdicts.items())
                        disagreements.append(f"N={n} {s} {m} (variant {'+'.join(wrongs[s]) or 'right'}; "
                                             f"intended {'full' if expect[m] else 'not full'}): {shown}")
                    elif verdicts["grader (notebook)"] != expect[m]:
                        disagreements.append(f"N={n} {s} {m}: both tools say "
                                             f"{'full' if verdicts['grader (notebook)'] else 'not full'}, the "
                                             f"variant {'+'.join(wrongs[s]) or 'right'} intended the opposite")

        # cold: one grader grade of one notebook against a bare torch import, alternating
        one = os.path.join(tmp, f"notebooks-{sizes[0]}", f"{students[0]}.ipynb")
        cold, bare = [], []
        loads = [os.getloadavg()[0]]
        for i in range(args.cold):
            bare.append(run([sys.executable, "-c", "import torch"], cwd=tmp))
            cold.append(run([os.path.join(BIN, "grader"), "grade", one, "-q", "--seed", str(SEED),
                             "--json", os.path.join(tmp, f"cold{i}.json")], cwd=tmp))
        loads.append(os.getloadavg()[0])

        print()
        print(f"| | this grader (notebooks) | this grader (module folders) | plain nbgrader autograde | ratio (nb) |")
        print("|---|---|---|---|---|")
        for n in sizes:
            g, d, p = wall["grader_nb"].get(n), wall["grader_dir"].get(n), wall["nbgrader"].get(n)
            ratio = f"{p / g:.1f}x" if (p and g) else "-"
            print(f"| {n} submissions | {g:.1f} s | {f'{d:.1f} s' if d else '-'} | "
                  f"{f'{p:.1f} s' if p else '-'} | {ratio} |")
        sg, sd, sp = slope(wall["grader_nb"]), slope(wall["grader_dir"]), slope(wall["nbgrader"])
        if sg is not None:
            print(f"| per extra submission | {sg:.3f} s | {f'{sd:.3f} s' if sd is not None else '-'} | "
                  f"{f'{sp:.2f} s' if sp is not None else '-'} | {f'{sp / sg:.1f}x' if sp and sg > 0 else '-'} |")
        print(f"| one cold `grader grade` (notebook) | {statistics.median(cold):.2f} s (median of "
              f"{', '.join(f'{c:.2f}' for c in cold)}) | | bare `import torch`: {statistics.median(bare):.2f} s "
              f"| {statistics.median(cold) / statistics.median(bare):.2f}x torch |")
        for key, (rss, pss, procs) in memory.items():
            if key.endswith(f"N={sizes[-1]}"):
                per = f", per parallel grader RSS {rss / 2**20 / args.jobs:.2f} GB" if key.startswith("grader") else ""
                print(f"| memory, {key} | peak summed RSS {rss / 2**20:.2f} GB, PSS {pss / 2**20:.2f} GB, "
                      f"{procs} processes{per} | | | |")
        print()
        print(f"load average around the cold runs: {loads[0]:.2f} -> {loads[1]:.2f}; "
              f"at end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

        print("\ntargets (issue 11):")
        largest = sizes[-1]
        g, p = wall["grader_nb"].get(largest), wall["nbgrader"].get(largest)
        if g and p:
            print(f"  {largest} notebooks in <= 1/20 of plain nbgrader's time: {g:.1f} s vs {p:.1f} s = 1/{p / g:.1f}"
                  f"  {'met' if p / g >= 20 else 'NOT met'}")
        if sg is not None:
            print(f"  per extra notebook <= 0.15 s: {sg:.3f} s  {verdict(sg, 0.15)}")
        if sd is not None:
            print(f"  per extra module folder <= 0.1 s: {sd:.3f} s  {verdict(sd, 0.1)}")
        ratio = statistics.median(cold) / statistics.median(bare)
        print(f"  cold grade <= 1.5x bare import torch: {ratio:.2f}x  {'met' if ratio <= 1.5 else 'NOT met'}")
        rss, pss, _ = (v / 2**20 / args.jobs for v in memory.get(f"grader_nb N={largest}", (0, 0, 0)))
        print(f"  <= 0.6 GB summed memory per parallel grader (notebooks, N={largest}): resident {rss:.2f} GB "
              f"{'met' if rss <= 0.6 else 'NOT met'}; proportional (shared pages once) {pss:.2f} GB "
              f"{'met' if pss <= 0.6 else 'NOT met'}")

        print(f"\nverdicts: {agree_checked} (student, exercise) pairs compared"
              + ("" if not args.no_nbgrader else " (grader only: --no-nbgrader)"))
        if disagreements:
            print(f"{len(disagreements)} disagreement(s):")
            for line in disagreements:
                print("  " + line)
        else:
            print(("this grader's verdicts" if args.no_nbgrader else
                   "both tools agree on every exercise of every notebook")
                  + ("" if args.no_folders else "; the module folders get the same verdicts")
                  + ("; every verdict is the one the variant intended"))
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
