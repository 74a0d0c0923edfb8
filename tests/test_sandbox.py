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


@pytest.fixture(autouse=True)
def no_static_scan(monkeypatch):
    """These probes reach for what the sandbox hides on purpose; the trusted-side scan
    (grader/integrity.py) would zero them before they run. Here the sandbox itself is tested."""
    from grader import integrity

    monkeypatch.setattr(integrity, "audit", lambda submission: integrity.Audit({}, []))


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
    assert sub.run.zygote.mode == "bwrap" and sub.run.zygote.sandbox.startswith("bwrap")
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


# ----------------------------------------------------------------------------- per-submission bounds

BOUNDS = textwrap.dedent('''
    import ctypes, os, time

    def make_shm():
        libc = ctypes.CDLL(None, use_errno=True)
        libc.shmget.restype = ctypes.c_int
        return libc.shmget(ctypes.c_int(0x5EED), ctypes.c_size_t(1 << 20), ctypes.c_int(0o1000 | 0o666))

    def list_shm():
        with open("/proc/sysvipc/shm") as f:
            return len(f.read().splitlines()) - 1

    def hogs(n, mib, hold=0.0):
        """n processes that each touch mib MiB and keep it hold seconds; how many finished."""
        pids = []
        for _ in range(n):
            pid = os.fork()
            if pid == 0:
                try:
                    block = bytearray(mib << 20)
                    block[::4096] = b"x" * len(block[::4096])
                    time.sleep(hold)
                    os._exit(0)
                except BaseException:
                    os._exit(1)
            pids.append(pid)
        return sum(os.waitpid(p, 0)[1] == 0 for p in pids)

    def fill_tmp(n, mib):
        """Write n files of mib MiB into the working directory; MiB written."""
        total = 0
        for i in range(n):
            try:
                with open(f"f{i}", "wb") as f:
                    f.write(b"x" * (mib << 20))
                total += mib
            except OSError:
                break
        return total

    def facts():
        out = {"uid": os.getuid()}
        def readable(path):
            try:
                with open(path, "rb") as f:
                    f.read(1)
                return True
            except OSError:
                return False
        out["solution_readable"] = readable(os.path.join(REPO, "solutions", "diagonal_edges.py"))
        out["checks_readable"] = readable(os.path.join(REPO, "grader", "checks", "diagonal_edges.py"))
        out["processes"] = [p for p in os.listdir("/proc") if p.isdigit()]
        out["env"] = sorted(os.environ)
        return out
''').replace("REPO", repr(REPO))


def _run(zygote, tmp_path, name="x"):
    folder = tmp_path / name
    folder.mkdir()
    (folder / "cross_correlation.py").write_text(BOUNDS)
    return SubmissionRun(load(str(folder)), zygote, seed=1, limits=Limits(call_seconds=60)).exercise("cross_correlation")


@pytest.fixture(scope="module")
def plain_zygote():
    """A zygote without bubblewrap (GRADER_NO_SANDBOX=1): user separation when we are root."""
    old = os.environ.get("GRADER_NO_SANDBOX")
    os.environ["GRADER_NO_SANDBOX"] = "1"
    sandbox.bwrap_probe.cache_clear()
    z = Zygote()
    if old is None:
        del os.environ["GRADER_NO_SANDBOX"]
    else:
        os.environ["GRADER_NO_SANDBOX"] = old
    sandbox.bwrap_probe.cache_clear()
    yield z
    z.close()


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root")


@needs_root
@pytest.mark.parametrize("which", ["zygote", "plain_zygote"])
def test_shared_memory_never_reaches_the_next_submission(which, request, tmp_path):
    z = request.getfixturevalue(which)
    first = _run(z, tmp_path, "a")
    assert first.call("make_shm") >= 0
    assert first.call("list_shm") == 1
    first.run.close()
    second = _run(z, tmp_path, "b")
    assert second.call("list_shm") == 0  # its own IPC namespace, or the first one's objects removed
    second.run.close()


@pytest.fixture(scope="module")
def cgroupless_zygote():
    """A zygote where no cgroup can be made (as in a container): the zygote's own watchdog."""
    os.environ["GRADER_NO_CGROUPS"] = "1"
    try:
        z = Zygote()
    finally:
        del os.environ["GRADER_NO_CGROUPS"]
    yield z
    z.close()


@needs_root
@pytest.mark.parametrize("which", ["zygote", "plain_zygote", "cgroupless_zygote"])
def test_memory_and_tmp_are_bounded_per_submission(which, request, tmp_path):
    z = request.getfixturevalue(which)
    assert "per submission" in z.sandbox, z.sandbox
    sub = _run(z, tmp_path)
    assert sub.call("fill_tmp", 200, 4) <= sandbox.TMP_BYTES >> 20
    sub.run.close()
    sub = _run(z, tmp_path, "hogs")
    try:  # 3 x 900 MiB fit each process's 1 GiB, not one submission's 1.625 GiB (nor do two of them);
        # kept for a second, so that the worker's count (four times a second, without a cgroup) sees them
        finished = sub.call("hogs", 3, 900, 1.0)
    except StudentStopped:  # the watchdog ends the whole submission's processes
        finished = 0
    assert finished < 3
    sub.run.close()


@needs_root
def test_user_separation_without_bubblewrap(plain_zygote, tmp_path):
    """As root without bubblewrap: its own uid, a view without the repository, no other
    processes in /proc (the trusted process's command line holds the seed), a clean environment."""
    z = plain_zygote
    assert z.mode == "users" and z.sandbox.startswith("users"), z.sandbox
    assert "secrets readable" not in z.sandbox
    sub = _run(z, tmp_path)
    facts = sub.call("facts")
    assert facts["uid"] >= 200_000
    assert not facts["solution_readable"] and not facts["checks_readable"]
    assert len(facts["processes"]) <= 2, facts["processes"]
    assert not [k for k in facts["env"] if k.startswith("GRADER_") and k != "GRADER_SANDBOX"], facts["env"]
    sub.run.close()


def test_the_report_names_readable_secrets_loudly():
    from grader.client import describe
    from grader.report import sandbox_note

    plan = sandbox.Plan([], {}, "none", None)
    mode, line = describe(plan, {"readable": ["/autograder/source"], "uid": 0}, 1 << 30)
    assert mode == "none" and line.startswith("none, secrets readable (/autograder/source)")
    assert "WARNING" in sandbox_note(line)
    mode, line = describe(plan, {"readable": [], "uid": 200_001, "view": False, "ipc": False}, 1 << 30)
    assert mode == "users" and "file permissions" in line and "per process" in line
    assert sandbox_note(line).startswith("sandbox: user separation only")


HOARD = textwrap.dedent('''
    import os, tempfile
    _tmp = tempfile.mkdtemp()
    for _i in range(500 // 3):  # /tmp nearly full first: its files are charged to the submission too
        try:
            with open(os.path.join(_tmp, f"f{_i}"), "wb") as _f:
                _f.write(b"x" * (3 << 20))
        except OSError:
            break
    _hoard = []
    try:  # then everything the address space allows, kept for the whole submission
        while True:
            _hoard.append(bytearray(64 << 20))
    except MemoryError:
        pass
''')


@needs_root
def test_a_submission_that_fills_its_memory_gets_the_same_score_every_time(tmp_path):
    """Found by the red team: with the cgroup and the address space both at 1 GiB, whether the
    last 64 MiB block raised MemoryError or got the child killed depended on how many pages the
    child had copied from the zygote; the same submission scored 103, 93 or 73. The cgroup now
    leaves room for those pages, so the address space decides, the same way every run."""
    import sqlite3
    import shutil

    from tests.helpers import SOLUTIONS, load_json, run_grader

    class_dir = tmp_path / "class"
    hoarder = class_dir / "hoarder"
    shutil.copytree(SOLUTIONS, hoarder)
    with open(hoarder / "cross_correlation.py", "a") as f:
        f.write(HOARD)
    shutil.copytree(SOLUTIONS, class_dir / "neighbour")
    scores = []
    for i in range(2):
        out = tmp_path / f"cold{i}.json"
        proc = run_grader("grade", str(hoarder), "--seed", "7", "--json", str(out), "-q")
        assert proc.returncode == 0, proc.stderr[-2000:]
        scores.append(load_json(str(out))["score"])
    book = tmp_path / "grades.db"
    proc = run_grader("batch", str(class_dir), "--jobs", "2", "--seed", "7", "--gradebook", str(book), "-q")
    assert proc.returncode == 0, proc.stderr[-2000:]
    with sqlite3.connect(book) as db:
        graded = dict(db.execute("select student, total from grades"))
    scores.append(graded["hoarder"])
    assert scores == [103.0] * 3 and graded["neighbour"] == 103.0, (scores, graded)
