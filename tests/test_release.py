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


# This venv loads its checkout's grader at start-up (a .pth line, see setup.sh): forget it and
# import the release's own package instead, then run it as ``python -m grader`` would.
RELEASE_PYTHON = """import runpy, sys
for name in [n for n in sys.modules if n == "grader" or n.startswith("grader.")]:
    del sys.modules[name]
sys.path.insert(0, sys.argv.pop(1))
import grader
if sys.argv[1:] == ["--where"]:
    print(grader.__file__)
else:
    sys.argv[0] = "grader"
    runpy.run_module("grader", run_name="__main__", alter_sys=True)
"""


def self_check(release_dir: str, tmp_path, name: str) -> tuple[dict, str]:
    """``grader check`` of the release's exercises/, run by the release's own grader (its checks
    and answer keys, or their absence, are the release's; the sandboxed worker is this venv's)."""
    env = dict(os.environ, PYTHONPATH=release_dir)
    where = subprocess.run([sys.executable, "-c", RELEASE_PYTHON, release_dir, "--where"], cwd=release_dir,
                           env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert where == os.path.join(release_dir, "grader", "__init__.py"), where
    out = str(tmp_path / f"{name}.json")
    proc = subprocess.run([sys.executable, "-c", RELEASE_PYTHON, release_dir, "check", "--json", out],
                          cwd=release_dir, env=env, capture_output=True, text=True, timeout=600)
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


# ----------------------------------------------------------------------------- answer keys

from grader.answers import ANSWERS  # noqa: E402
from grader.integrations.leaks import answer_leaks, kernel_leaks, reference_kernels  # noqa: E402
from grader.integrations.release import INSTRUCTOR_ONLY  # noqa: E402


def _right_keys() -> set[str]:
    return {v for v in ANSWERS.values() if isinstance(v, str)}


def test_the_instructors_checks_know_every_answer():
    from grader.checking import answer_key

    for name, right in ANSWERS.items():
        module, constant = name.split(".")
        assert module in MODULES
        with open(os.path.join(SOLUTIONS, f"{module}.py"), encoding="utf-8") as f:
            tree = ast.parse(f.read())
        assigned = [n for n in tree.body if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == constant]
        assert assigned, name
        assert answer_key(name) == right
        check = open(os.path.join(REPO, "grader", "checks", f"{module}.py"), encoding="utf-8").read()
        assert f'answer_key("{name}")' in check, f"{module}'s check must read {name} from grader/answers.py"


def test_no_right_answer_ships(release):
    assert not os.path.exists(os.path.join(release, "grader", "answers.py"))
    assert INSTRUCTOR_ONLY == ("answers.py",)
    assert answer_leaks(release, ANSWERS) == []
    kernels = reference_kernels(SOLUTIONS)
    assert kernels["second_derivative_kernel()"] == [[1.0, -2.0, 1.0]]
    assert kernel_leaks(release, kernels) == []
    # The plain grep: a right key in quotes appears in the checks only as a key of a listing of
    # all the choices ("key": "description"), never in check code or a message.
    for path in release_files(os.path.join(release, "grader")):
        if not path.endswith(".py"):
            continue
        text = open(path, encoding="utf-8").read()
        in_checks = os.path.basename(os.path.dirname(path)) == "checks"
        for key in _right_keys():
            for quoted in (f'"{key}"', f"'{key}'"):
                start = text.find(quoted)
                while start >= 0:
                    after = text[start + len(quoted):].lstrip(" ")
                    lookup = text[:start].endswith(("[", ".get(", ".pop("))  # report["key"]: a field's name
                    if in_checks and not lookup:
                        assert after.startswith(":"), (path, quoted, text[start - 80:start + 80])
                    else:  # elsewhere in the grader: never as an answer
                        assert "correct" not in text[max(0, start - 40):start], (path, quoted)
                    start = text.find(quoted, start + 1)
        assert "correct=\"" not in text and "correct='" not in text, path
        assert "1, -2, 1" not in text and "[[1., -2., 1.]]" not in text, path
    assert "MIN_SIZE = 3" not in "\n".join(open(p, encoding="utf-8", errors="replace").read()
                                           for p in release_files(release))


LEAKY_CHECK = '''"""Checks: the [[1, -2, 1]] kernel."""
from grader.checking import expect_choice, points

KEYS = {"nothing": "zero", "diagonal": "beside the edge", "everywhere": "all", "copy": "shifted"}


@points(1)
def test_apply_k(sub):
    """APPLY_K"""
    expect_choice(sub.constant("APPLY_K"), name="APPLY_K", keys=KEYS, correct="diagonal", hint="")


@points(1)
def test_min_size(sub):
    """MIN_SIZE"""
    assert sub.constant("MIN_SIZE") == 3, "`MIN_SIZE` should be the size of [1.0, -2.0, 1.0]"
    assert sub.constant("STRONGEST") in ("lines",), "'lines' is right"
    report = {"diagonal": 1}
    assert report["diagonal"] and report.get("diagonal")
'''


def test_the_leak_scans_find_what_they_look_for(tmp_path):
    checks = tmp_path / "grader" / "checks"
    checks.mkdir(parents=True)
    (checks / "leaky.py").write_text(LEAKY_CHECK)
    (tmp_path / "grader" / "answers.py").write_text("ANSWERS = {}\n")
    (tmp_path / "README.md").write_text("Hint: APPLY_K = 'diagonal', and MIN_SIZE is 3.\n")
    found = answer_leaks(str(tmp_path), ANSWERS)
    text = "\n".join(found)
    assert "answers.py" in text
    assert "literal correct=" in text                      # correct="diagonal"
    assert "comparison with the right number" in text      # == 3
    assert "'lines' outside a listing" in text             # in ("lines",)
    assert "quotes the answer key 'lines'" in text         # a message
    assert "leaky.py:19" not in text                       # report["diagonal"] is a lookup
    assert "README.md: \"APPLY_K = 'diagonal\"" in text and "MIN_SIZE is 3" in text
    assert "leaky.py:4:" not in text                       # the listing of all choices is fine
    kernels = kernel_leaks(str(tmp_path), reference_kernels(SOLUTIONS))
    assert any("[[1, -2, 1]]" not in k and "'1, -2, 1'" in k for k in kernels), kernels
    assert any("'1.0, -2.0, 1.0'" in k for k in kernels), kernels
    (tmp_path / "shown.txt").write_text("Got:\n[ 1 -2  1]\nand [-1.,  3., -3.,  1.]\n")
    shown = "\n".join(kernel_leaks(str(tmp_path), reference_kernels(SOLUTIONS)))
    assert "'1 -2  1'" in shown and "derivative_kernel(3)" in shown


@pytest.mark.parametrize("edit", ["key", "kernel"])
def test_build_release_refuses_a_leaked_answer(tmp_path, edit):
    repo = tmp_path / "repo"
    for name in ("grader", "exercises", "solutions"):
        shutil.copytree(os.path.join(REPO, name), repo / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(os.path.join(REPO, "pyproject.toml"), repo / "pyproject.toml")
    check = repo / "grader" / "checks" / "blur_kernel.py"
    text = check.read_text()
    if edit == "key":
        assert 'correct=answer_key("blur_kernel.WHY_BLUR")' in text
        check.write_text(text.replace('correct=answer_key("blur_kernel.WHY_BLUR")', 'correct="denoise"'))
    else:
        check.write_text(text.replace('"""Checks of', '"""Compare with [[1, -4, 6, -4, 1]]. Checks of', 1))
    out = tmp_path / "out"
    with pytest.raises(RuntimeError, match="right answer" if edit == "key" else "reference kernel"):
        build_release(str(out), repo=str(repo))
    assert not out.exists()  # nothing half-written is left for someone to hand out


def test_self_check_records_answers_it_cannot_judge(release, tmp_path):
    """In the release, a valid key earns the self-check's points whichever key it is, and says
    that the instructor grades it: the self-check is no oracle for the right answer."""
    import re

    copy = str(tmp_path / "release")
    shutil.copytree(release, copy)
    wrong = {"APPLY_K": "nothing", "TRANSPOSE_X": "zero", "TRANSPOSE_K": "same", "IDENTITY": "a",
             "ERROR_CAUSE": "loops", "STRONGEST": "flat", "WHY_BLUR": "sharpen",
             "TRANSLATION_DRAWBACK": "none", "MIN_SIZE": 4}
    for module in MODULES:
        source = open(os.path.join(SOLUTIONS, f"{module}.py"), encoding="utf-8").read()
        for name, value in wrong.items():
            source = re.sub(rf"^{name} = .*$", f"{name} = {value!r}", source, flags=re.M)
            source = re.sub(rf"^assert {name}\b.*$", "", source, flags=re.M)  # the reference checks itself
        with open(os.path.join(copy, "exercises", f"{module}.py"), "w", encoding="utf-8") as f:
            f.write(source)
    results, stdout = self_check(copy, tmp_path, "wrong-keys")
    assert f"{len(ANSWERS)} answers (multiple choice, MIN_SIZE) were only recorded" in stdout, stdout[-2000:]
    recorded = [t for t in results["tests"] if t["output"].startswith("Recorded:")]
    assert len(recorded) == len(ANSWERS), [t["name"] for t in recorded]
    assert all(t["score"] == t["max_score"] for t in recorded)
    assert all("your instructor grades it" in t["output"] for t in recorded)
    failing = [(t["name"], t["output"][:300]) for t in results["tests"] if t["score"] < t["max_score"]]
    assert not failing, failing
