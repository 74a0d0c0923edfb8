"""First use, as a new student or instructor meets it (issue 9): what `grader check` says about the
failures it does not show, no `.hypothesis/` left behind, and the batch's per-grader progress lines."""
from __future__ import annotations

import os
import subprocess
import time
from types import SimpleNamespace

from tests.helpers import REPO, grader_cmd

DANA = os.path.join(REPO, "samples", "dana")


def test_check_counts_further_failures_points_to_v_and_leaves_no_hypothesis_folder(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "HYPOTHESIS_STORAGE_DIRECTORY"}
    proc = subprocess.run(grader_cmd("check", DANA, "--only", "cross_correlation", "fc_to_conv"),
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "more failing check" in proc.stdout  # fc_to_conv fails several checks; one is shown
    assert "run with -v to see every check" in proc.stdout
    assert os.listdir(tmp_path) == []  # no .hypothesis/ (nor anything else) in the user's folder


def test_batch_progress_names_each_graders_student_and_time():
    from grader.batch import workers_lines

    now = time.monotonic()
    pool = SimpleNamespace(graders=[
        SimpleNamespace(slot=1, ready=True, task={"student": "slow-student", "started": now - 31.5}),
        SimpleNamespace(slot=0, ready=True, task=None),
        SimpleNamespace(slot=2, ready=False, task=None),
    ])
    lines = workers_lines(pool, now)
    assert lines[0].split() == ["grader", "1:", "idle"]
    assert "grader 2: slow-student" in lines[1] and "31.5 s" in lines[1]
    assert "starting" in lines[2]


def test_release_setup_installs_what_notebooks_and_reports_need_with_a_cpu_torch():
    from grader.integrations import release

    script = release.SETUP.format(index=release.TORCH_INDEX, torch="2.13.0")
    assert "pip install -e . nbformat ipykernel matplotlib" in script
    assert f"--index-url {release.TORCH_INDEX}" in script and "|| .venv/bin/pip install torch==2.13.0" in script
    readme = release.README.format(torch="2.13.0", index=release.TORCH_INDEX, table="")
    assert 'feedback("cross_correlation")' in readme and "ipykernel install" in readme
    proc = subprocess.run(["bash", "-n"], input=script, text=True, capture_output=True)
    assert proc.returncode == 0, proc.stderr


def test_project_setup_prefers_the_cpu_index_and_falls_back_to_pips_own():
    text = open(os.path.join(REPO, "setup.sh"), encoding="utf-8").read()
    assert "--index-url https://download.pytorch.org/whl/cpu" in text
    assert '|| pip install "$TORCH"' in text and 'TORCH="torch==2.13.0"' in text
    for package in ("bubblewrap", "fonts-noto-cjk", "chromium"):
        assert package in text
