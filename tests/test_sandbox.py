"""What student code can see and do inside the worker, observed from inside."""
from __future__ import annotations

import os
import textwrap

import pytest

from grader import sandbox
from grader.checking import StudentStopped
from grader.client import Zygote
from grader.grading import Limits, SubmissionRun
from grader.submission import load
from tests.helpers import REPO

PROBE = textwrap.dedent('''
    import os, socket, resource

    def facts():
        out = {"uid": os.getuid(), "euid": os.geteuid(), "cwd": os.getcwd()}
        def readable(path):
            try:
                with open(path, "rb") as f:
                    f.read(1)
                return True
            except OSError:
                return False
        out["repo_listing"] = sorted(os.listdir(REPO)) if os.path.isdir(REPO) else []
        out["solution_readable"] = readable(os.path.join(REPO, "solutions", "cross_correlation.py"))
        out["checks_readable"] = readable(os.path.join(REPO, "grader", "checks", "cross_correlation.py"))
        out["grader_importable"] = True
        try:
            import grader.checks  # noqa: F401
        except ImportError:
            out["grader_importable"] = False
        try:
            import solutions  # noqa: F401
            out["solutions_importable"] = True
        except ImportError:
            out["solutions_importable"] = False
        try:
            s = socket.create_connection(("1.1.1.1", 53), timeout=2)
            s.close()
            out["network"] = True
        except OSError:
            out["network"] = False
        try:
            with open("/etc/passwd", "a"):
                pass
            out["etc_writable"] = True
        except OSError:
            out["etc_writable"] = False
        try:
            with open(os.path.join(os.getcwd(), "scratch.txt"), "w") as f:
                f.write("ok")
            out["cwd_writable"] = True
        except OSError:
            out["cwd_writable"] = False
        out["tmp_listing"] = sorted(os.listdir("/tmp")) if os.path.isdir("/tmp") else []
        out["nproc"] = resource.getrlimit(resource.RLIMIT_NPROC)[0]
        out["as_limit"] = resource.getrlimit(resource.RLIMIT_AS)[0]
        out["pids"] = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
        out["pipes"] = []
        for fd in os.listdir("/proc/self/fd"):
            try:
                target = os.readlink(f"/proc/self/fd/{fd}")
            except OSError:
                continue
            if target.startswith("pipe:"):
                out["pipes"].append(fd)
        return out

    def sleep_forever():
        import time
        while True:
            time.sleep(1)

    def spawn_orphan():
        import subprocess
        subprocess.Popen(["sleep", "1000"], start_new_session=True)
        return 1
''').replace("REPO", repr(REPO))

needs_bwrap = pytest.mark.skipif(sandbox.bwrap_usable() is None or os.geteuid() != 0,
                                 reason="needs bubblewrap and root")


@pytest.fixture(scope="module")
def zygote():
    z = Zygote()
    yield z
    z.close()


@pytest.fixture
def sub(zygote, tmp_path):
    (tmp_path / "cross_correlation.py").write_text(PROBE)
    run = SubmissionRun(load(str(tmp_path)), zygote, seed=1, limits=Limits(call_seconds=3))
    s = run.exercise("cross_correlation")
    yield s
    run.close()


@needs_bwrap
def test_sandbox_hides_references_checks_and_network(sub):
    facts = sub.call("facts")
    assert sub.run.zygote.sandbox == "bwrap"
    assert facts["uid"] >= 200_000 and facts["euid"] == facts["uid"]
    assert set(facts["repo_listing"]) <= {".venv"}  # at most the interpreter, when it lives there
    assert not facts["solution_readable"] and not facts["checks_readable"]
    assert not facts["grader_importable"] and not facts["solutions_importable"]
    assert not facts["network"]
    assert not facts["etc_writable"]
    assert facts["cwd_writable"]
    # children's own dirs (0700), the zygote's, and the parents of a Python installation under /tmp
    python_parents = {r.split("/")[2] for r in sandbox.python_roots() if r.startswith("/tmp/")}
    assert all(name.startswith(("w", ".zygote")) or name in python_parents
               for name in facts["tmp_listing"]), facts["tmp_listing"]
    assert 0 < facts["nproc"] <= 64
    assert facts["pipes"] == []  # nothing inherited from the zygote (its reaper's pipe, say)


@needs_bwrap
def test_sibling_children_cannot_see_each_other(zygote, tmp_path):
    (tmp_path / "cross_correlation.py").write_text(PROBE)
    first = SubmissionRun(load(str(tmp_path)), zygote, seed=1).exercise("cross_correlation")
    second = SubmissionRun(load(str(tmp_path)), zygote, seed=1).exercise("cross_correlation")
    a, b = first.call("facts"), second.call("facts")
    assert a["uid"] != b["uid"] and a["cwd"] != b["cwd"]
    first.run.close()
    second.run.close()


def test_hung_call_is_stopped_and_the_child_replaced(sub):
    with pytest.raises(StudentStopped, match="did not finish within 3 s"):
        sub.call("sleep_forever")
    with pytest.raises(StudentStopped, match="was not run"):  # not called a second time
        sub.call("sleep_forever")
    assert sub.call("facts")["uid"] is not None  # a fresh child serves the next check


def test_memory_limit(sub):
    facts = sub.call("facts")
    assert facts["as_limit"] > 0
