"""``pytest --submission``: the same checks, reported like ``grader check``, and nothing from
the submission runs in the pytest process (no conftest.py, no shadowing torch.py)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from tests.helpers import EXERCISES, REPO, SOLUTIONS

HOSTILE_CONFTEST = '''import os
open(os.environ["GRADER_TEST_MARKER"], "w").write("the submission's conftest ran in the grader")

import pytest

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    report.outcome = "passed"
'''
HOSTILE_TORCH = '''import os
open(os.environ["GRADER_TEST_MARKER"], "w").write("the submission's torch.py ran in the grader")
raise SystemExit(0)
'''


def pytest_route(*args: str, cwd: str, marker: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if marker:
        env["GRADER_TEST_MARKER"] = marker
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


def submission(tmp_path, *modules: str, conftest: bool = False, torch_py: bool = False) -> str:
    sub = tmp_path / "student"
    sub.mkdir()
    for module in modules:
        shutil.copy(os.path.join(SOLUTIONS, f"{module}.py"), sub / f"{module}.py")
    if conftest:
        (sub / "conftest.py").write_text(HOSTILE_CONFTEST)
    if torch_py:
        (sub / "torch.py").write_text(HOSTILE_TORCH)
    return str(sub)


def test_failures_read_like_grader_check_without_tracebacks():
    proc = pytest_route("--submission", EXERCISES, "-q", "-k", "diagonal_edges or second_derivative", cwd=REPO)
    out = proc.stdout + proc.stderr
    assert "APPLY_K: what [1, -1] does to a diagonal edge  (0/2)" in out
    assert "`APPLY_K` is still \"\": set it to one of 'nothing', 'diagonal', 'everywhere', 'copy'." in out
    assert "Traceback" not in out and "def test_" not in out and "expect_choice(" not in out
    assert "answer_key" not in out and "grader/checking.py:" not in out
    assert "diagonal_edges           0 / 10" in out
    assert len(out.splitlines()) < 80, out  # a few lines per check, not pages of tracebacks


def test_a_wrong_answer_shows_the_message_and_hint(tmp_path):
    sub = submission(tmp_path, "cross_correlation", "blur_kernel")
    path = os.path.join(sub, "blur_kernel.py")
    text = open(path, encoding="utf-8").read()
    open(path, "w", encoding="utf-8").write(text.replace('WHY_BLUR = "denoise"', 'WHY_BLUR = "sharpen"'))
    proc = pytest_route("--submission", sub, "-q", "-k", "blur_kernel", cwd=str(tmp_path))
    out = proc.stdout
    assert "WHY_BLUR names what a blur is for  (0/2)" in out
    assert "`WHY_BLUR = 'sharpen'` (make edges crisper) is not right." in out and "Hint: " in out
    assert "Traceback" not in out and "def test_" not in out
    assert "blur_kernel              8 / 10" in out


def test_the_submission_as_rootdir_is_refused_before_its_conftest_runs(tmp_path):
    sub = submission(tmp_path, "cross_correlation", "blur_kernel", conftest=True, torch_py=True)
    marker = str(tmp_path / "marker")
    proc = pytest_route("--submission", ".", "-k", "blur_kernel", cwd=sub, marker=marker)
    assert not os.path.exists(marker), open(marker).read()
    assert proc.returncode == pytest.ExitCode.USAGE_ERROR, proc.stdout + proc.stderr
    assert "refusing to grade . with pytest" in proc.stderr
    assert "Run it from a folder outside the submission" in proc.stderr


@pytest.mark.parametrize("where", ["cwd", "subfolder_cwd"])
def test_a_cwd_inside_the_submission_is_refused(tmp_path, where):
    sub = submission(tmp_path, "cross_correlation", torch_py=True)
    cwd = sub
    if where == "subfolder_cwd":
        cwd = os.path.join(sub, "notes")
        os.mkdir(cwd)
    marker = str(tmp_path / "marker")
    proc = pytest_route("--submission", sub, "-k", "cross_correlation", cwd=cwd, marker=marker)
    assert proc.returncode == pytest.ExitCode.USAGE_ERROR, proc.stdout + proc.stderr
    assert "refusing to grade" in proc.stderr and not os.path.exists(marker)


def test_a_submission_with_a_conftest_is_refused_from_anywhere(tmp_path):
    sub = submission(tmp_path, "cross_correlation", conftest=True)
    nested = os.path.join(sub, "deep", "er")
    os.makedirs(nested)
    os.rename(os.path.join(sub, "conftest.py"), os.path.join(nested, "conftest.py"))
    marker = str(tmp_path / "marker")
    proc = pytest_route("--submission", sub, "-k", "cross_correlation", cwd=REPO, marker=marker)
    assert proc.returncode == pytest.ExitCode.USAGE_ERROR, proc.stdout + proc.stderr
    assert "the submission contains deep/er/conftest.py" in proc.stderr
    assert not os.path.exists(marker)


def test_a_torch_py_in_the_current_folder_is_not_imported(tmp_path):
    """The current folder (first on sys.path under ``python -m pytest``) is dropped before the
    checks import torch or numpy."""
    here = tmp_path / "here"
    here.mkdir()
    (here / "torch.py").write_text(HOSTILE_TORCH)
    (here / "numpy.py").write_text(HOSTILE_TORCH)
    sub = submission(tmp_path, "cross_correlation", "blur_kernel")
    marker = str(tmp_path / "marker")
    proc = pytest_route("--submission", sub, "-q", "-k", "blur_kernel", cwd=str(here), marker=marker)
    assert not os.path.exists(marker), open(marker).read()
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "blur_kernel              10 / 10" in proc.stdout


def test_without_submission_the_plugin_changes_nothing(tmp_path):
    (tmp_path / "conftest.py").write_text("import os\nopen(os.environ['GRADER_TEST_MARKER'], 'w').write('ok')\n")
    (tmp_path / "test_x.py").write_text("def test_x():\n    assert 1 + 1 == 3\n")
    marker = str(tmp_path / "marker")
    proc = pytest_route("-q", cwd=str(tmp_path), marker=marker)
    assert os.path.exists(marker)  # an ordinary project's conftest loads as always
    assert proc.returncode == 1 and "assert 1 + 1 == 3" in proc.stdout  # and tracebacks are pytest's own


def test_an_ini_file_or_rootdir_in_the_submission_is_refused(tmp_path):
    sub = submission(tmp_path, "cross_correlation")
    proc = pytest_route("--submission", sub, "--rootdir", sub, "-k", "cross_correlation", cwd=str(tmp_path))
    assert proc.returncode == pytest.ExitCode.USAGE_ERROR and "rootdir" in proc.stderr, proc.stderr
    (tmp_path / "student" / "pytest.ini").write_text("[pytest]\n")
    proc = pytest_route("--submission", sub, "-c", os.path.join(sub, "pytest.ini"), "-k", "cross_correlation",
                        cwd=str(tmp_path))
    assert proc.returncode == pytest.ExitCode.USAGE_ERROR and "settings from" in proc.stderr, proc.stderr


def test_a_zip_in_the_current_folder_is_graded(tmp_path):
    """The folder around a .zip is not the submission: grading it from there is fine."""
    shutil.copy(os.path.join(REPO, "samples", "chen.zip"), tmp_path / "chen.zip")
    proc = pytest_route("--submission", "chen.zip", "-q", "-k", "cross_correlation", cwd=str(tmp_path))
    assert proc.returncode == pytest.ExitCode.TESTS_FAILED, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "cross_correlation" in proc.stdout and "refusing" not in proc.stderr
