"""``grader release``: what students receive, and that it checks itself.

The release is built by the command line; its own grader (this machine's venv python
with ``PYTHONPATH`` at the release, nothing installed or downloaded) then checks the
untouched stubs (0 points, "not implemented yet") and the references copied into its
``exercises/`` (full marks). No reference code and no hidden check may ship.
"""
from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys

import pytest

from grader.contract import MODULES
from grader.integrations.hidden import hidden_checks, strip_hidden
from grader.integrations.leaks import leaks, reference_lines
from grader.integrations.release import build_release
from tests.helpers import EXERCISES, REPO, SOLUTIONS, run_grader

# distinctive lines of the references (checked to be there, and not in the release)
DISTINCTIVE = {
    "cross_correlation": "windows = X.unfold(0, k_h, 1).unfold(1, k_w, 1)",
    "diagonal_edges": "return torch.tril(torch.ones(n, n))",
    "transpose_effect": 'IDENTITY = "b"',
    "second_derivative": 'STRONGEST = "lines"',
    "blur_kernel": 'WHY_BLUR = "denoise"',
    "fc_to_conv": 'TRANSLATION_DRAWBACK = "position"',
}


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("release") / "conv-exercises")
    result = run_grader("release", out)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def release_files(root: str):
    for folder, _, files in os.walk(root):
        for name in files:
            yield os.path.join(folder, name)


def self_check(release_dir: str, tmp_path, name: str) -> tuple[dict, str]:
    """``grader check`` of the release's exercises/, run by the release's own grader."""
    env = dict(os.environ, PYTHONPATH=release_dir)
    where = subprocess.run([sys.executable, "-c", "import grader; print(grader.__file__)"], cwd=release_dir,
                           env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert where == os.path.join(release_dir, "grader", "__init__.py"), where
    out = str(tmp_path / f"{name}.json")
    proc = subprocess.run([sys.executable, "-m", "grader", "check", "--json", out], cwd=release_dir, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    with open(out, encoding="utf-8") as f:
        return json.load(f), proc.stdout


def test_layout(release):
    top = sorted(os.listdir(release))
    assert top == ["README.md", "exercises", "grader", "pyproject.toml", "setup.sh"], top
    for module in MODULES:
        with open(os.path.join(release, "exercises", f"{module}.py"), encoding="utf-8") as a, \
                open(os.path.join(EXERCISES, f"{module}.py"), encoding="utf-8") as b:
            assert a.read() == b.read(), module
    assert not any("solutions" in p.split(os.sep) or "__pycache__" in p for p in release_files(release))
    setup = os.path.join(release, "setup.sh")
    assert os.access(setup, os.X_OK)
    subprocess.run(["bash", "-n", setup], check=True)
    import torch

    text = open(setup, encoding="utf-8").read()
    assert f"torch=={torch.__version__.split('+')[0]}" in text and "download.pytorch.org/whl/cpu" in text
    readme = open(os.path.join(release, "README.md"), encoding="utf-8").read()
    assert "./setup.sh && .venv/bin/grader check" in readme
    assert all(f"exercises/{m}.py" in readme for m in MODULES)


def test_no_reference_code_ships(release):
    for module, line in DISTINCTIVE.items():
        with open(os.path.join(SOLUTIONS, f"{module}.py"), encoding="utf-8") as f:
            assert line in f.read(), f"pick another distinctive line for {module}"
    found = [(p, line) for p in release_files(release) for line in DISTINCTIVE.values()
             if line in open(p, encoding="utf-8", errors="replace").read()]
    assert not found, found
    lines = reference_lines(SOLUTIONS, EXERCISES)
    assert len(lines) > 50  # the automatic list covers every exercise's function bodies
    assert not leaks(release, lines)
    # no reference function body, whole, anywhere
    bodies = []
    for module in MODULES:
        source = open(os.path.join(SOLUTIONS, f"{module}.py"), encoding="utf-8").read()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef) and len(node.body) > 2:
                bodies.append("\n".join(ast.get_source_segment(source, s) for s in node.body[-2:]))
    text = "\n".join(open(p, encoding="utf-8", errors="replace").read() for p in release_files(release))
    assert not [b for b in bodies if b in text]


def test_no_hidden_checks_ship(release):
    checks = os.path.join(release, "grader", "checks")
    for module in MODULES:
        shipped = open(os.path.join(checks, f"{module}.py"), encoding="utf-8").read()
        original = open(os.path.join(REPO, "grader", "checks", f"{module}.py"), encoding="utf-8").read()
        assert hidden_checks(shipped) == []
        public = {n.name for n in ast.parse(original).body if isinstance(n, ast.FunctionDef)
                  and n.name.startswith("test_")} - set(hidden_checks(original))
        kept = {n.name for n in ast.parse(shipped).body if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")}
        assert kept == public, module


SAMPLE = '''import pytest
from grader.checking import points, requires

hidden = pytest.mark.hidden
_SECRET_CASES = [(1, 2), (3, 4)]
_SHARED = 3


def _secret_helper():
    return _SECRET_CASES


@points(1)
def test_public(sub):
    """public"""
    assert _SHARED


@pytest.mark.hidden
@points(2)
def test_hidden_one(sub):
    """hidden by pytest.mark"""
    _secret_helper()


@points(2)
@hidden
def test_hidden_two(sub):
    """hidden by alias"""
    assert _SECRET_CASES


@pytest.mark.hidden()
@points(1)
def test_hidden_three(sub):
    pass
'''


def test_strip_hidden_removes_hidden_checks_and_their_private_helpers():
    text, removed = strip_hidden(SAMPLE)
    assert removed == ["test_hidden_one", "test_hidden_two", "test_hidden_three"]
    assert "test_public" in text and "_SHARED = 3" in text
    for gone in ("test_hidden", "_secret_helper", "_SECRET_CASES", "mark.hidden()"):
        assert gone not in text, gone
    compile(text, "<stripped>", "exec")
    assert strip_hidden(text) == (text, [])
    kept, _ = strip_hidden(SAMPLE, keep=frozenset({"_SECRET_CASES"}))  # another module imports it
    assert "_SECRET_CASES = " in kept and "_secret_helper" not in kept
    whole, removed = strip_hidden("import pytest\npytestmark = pytest.mark.hidden\n\ndef test_a(sub):\n    pass\n")
    assert removed == ["test_a"] and "def test_a" not in whole


def test_build_release_strips_a_hidden_check(tmp_path):
    repo = tmp_path / "repo"
    for name in ("grader", "exercises", "solutions"):
        shutil.copytree(os.path.join(REPO, name), repo / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(os.path.join(REPO, "pyproject.toml"), repo / "pyproject.toml")
    check = repo / "grader" / "checks" / "blur_kernel.py"
    check.write_text(check.read_text() + '\n\n@pytest.mark.hidden\n@points(1)\ndef test_secret_extra(sub):\n'
                     '    """a hidden check"""\n    _ = "a very secret expected value 12345"\n')
    removed = build_release(str(tmp_path / "out"), repo=str(repo))
    assert removed == {"blur_kernel": ["test_secret_extra"]}
    text = "\n".join(open(p, encoding="utf-8", errors="replace").read() for p in release_files(str(tmp_path / "out")))
    assert "test_secret_extra" not in text and "a very secret expected value" not in text
    with pytest.raises(FileExistsError):
        build_release(str(tmp_path / "out"), repo=str(repo))


def test_self_check_of_the_stubs_scores_zero(release, tmp_path):
    results, stdout = self_check(release, tmp_path, "stubs")
    assert results["score"] == 0
    assert all(t["score"] == 0 for t in results["tests"])
    assert "not implemented yet" in stdout
    assert {t["tags"][0] for t in results["tests"]} == set(MODULES)


def test_self_check_of_the_references_scores_full(release, tmp_path):
    copy = str(tmp_path / "release")
    shutil.copytree(release, copy)
    for module in MODULES:
        shutil.copy(os.path.join(SOLUTIONS, f"{module}.py"), os.path.join(copy, "exercises", f"{module}.py"))
    results, _ = self_check(copy, tmp_path, "references")
    failing = [(t["name"], t["output"][:300]) for t in results["tests"] if t["score"] < t["max_score"]]
    assert not failing, failing
    assert results["score"] > 0
