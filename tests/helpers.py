"""Shared by the project's tests: paths, running the grader, reading verdicts."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOLUTIONS = os.path.join(REPO, "solutions")
EXERCISES = os.path.join(REPO, "exercises")


def grader_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "grader", *args]


def run_grader(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the grader's command line in its own session (``.pid`` is that session's id)."""
    proc = subprocess.Popen(grader_cmd(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=REPO, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        out, err = proc.communicate()
        raise
    result = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    result.pid = proc.pid
    return result


def verdicts(results: dict) -> dict[str, str]:
    """Per exercise: "full", "zero" or "partial", from a Gradescope results dict."""
    by_module: dict[str, list] = {}
    for test in results["tests"]:
        by_module.setdefault(test["tags"][0], []).append(test)
    out = {}
    for module, tests in by_module.items():
        score = sum(t["score"] for t in tests)
        if all(t["score"] >= t["max_score"] for t in tests):
            out[module] = "full"
        elif score == 0:
            out[module] = "zero"
        else:
            out[module] = "partial"
    return out


def matches(verdict: str, expected: str) -> bool:
    if expected == "not_full":
        return verdict != "full"
    return verdict == expected


def copy_modules(dest: str, modules, source: str = SOLUTIONS) -> None:
    os.makedirs(dest, exist_ok=True)
    for module in modules:
        shutil.copy(os.path.join(source, f"{module}.py"), os.path.join(dest, f"{module}.py"))


def load_json(path: str) -> dict:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def session_processes(sid: int) -> list[str]:
    """Processes still alive in session ``sid`` (a grader run started with its own session)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            found.append(f"{pid} {cmd[:80]}")
    return found
