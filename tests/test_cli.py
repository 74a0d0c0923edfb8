"""The command line end to end: references get full marks, stubs get zero, bad input a clear zero."""
from __future__ import annotations

import subprocess
import sys
import zipfile

from grader.contract import MODULES
from tests.helpers import EXERCISES, REPO, SOLUTIONS, load_json, run_grader, verdicts


def test_references_get_full_marks_on_every_exercise(tmp_path):
    out = tmp_path / "r.json"
    proc = run_grader("grade", SOLUTIONS, "--json", str(out))
    assert proc.returncode == 0, proc.stderr
    results = load_json(str(out))
    assert verdicts(results) == {m: "full" for m in MODULES}
    assert results["score"] == sum(t["max_score"] for t in results["tests"]) > 0
    assert all(t["tags"][0] in MODULES for t in results["tests"])
    assert "PASS" in proc.stdout and "Total:" in proc.stdout


def test_stubs_get_zero_with_not_implemented_feedback(tmp_path):
    out = tmp_path / "r.json"
    proc = run_grader("grade", EXERCISES, "--json", str(out))
    assert proc.returncode == 0, proc.stderr
    results = load_json(str(out))
    assert results["score"] == 0
    assert verdicts(results) == {m: "zero" for m in MODULES}
    outputs = "\n".join(t["output"] for t in results["tests"])
    assert "not implemented yet" in outputs
    assert "is still \"\"" in outputs  # multiple-choice answers left empty


def test_zip_of_a_folder_is_graded_like_the_folder(tmp_path):
    archive = tmp_path / "student7.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for module in ("cross_correlation", "diagonal_edges"):
            z.write(f"{SOLUTIONS}/{module}.py", f"student7/{module}.py")
    out = tmp_path / "r.json"
    proc = run_grader("grade", str(archive), "--json", str(out), "--only", "cross_correlation",
                      "diagonal_edges", "transpose_effect")
    assert proc.returncode == 0, proc.stderr
    got = verdicts(load_json(str(out)))
    assert got == {"cross_correlation": "full", "diagonal_edges": "full", "transpose_effect": "zero"}
    assert "transpose_effect.py was not submitted" in out.read_text()


def test_not_a_submission_gets_a_zero_report_and_exit_0(tmp_path):
    bad = tmp_path / "essay.txt"
    bad.write_text("my answers are in my head")
    out = tmp_path / "r.json"
    proc = run_grader("grade", str(bad), "--json", str(out))
    assert proc.returncode == 0
    results = load_json(str(out))
    assert results["score"] == 0 and len(results["tests"]) > 10
    assert "is not a submission" in results["tests"][0]["output"]


def test_syntax_error_costs_only_its_exercise(tmp_path):
    (tmp_path / "cross_correlation.py").write_text(open(f"{SOLUTIONS}/cross_correlation.py").read())
    (tmp_path / "diagonal_edges.py").write_text("def diagonal_image(n=8)\n    return None\n")
    out = tmp_path / "r.json"
    run_grader("grade", str(tmp_path), "--json", str(out), "--only", "cross_correlation", "diagonal_edges")
    results = load_json(str(out))
    assert verdicts(results) == {"cross_correlation": "full", "diagonal_edges": "zero"}
    assert "diagonal_edges.py has a syntax error" in out.read_text()


def test_pytest_route_runs_the_same_checks():
    proc = subprocess.run([sys.executable, "-m", "pytest", "--submission", EXERCISES, "-q",
                           "-k", "cross_correlation or second_derivative"],
                          capture_output=True, text=True, cwd=REPO, timeout=300)
    assert "points per exercise" in proc.stdout
    assert "cross_correlation" in proc.stdout and "0 / 10" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "pytest", "--submission", SOLUTIONS, "-q",
                           "-k", "cross_correlation"], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "10 / 10" in proc.stdout


def test_an_unwritable_results_path_is_a_clear_error(tmp_path):
    proc = run_grader("grade", SOLUTIONS, "--json", "/proc/no-such-dir/results.json", "--only", "blur_kernel")
    assert proc.returncode == 2
    assert "cannot write --json /proc/no-such-dir/results.json" in proc.stderr and "Traceback" not in proc.stderr
