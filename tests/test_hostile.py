"""Hostile submissions, graded end to end through the command line.

Each case attacks some exercises; it must score 0 (or lose marks) on those, keep full
marks on untouched exercises graded beside it, never crash or hang the grader, leave
no process behind, and never get its forged content into the report.
"""
from __future__ import annotations

import os
import shutil
import time

import pytest

from tests.helpers import copy_modules, load_json, matches, run_grader, verdicts, session_processes

HOSTILE = os.path.join(os.path.dirname(__file__), "hostile")
CASES = sorted(d for d in os.listdir(HOSTILE) if os.path.isdir(os.path.join(HOSTILE, d)))
UNTOUCHED = ["second_derivative", "blur_kernel"]
BOUND_SECONDS = 120  # documented bound for one hostile submission with these timeouts


@pytest.mark.parametrize("case", CASES)
def test_hostile_submission(case, tmp_path):
    source = os.path.join(HOSTILE, case)
    expected = load_json(os.path.join(source, "expected.json"))
    sub = tmp_path / case
    shutil.copytree(source, sub, ignore=shutil.ignore_patterns("expected.json"))
    untouched = [m for m in UNTOUCHED if m not in expected]
    copy_modules(str(sub), untouched)
    out = tmp_path / "results.json"
    start = time.monotonic()
    proc = run_grader("grade", str(sub), "--json", str(out), "--only", *expected, *untouched,
                      "--call-timeout", "3", "--import-timeout", "6", "--submission-timeout", "90",
                      timeout=BOUND_SECONDS + 60)
    elapsed = time.monotonic() - start
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert elapsed < BOUND_SECONDS
    results = load_json(str(out))
    got = verdicts(results)
    for module, verdict in expected.items():
        assert matches(got[module], verdict), (module, got[module], results)
    for module in untouched:
        assert got[module] == "full", (module, results)
    assert results["score"] == pytest.approx(sum(t["score"] for t in results["tests"]))
    assert all(t["score"] <= t["max_score"] for t in results["tests"])
    time.sleep(0.5)
    assert session_processes(proc.pid) == []


def test_no_forged_results_file_outside_sandbox(tmp_path):
    """The forge case tried to write results.json next to the repo and in /tmp."""
    for path in ("/work/main/results.json", "/tmp/results.json", "/autograder/results/results.json"):
        if os.path.exists(path):
            data = load_json(path)
            assert data.get("score") != 1000, path


def worker_uid_processes() -> list[str]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/status") as f:
                status = f.read().splitlines()
            uid = next(int(line.split()[1]) for line in status if line.startswith("Uid:"))
            zombie = any(line.startswith("State:") and "Z" in line for line in status)
        except (OSError, StopIteration):
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read()
        except OSError:
            continue
        # a worker child (maybe another grader's, running beside this test), or one being reaped
        if uid >= 200_000 and not zombie and cmd and b"--zygote" not in cmd:
            found.append(f"{pid} {cmd[:60]!r}")
    return found


def survivors(wait: float = 5.0) -> list[str]:
    """Student processes still alive after the grader ended (given a moment to be reaped)."""
    end = time.monotonic() + wait
    while True:
        found = worker_uid_processes()
        if not found or time.monotonic() > end:
            return found
        time.sleep(0.5)


@pytest.mark.skipif(os.geteuid() != 0, reason="uid separation needs root")
@pytest.mark.parametrize("case", CASES)
def test_without_bubblewrap_the_limits_still_hold(case, tmp_path, monkeypatch):
    """Without bubblewrap, as root (user separation: an unprivileged uid of its own, its own view
    of the file system, cgroups, IPC and network namespaces): every case keeps its verdicts, and
    no student process survives."""
    monkeypatch.setenv("GRADER_NO_SANDBOX", "1")
    source = os.path.join(HOSTILE, case)
    expected = load_json(os.path.join(source, "expected.json"))
    sub = tmp_path / case
    shutil.copytree(source, sub, ignore=shutil.ignore_patterns("expected.json"))
    untouched = [m for m in UNTOUCHED if m not in expected]
    copy_modules(str(sub), untouched)
    out = tmp_path / "results.json"
    proc = run_grader("grade", str(sub), "--json", str(out), "--only", *expected, *untouched,
                      "--call-timeout", "3", "--import-timeout", "6", "--submission-timeout", "90",
                      timeout=BOUND_SECONDS + 60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    results = load_json(str(out))
    assert "sandbox: user separation only" in results["output"], results["output"][:300]
    got = verdicts(results)
    assert all(matches(got[m], v) for m, v in expected.items()), got
    assert all(got[m] == "full" for m in untouched), got
    assert session_processes(proc.pid) == []
    assert survivors() == []
