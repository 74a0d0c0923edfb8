"""Free marks that the worker's own measurements could give away (issue: second round of attacks, 1-4).

Every variant below is a submission; they are graded together in one ``grader batch`` run
(one warm worker) and each check's verdict is read from its feedback JSON:

- the grader's corr2d, supplied to a notebook that does not define its own, never earns
  corr2d's marks, however it is imported;
- forged method facts: a patched probe table, a patched ``torch.autograd.grad``, the
  garbage collector, frames; transposes of X hidden behind a slice, arithmetic, a helper,
  stacking or numpy; a ``corr2d_matmul`` that calls corr2d or a convolution;
- right answers in other styles keep their marks (a corr2d that transposes inside, einsum,
  ``torch.mv``, the kernel-matrix product);
- the instructor's seed never reaches the worker or the report;
- ``python -m grader`` started inside a submission never imports the submission's modules.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from grader.integrity import scan_source
from tests.helpers import REPO, SOLUTIONS, load_json, run_grader

SCIPY_CORR2D = '''import torch, scipy.signal
def corr2d(X, K):
    return torch.from_numpy(scipy.signal.correlate2d(X.detach().double().numpy(), K.detach().double().numpy(),
                                                     mode="valid")).to(X.dtype)
'''
FAKE_GRAD = '''
import torch.nn.functional as F
def fake(fn, args=(), wrt=(), grad_output=None, **kw):
    X, K = args
    Xg, Kg = X.detach().clone().requires_grad_(True), K.detach().clone().requires_grad_(True)
    out = F.conv2d(Xg[None, None], Kg[None, None])[0, 0]
    gx, gk = torch.autograd.grad(out, [Xg, Kg], grad_output.to(out.dtype))
    return {"value": out.detach().requires_grad_(True) * 1, "grads": [gx, gk]}
'''
TRANSPOSE_BASE = '''import torch
from cross_correlation import corr2d
def transposed_image_response(X, K): return corr2d(X.T, K)
def transposed_kernel_response(X, K): return corr2d(X, K.T)
TRANSPOSE_X = "same"; TRANSPOSE_K = "transposed"; IDENTITY = "b"
'''
LOOP_CORR2D_TRANSPOSING = '''import torch
def _c(X, K):
    h, w = K.shape
    Y = X.new_zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + h, j:j + w] * K).sum()
    return Y
def corr2d(X, K):
    return _c(X.T, K.T).T
'''
OUT = "oh, ow = X.shape[0] - K.shape[0] + 1, X.shape[1] - K.shape[1] + 1"


def _solution(module: str) -> str:
    with open(os.path.join(SOLUTIONS, f"{module}.py"), encoding="utf-8") as f:
        return f.read()


def _notebook(*cells: str) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"language": "python",
                                                                                      "name": "python3"}},
                       "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                                  "source": c} for c in cells]})


def _variants() -> dict[str, dict[str, str]]:
    """student -> {file name: text}; a name ending in .ipynb is a notebook submission."""
    cc = _solution("cross_correlation")
    matmul = _solution("correlation_as_matmul")
    v: dict[str, dict[str, str]] = {
        # 1. the grader's corr2d must never earn corr2d's marks
        "nb_import_only.ipynb": {"": _notebook("from cross_correlation import corr2d")},
        "nb_import_star.ipynb": {"": _notebook("from cross_correlation import *", _solution("diagonal_edges"))},
        "nb_import_alias.ipynb": {"": _notebook("import cross_correlation as c\ncorr2d = c.corr2d")},
        "nb_importlib.ipynb": {"": _notebook("import importlib\nglobals()['corr2d'] = "
                                             "importlib.import_module('cross_' + 'correlation').corr2d")},
        "nb_defined_in_try.ipynb": {"": _notebook("try:\n" + "".join("    " + line + "\n" for line in
                                                                     cc.splitlines()) + "except ImportError:\n    pass")},
        # 3. forged measurements of how corr2d computes
        "grad_probe_table": {"cross_correlation.py": SCIPY_CORR2D + FAKE_GRAD + "import probes\nprobes.PROBES['grad'] = fake\n"},
        "grad_sys_modules": {"cross_correlation.py": SCIPY_CORR2D + FAKE_GRAD
                             + "import sys\nsys.modules['probes'].PROBES['grad'] = fake\n"},
        "grad_gc": {"cross_correlation.py": SCIPY_CORR2D + "import gc\nfor o in gc.get_objects():\n"
                    "    if isinstance(o, dict) and 'grad' in o and 'watch_ops' in o:\n        o['grad'] = None\n"},
        "grad_autograd_patched": {"cross_correlation.py": SCIPY_CORR2D.replace(
            '.to(X.dtype)', '.to(X.dtype).requires_grad_(X.requires_grad)') + FAKE_GRAD
            + "_real = torch.autograd.grad\ntorch.autograd.grad = lambda *a, **k: _real(*a, **k)\n"},
        "grad_frames": {"cross_correlation.py": SCIPY_CORR2D + "import sys\ndef probe_peek():\n"
                        "    return getattr(sys, '_get' + 'frame')(1).f_locals\n"},
        # transposes of X, however hidden
        "tr_slice": {"transpose_effect.py": TRANSPOSE_BASE + "def via_transposed_kernel(X, K): return corr2d(X[:].T, K)\n"},
        "tr_arith": {"transpose_effect.py": TRANSPOSE_BASE
                     + "def via_transposed_kernel(X, K): return corr2d((X * 1).T.contiguous(), K)\n"},
        "tr_stack": {"transpose_effect.py": TRANSPOSE_BASE
                     + "def via_transposed_kernel(X, K): return corr2d(torch.stack(list(X), dim=1), K)\n"},
        "tr_numpy": {"transpose_effect.py": TRANSPOSE_BASE
                     + "def via_transposed_kernel(X, K): return corr2d(torch.from_numpy(X.numpy().T.copy()), K)\n"},
        "tr_helper": {"transpose_effect.py": TRANSPOSE_BASE + "def _turn(a):\n    return a.transpose(0, 1)\n"
                      "def via_transposed_kernel(X, K): return corr2d(_turn(X), K)\n"},
        "tr_loop": {"transpose_effect.py": TRANSPOSE_BASE + "def via_transposed_kernel(X, K):\n"
                    "    Z = X.new_zeros(X.shape[1], X.shape[0])\n    for i in range(X.shape[0]):\n"
                    "        for j in range(X.shape[1]):\n            Z[j, i] = X[i, j]\n    return corr2d(Z, K)\n"},
        "tr_hidden_flag_in_corr2d": {"cross_correlation.py": cc.replace("def corr2d(X, K):", "def corr2d(X, K, _t=False):\n"
                                                                     "    if _t:\n        X = X.T"),
                                     "transpose_effect.py": TRANSPOSE_BASE
                                     + "def via_transposed_kernel(X, K): return corr2d(X, K, _t=True)\n"},
        "tr_helper_beside_corr2d": {"cross_correlation.py": cc + "\ndef corr2d_T(X, K):\n    return corr2d(X.T, K)\n",
                                    "transpose_effect.py": TRANSPOSE_BASE + "from cross_correlation import corr2d_T\n"
                                    "def via_transposed_kernel(X, K): return corr2d_T(X, K)\n"},
        "tr_mode_switched_off": {"transpose_effect.py": TRANSPOSE_BASE + "G = lambda o, *n: getattr(o, ''.join(n))\n"
                                 "def via_transposed_kernel(X, K):\n"
                                 "    with G(G(torch, '_', 'C'), 'DisableTorch', 'Function')():\n        XT = X.T\n"
                                 "    return corr2d(XT, K)\n"},
        "tr_right_with_transposing_corr2d": {"cross_correlation.py": LOOP_CORR2D_TRANSPOSING,
                                             "transpose_effect.py": TRANSPOSE_BASE
                                             + "def via_transposed_kernel(X, K): return corr2d(X, K.T).T\n"},
        "tr_right_transpose_method": {"transpose_effect.py": TRANSPOSE_BASE
                                      + "def via_transposed_kernel(X, K):\n    return corr2d(X, K.transpose(0, 1)).t()\n"},
        # corr2d_matmul: the method, not only the values
        "mm_calls_corr2d": {"correlation_as_matmul.py": matmul + "\nfrom cross_correlation import corr2d\n"
                            "def corr2d_matmul(X, K): return corr2d(X, K)\n"},
        "mm_conv2d": {"correlation_as_matmul.py": matmul + "\nimport torch.nn.functional as F\n"
                      "def corr2d_matmul(X, K): return F.conv2d(X[None, None], K[None, None])[0, 0]\n"},
        "mm_fake_product": {"correlation_as_matmul.py": matmul + "\nimport torch.nn.functional as F\n"
                            "def corr2d_matmul(X, K):\n    Y = F.conv2d(X[None, None], K[None, None])[0, 0]\n"
                            "    return (Y.reshape(-1, 1) @ torch.ones(1, 1, dtype=Y.dtype)).reshape(Y.shape)\n"},
        "mm_dummy_product": {"correlation_as_matmul.py": matmul + "\nfrom cross_correlation import corr2d as _c\n"
                             "def corr2d_matmul(X, K):\n    _ = unfold(X, K.shape) @ K.reshape(-1)\n"
                             "    return torch.tensor(_c(X, K).tolist(), dtype=X.dtype)\n"},
        "mm_zero_times_product": {"correlation_as_matmul.py": matmul + f"\ndef corr2d_matmul(X, K):\n    {OUT}\n"
                                  "    P = (unfold(X, K.shape) @ K.reshape(-1)).reshape(oh, ow)\n"
                                  "    L = torch.tensor(P.tolist(), dtype=X.dtype)\n    return 0 * P + L\n"},
        "mm_right_einsum": {"correlation_as_matmul.py": matmul + f"\ndef corr2d_matmul(X, K):\n    {OUT}\n"
                            "    return torch.einsum('pk,k->p', unfold(X, K.shape), K.reshape(-1)).reshape(oh, ow)\n"},
        "mm_right_mv": {"correlation_as_matmul.py": matmul + f"\ndef corr2d_matmul(X, K):\n    {OUT}\n"
                        "    return torch.mv(unfold(X, K.shape), K.flatten()).view(oh, ow)\n"},
        "mm_right_kernel_matrix": {"correlation_as_matmul.py": matmul + f"\ndef corr2d_matmul(X, K):\n    {OUT}\n"
                                   "    return (kernel_matrix(K, X.shape) @ X.reshape(-1)).reshape(oh, ow)\n"},
        "mm_right_row_vector": {"correlation_as_matmul.py": matmul + f"\ndef corr2d_matmul(X, K):\n    {OUT}\n"
                                "    return (K.reshape(1, -1) @ unfold(X, K.shape).T).reshape(oh, ow)\n"},
    }
    for files in v.values():  # module submissions get the references for what they do not attack
        if "" not in files:
            files.setdefault("cross_correlation.py", cc)
    return v


# check function -> expected outcome, per student; absent: not looked at
EXPECT = {
    "nb_import_only": {"cross_correlation": "zero"},
    "nb_import_star": {"cross_correlation": "zero", "diagonal_edges": "full"},
    "nb_import_alias": {"cross_correlation": "zero"},
    "nb_importlib": {"cross_correlation": "zero"},
    "nb_defined_in_try": {"cross_correlation": "full"},
    "grad_probe_table": {"cross_correlation": "zero"},
    "grad_sys_modules": {"cross_correlation": "zero"},
    "grad_gc": {"cross_correlation": "zero"},
    "grad_autograd_patched": {"test_gradients": "fail"},
    "grad_frames": {"cross_correlation": "zero"},
    "tr_slice": {"test_via_transposed_kernel_keeps_x": "fail", "test_via_transposed_kernel_values": "pass"},
    "tr_arith": {"test_via_transposed_kernel_keeps_x": "fail"},
    "tr_stack": {"test_via_transposed_kernel_keeps_x": "fail"},
    "tr_numpy": {"test_via_transposed_kernel_keeps_x": "fail"},
    "tr_helper": {"test_via_transposed_kernel_keeps_x": "fail"},
    "tr_loop": {"test_via_transposed_kernel_keeps_x": "fail"},
    "tr_hidden_flag_in_corr2d": {"test_via_transposed_kernel_keeps_x": "fail"},
    "tr_helper_beside_corr2d": {"test_via_transposed_kernel_keeps_x": "fail"},
    "tr_mode_switched_off": {"transpose_effect": "zero"},
    "mm_dummy_product": {"test_corr2d_matmul_is_a_matrix_product": "fail"},
    "mm_zero_times_product": {"test_corr2d_matmul_is_a_matrix_product": "fail"},
    "tr_right_with_transposing_corr2d": {"transpose_effect": "full", "cross_correlation": "full"},
    "tr_right_transpose_method": {"transpose_effect": "full"},
    "mm_calls_corr2d": {"test_corr2d_matmul_is_a_matrix_product": "fail"},
    "mm_conv2d": {"test_corr2d_matmul_is_a_matrix_product": "fail", "test_corr2d_matmul_random": "pass"},
    "mm_fake_product": {"test_corr2d_matmul_is_a_matrix_product": "fail"},
    "mm_right_einsum": {"correlation_as_matmul": "full"},
    "mm_right_mv": {"correlation_as_matmul": "full"},
    "mm_right_kernel_matrix": {"correlation_as_matmul": "full"},
    "mm_right_row_vector": {"correlation_as_matmul": "full"},
}
SEED = 91731


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("integrity")
    klass = root / "class"
    klass.mkdir()
    for student, files in _variants().items():
        if student.endswith(".ipynb"):
            (klass / student).write_text(files[""], encoding="utf-8")
            continue
        folder = klass / student
        folder.mkdir()
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
    db, feedback = root / "grades.db", root / "feedback"
    modules = ["cross_correlation", "diagonal_edges", "transpose_effect", "correlation_as_matmul"]
    proc = run_grader("batch", str(klass), "--gradebook", str(db), "--seed", str(SEED), "-q", "--only", *modules,
                      timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    proc = run_grader("export", str(db), "--feedback", str(feedback))
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = {}
    for name in os.listdir(feedback):
        if name.endswith(".json"):
            data = load_json(str(feedback / name))
            out[name[:-5]] = data
    return out


def _verdict(tests, module):
    mine = [t for t in tests if t["tags"][0] == module]
    assert mine, module
    if all(t["score"] >= t["max_score"] for t in mine):
        return "full"
    return "zero" if sum(t["score"] for t in mine) == 0 else "partial"


@pytest.mark.parametrize("student", sorted(EXPECT))
def test_verdicts(graded, student):
    report = graded[student]
    for key, want in EXPECT[student].items():
        if key.startswith("test_"):
            tests = [t for t in report["tests"] if len(t["tags"]) > 1 and t["tags"][1] == key]
            assert tests, (key, [t["tags"] for t in report["tests"]])
            ok = all(t["score"] >= t["max_score"] for t in tests)
            assert ok == (want == "pass"), (student, key, [t["output"][:300] for t in tests])
        else:
            got = _verdict(report["tests"], key)
            assert got == want, (student, key, [(t["name"][:50], t["output"][:200]) for t in report["tests"]
                                                if t["tags"][0] == key and t["score"] < t["max_score"]])


def test_integrity_findings_are_explained(graded):
    text = json.dumps(graded["grad_gc"])
    assert "Integrity" in text and "gc.get_objects" in text


def test_seed_never_reaches_the_report(graded):
    for student, report in graded.items():
        assert str(SEED) not in json.dumps(report), student


def test_seed_never_reaches_the_worker(tmp_path):
    """Student code looks for the seed everywhere it can: torch, numpy, random, its stack, its environment."""
    sub = tmp_path / "seeker"
    sub.mkdir()
    (sub / "diagonal_edges.py").write_text(_solution("diagonal_edges") + '''
import os, random, sys, numpy, torch
_found = []
def _look():
    values = [torch.initial_seed(), numpy.random.get_state()[1][0], random.getstate()[1][0]]
    frame = sys._getframe()
    while frame is not None:
        values += [v for v in frame.f_locals.values() if isinstance(v, (int, dict, str))]
        frame = frame.f_back
    values += list(os.environ.values())
    return "SEED-SEARCH " + repr(values)[:20000]
print(_look())
''', encoding="utf-8")
    out = tmp_path / "results.json"
    proc = run_grader("grade", str(sub), "--json", str(out), "--seed", str(SEED), "--only", "diagonal_edges")
    assert proc.returncode == 0, proc.stderr[-2000:]
    text = out.read_text(encoding="utf-8")
    assert "SEED-SEARCH" in text or "Integrity" in text
    assert str(SEED) not in text
    assert str(SEED) not in proc.stdout


def test_python_m_grader_inside_a_submission_ignores_its_modules(tmp_path):
    sub = tmp_path / "sub"
    shutil.copytree(SOLUTIONS, sub, ignore=shutil.ignore_patterns("__pycache__"))
    marker = tmp_path / "imported"
    for shadow in ("grader.py", "torch.py", "numpy.py", "scipy.py"):
        (sub / shadow).write_text(f"open({str(marker)!r}, 'a').write({shadow!r})\n"
                                  "import json, sys\njson.dump({'score': 102, 'tests': []}, "
                                  "open(sys.argv[-1], 'w'))\nraise SystemExit(0)\n", encoding="utf-8")
    out = tmp_path / "results.json"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run([sys.executable, "-m", "grader", "grade", ".", "--json", str(out), "--only",
                           "diagonal_edges"], cwd=sub, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert not marker.exists(), marker.read_text()
    results = load_json(str(out))
    assert [t["tags"][0] for t in results["tests"]] and results["score"] == sum(t["max_score"] for t in
                                                                              results["tests"])


@pytest.mark.parametrize("source", [
    "import gc\ngc.get_objects()", "from gc import get_referrers", "import inspect\ninspect.currentframe()",
    "G = lambda o, *n: getattr(o, ''.join(n))", "import sys\ngetattr(sys, f'_get{\"frame\"}')",
    "import operator\noperator.attrgetter('f_back')", "import ctypes", "import sys\nsys._getframe(1)",
    "import sys\nf = sys._getframe\n", "x = getattr(__import__('sys'), '_get' + 'frame')",
    "def f(e):\n    return e.__traceback__.tb_frame.f_back", "import probes", "from session import Session",
    "import torch\ntorch._C._DisableTorchFunction", "import torch\nwith torch.overrides.TorchFunctionMode(): pass",
    "import os\nos.write(3, b'x')", "import sys\nsys.modules['probes']", "exec('x = 1')",
    "open('/proc/self/mem', 'rb')", "import __main__", "f = (lambda: 0).__globals__",
    "import os\nw = vars(os)[''.join(('wr', 'ite'))]", "import os\nw = os.__dict__['wri' + 'te']",
    "import os\nname = 'wr' + chr(105) + 'te'\nw = getattr(os, name)",
    "for fd in range(3, 9):\n    open(fd, 'wb').write(b'x')",
    "import sys\nsys.addaudithook(lambda event, args: None)",
    "import sys as S\nS.modules['x']", "import importlib\nimportlib.import_module('ctypes')",
    "import inspect, sys\nm = dict(inspect.getmembers(sys))",
])
def test_scan_flags_ways_into_the_worker(source):
    assert scan_source(source, "m.py"), source


@pytest.mark.parametrize("source", [
    "import gc\ngc.collect()", "import inspect\nprint(inspect.signature(len))", "import importlib\nimportlib.reload(m)",
    "import os\nnotes = open(os.path.join(os.path.dirname(__file__), 'notes.txt')).read()",
    "from grader.integrations.nbfeedback import feedback\nfeedback('cross_correlation')",
    "import torch\nY = torch.stack([a, b])", "model.eval()", "import re\nre.compile('x')",
])
def test_scan_leaves_harmless_code_alone(source):
    assert scan_source(source, "m.py") == [], source


@pytest.mark.parametrize("module", ["cross_correlation", "diagonal_edges", "transpose_effect", "conv2d_autograd",
                                    "correlation_as_matmul", "second_derivative", "blur_kernel",
                                    "derivative_kernels", "directional_edges", "fc_to_conv"])
def test_scan_passes_the_references_and_stubs(module):
    assert scan_source(_solution(module), module) == []
    with open(os.path.join(REPO, "exercises", f"{module}.py"), encoding="utf-8") as f:
        assert scan_source(f.read(), module) == []


def test_scan_passes_the_corpus_and_samples():
    roots = [os.path.join(REPO, "tests", "corpus"), os.path.join(REPO, "samples", "ada")]
    flagged = []
    for root in roots:
        for folder, _, names in os.walk(root):
            for name in names:
                if name.endswith(".py"):
                    with open(os.path.join(folder, name), encoding="utf-8") as f:
                        found = scan_source(f.read(), name)
                    if found:
                        flagged.append((os.path.join(folder, name), found[0].describe()))
    assert flagged == []


def test_a_long_sum_of_string_literals_is_read_not_a_grader_error():
    """2,000 literals joined by + parse fine; folding them must not exhaust the grader's stack."""
    import ast

    with open(os.path.join(SOLUTIONS, "cross_correlation.py"), encoding="utf-8") as f:
        source = f.read()
    source += "\n_x = " + "+".join(['"a"'] * 2000) + "\n_y = open('w' + 'x' + " + " + ".join(["z"] * 1200) + ")\n"
    ast.parse(source)  # valid Python, which the worker would run
    assert [f.construct for f in scan_source(source, "cross_correlation.py")] == []
    hidden = source + '\nimport sys\n_f = getattr(sys, "_g" + "etframe")\n'
    assert scan_source(hidden, "cross_correlation.py"), "a folded name must still be found"
