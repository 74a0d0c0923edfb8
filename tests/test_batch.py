"""``grader batch`` and ``grader export`` end to end, driven as a command line in subprocesses."""
from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile

import pytest

from grader.contract import MODULES

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ONLY = ["diagonal_edges", "blur_kernel"]  # two quick exercises keep this file fast
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc")


def grader(*args, timeout=240, env=None, **kw) -> subprocess.CompletedProcess:
    env = {k: v for k, v in (env or os.environ).items() if k != "GRADER_SEED"}
    return subprocess.run([sys.executable, "-m", "grader", *map(str, args)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=timeout, **kw)


def batch(folder, db, *extra, jobs=1) -> subprocess.CompletedProcess:
    proc = grader("batch", folder, "--gradebook", db, "--jobs", jobs, "--only", *ONLY, *extra)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def export(db, out) -> list[dict]:
    proc = grader("export", db, "--csv", out)
    assert proc.returncode == 0, proc.stderr
    with open(out, newline="") as f:
        return list(csv.DictReader(f))


def copy_solutions(dest):
    shutil.copytree(os.path.join(REPO, "solutions"), dest, ignore=shutil.ignore_patterns("__pycache__"))


def copy_exercises(dest):
    shutil.copytree(os.path.join(REPO, "exercises"), dest, ignore=shutil.ignore_patterns("__pycache__"))


def zip_solutions(dest):
    with zipfile.ZipFile(dest, "w") as z:
        for name in sorted(os.listdir(os.path.join(REPO, "solutions"))):
            if name.endswith(".py"):
                z.write(os.path.join(REPO, "solutions", name), f"hw/{name}")


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    """A folder of four entries, graded once; the other tests build on its gradebook."""
    root = tmp_path_factory.mktemp("klass")
    subs = root / "subs"
    subs.mkdir()
    copy_solutions(subs / "alice")
    copy_exercises(subs / "bob")
    zip_solutions(subs / "carol.zip")
    (subs / "notes.txt").write_text("not a submission\n")
    db = root / "grades.db"
    proc = batch(subs, db, "--feedback", root / "feedback")
    return {"root": root, "subs": subs, "db": db, "proc": proc, "csv": export(db, root / "grades.csv")}


def full_marks(results: dict) -> bool:
    return all(t["score"] == t["max_score"] for t in results["tests"]) and results["tests"]


def test_batch_gives_the_expected_csv(klass):
    rows = {r["student"]: r for r in klass["csv"]}
    assert list(rows) == ["alice", "bob", "carol", "notes.txt"]
    assert list(klass["csv"][0]) == ["student", *MODULES, "total"]
    for student in rows:
        assert all(rows[student][m] == "" for m in MODULES if m not in ONLY), "ungraded exercises stay empty"
    fb = klass["root"] / "feedback"
    for student in ("alice", "carol"):
        results = json.loads((fb / f"{student}.json").read_text())
        assert full_marks(results)
        assert float(rows[student]["total"]) == results["score"] > 0
        assert all(float(rows[student][m]) > 0 for m in ONLY)
    for student in ("bob", "notes.txt"):
        assert all(rows[student][m] == "0" for m in ONLY) and rows[student]["total"] == "0"
    assert "not a submission" in (fb / "notes.txt.txt").read_text()
    assert "notes.txt" in klass["proc"].stderr and "not a submission" in klass["proc"].stderr


def test_rerun_skips_everything(klass):
    before = sqlite3.connect(klass["db"]).execute("SELECT student, graded_at, seconds FROM grades").fetchall()
    proc = batch(klass["subs"], klass["db"])
    assert "Nothing to grade: all 4 submissions are already graded" in proc.stdout
    after = sqlite3.connect(klass["db"]).execute("SELECT student, graded_at, seconds FROM grades").fetchall()
    assert before == after


def test_regrade_redoes_everything(klass):
    proc = batch(klass["subs"], klass["db"], "--regrade")
    assert "Graded 4 of 4" in proc.stdout
    assert export(klass["db"], klass["root"] / "again.csv") == klass["csv"]


def test_a_changed_submission_is_regraded(klass, tmp_path):
    subs = tmp_path / "subs"
    shutil.copytree(klass["subs"], subs)
    db = tmp_path / "grades.db"
    shutil.copy(klass["db"], db)
    shutil.copy(os.path.join(REPO, "solutions", "blur_kernel.py"), subs / "bob" / "blur_kernel.py")
    proc = batch(subs, db)
    assert "Graded 1 of 1" in proc.stdout
    rows = {r["student"]: r for r in export(db, tmp_path / "g.csv")}
    assert float(rows["bob"]["blur_kernel"]) > 0 and rows["bob"]["diagonal_edges"] == "0"


# ----------------------------------------------------------------------------- crash safety

def process_table() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, start time) of every process."""
    table = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            table[int(pid)] = (int(fields[1]), fields[19])
        except (OSError, IndexError, ValueError):
            pass
    return table


def descendants(root: int) -> set[tuple[int, str]]:
    table = process_table()
    found, frontier = set(), {root}
    while frontier:
        kids = {p for p, (pp, _) in table.items() if pp in frontier}
        found |= {(p, table[p][1]) for p in kids}
        frontier = kids
    return found


def cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def survivors(procs: set[tuple[int, str]]) -> list[str]:
    """Those of ``procs`` still running (not zombies), with their command lines."""
    table = process_table()
    out = []
    for pid, start in procs:
        if pid in table and table[pid][1] == start:
            try:
                with open(f"/proc/{pid}/stat") as f:
                    state = f.read().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if state != "Z":
                out.append(f"{pid} {cmdline(pid)[:120]}")
    return out


def committed(db) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute("SELECT COUNT(*) FROM grades").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def class_of(folder, n):
    folder.mkdir()
    for i in range(n):
        (copy_solutions if i % 2 == 0 else copy_exercises)(folder / f"s{i:02d}")
    (folder / "stray.py").write_text("print('hi')\n")


def test_kill_9_then_resume_matches_an_uninterrupted_run(tmp_path):
    subs, n = tmp_path / "subs", 6
    class_of(subs, n)
    db = tmp_path / "killed.db"
    cmd = [sys.executable, "-m", "grader", "batch", str(subs), "--gradebook", str(db), "--jobs", "2",
           "--only", *ONLY, "-q"]
    proc = subprocess.Popen(cmd, cwd=REPO, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while committed(db) < 1:
        assert proc.poll() is None and time.monotonic() < deadline, "the batch ended before any commit"
        time.sleep(0.02)
    tree = descendants(proc.pid)
    commands = [cmdline(pid) for pid, _ in tree]
    assert any("batch_worker" in c for c in commands) and any("runtime.py" in c for c in commands), commands
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_at_kill = committed(db)
    assert 1 <= done_at_kill < n + 1, "the batch had already finished: nothing was interrupted"
    deadline = time.monotonic() + 10
    while survivors(tree) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert survivors(tree) == [], "processes of the killed batch outlived it"

    resumed = batch(subs, db)
    assert f"{done_at_kill} already graded, skipped" in resumed.stdout
    reference = tmp_path / "reference.db"
    batch(subs, reference)
    assert export(db, tmp_path / "resumed.csv") == export(reference, tmp_path / "reference.csv")
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*), COUNT(DISTINCT student) FROM grades").fetchone() == (n + 1, n + 1)
    assert conn.execute("SELECT COUNT(*) FROM exercise_points").fetchone()[0] == (n + 1) * len(ONLY)


def test_a_hung_grader_is_a_zero_and_the_batch_goes_on(tmp_path):
    subs = tmp_path / "subs"
    copy_solutions(subs / "bob")
    (subs / "notes.txt").write_text("x")
    db = tmp_path / "grades.db"
    slow = subs / "bob" / "blur_kernel.py"
    source = slow.read_text()
    slow.write_text("import time\ntime.sleep(3)\n" + source)  # stands for anything that stalls a grader
    proc = batch(subs, db, "--timeout", "1")
    assert "1 grader error" in proc.stdout and "restarted" in proc.stdout
    conn = sqlite3.connect(db)
    rows = dict(conn.execute("SELECT student, status FROM grades"))
    assert rows == {"bob": "grader_error", "notes.txt": "unreadable"}
    results = json.loads(conn.execute("SELECT results FROM grades WHERE student = 'bob'").fetchone()[0])
    assert results["score"] == 0 and results["tests"] and "longer than 1 s" in results["output"]
    slow.write_text(source)
    again = batch(subs, db)
    assert "Graded 1 of 1" in again.stdout, "a grader error is retried by the next run"
    assert dict(conn.execute("SELECT student, status FROM grades"))["bob"] == "graded"


# ----------------------------------------------------------------------------- forked graders

def graders_of(batch_pid: int) -> list[tuple[int, int]]:
    """(pid, parent pid) of the batch's grader processes (not zombies)."""
    table = process_table()
    found = []
    for pid, (ppid, start) in table.items():
        if "grader.batch_worker" in cmdline(pid) and survivors({(pid, start)}):
            found.append((pid, ppid))
    return sorted(p for p in found if p[1] == batch_pid or p[0] in {d for d, _ in descendants(batch_pid)})


def slow_class(folder, n, seconds=0.4):
    """n right answers that each take ``seconds`` to load: a batch that runs long enough to look at."""
    folder.mkdir()
    for i in range(n):
        copy_solutions(folder / f"s{i:02d}")
        slow = folder / f"s{i:02d}" / "blur_kernel.py"
        slow.write_text(f"import time\ntime.sleep({seconds})\n" + slow.read_text())


def test_graders_are_forked_from_the_first_and_adopted_by_the_batch(tmp_path):
    """torch is imported once for the first graders: the others are forked from the first one, then
    adopted by the batch process (a subreaper), so that none depends on the grader that forked it."""
    subs = tmp_path / "subs"
    slow_class(subs, 6)
    db = tmp_path / "forked.db"
    proc = subprocess.Popen([sys.executable, "-m", "grader", "batch", str(subs), "--gradebook", str(db),
                             "--jobs", "3", "--only", *ONLY, "-q"], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline, seen = time.monotonic() + 180, []
    while committed(db) < 1 and time.monotonic() < deadline and proc.poll() is None:
        seen = graders_of(proc.pid) or seen
        time.sleep(0.05)
    seen = graders_of(proc.pid) or seen
    out, err = proc.communicate(timeout=240)
    assert proc.returncode == 0, out + err
    assert len(seen) == 3 and all(ppid == proc.pid for _, ppid in seen), seen
    reference = tmp_path / "reference.db"
    env = {**os.environ, "GRADER_FORK_GRADERS": "0"}
    plain = grader("batch", subs, "--gradebook", reference, "--jobs", "2", "--only", *ONLY, "-q", env=env)
    assert plain.returncode == 0, plain.stderr
    assert export(db, tmp_path / "a.csv") == export(reference, tmp_path / "b.csv")
    assert all(row["total"] == "20" for row in export(db, tmp_path / "a.csv"))


@pytest.mark.parametrize("victim", ["the first", "a forked one"])
def test_a_grader_that_dies_takes_no_other_grader_along(tmp_path, victim):
    """Killed mid-batch, the grader that forked the others or one it forked: the others go on, and
    the batch notices the end (no other process holds a copy of the dead grader's pipes)."""
    subs = tmp_path / "subs"
    slow_class(subs, 8)
    db = tmp_path / "grades.db"
    proc = subprocess.Popen([sys.executable, "-m", "grader", "batch", str(subs), "--gradebook", str(db),
                             "--jobs", "3", "--only", *ONLY], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 180
    while committed(db) < 1:
        assert proc.poll() is None and time.monotonic() < deadline, "the batch ended before any commit"
        time.sleep(0.02)
    graders = graders_of(proc.pid)  # sorted by pid: the first started is the one that forked the others
    assert len(graders) == 3, graders
    killed = graders[0] if victim == "the first" else graders[1]
    os.kill(killed[0], signal.SIGKILL)
    time.sleep(0.3)
    alive = [pid for pid, _ in graders_of(proc.pid)]
    assert all(pid in alive for pid, _ in graders if pid != killed[0]), "a grader died with another"
    out, err = proc.communicate(timeout=240)
    assert proc.returncode == 0, out + err
    assert "restarted" in out
    conn = sqlite3.connect(db)
    statuses = [s for (s,) in conn.execute("SELECT status FROM grades")]
    assert len(statuses) == 8 and statuses.count("grader_error") <= 1, statuses  # the one it was grading
    again = batch(subs, db)
    rows = export(db, tmp_path / "after.csv")
    assert len(rows) == 8 and all(row["total"] == "20" for row in rows), (again.stdout, rows)


STUCK_FIRST = r'''
import json, os, signal, sys, time
from grader import pool

pool.FORK_SECONDS = 3.0
start_first = pool.Pool._start_first

def stopped_first(self, count):
    start_first(self, count)
    os.kill(self.graders[0].proc.pid, signal.SIGSTOP)  # stuck before it could fork the others

pool.Pool._start_first = stopped_first
results, errors = [], []
p = pool.Pool(2, lambda task, message: results.append(message["status"]),
              lambda task, reason, detail: errors.append(reason), task_timeout=120, startup_timeout=120)
tasks = [{"id": i, "student": f"s{i}", "path": sys.argv[1], "seed": 3, "modules": ["diagonal_edges"]}
         for i in range(3)]
t = time.monotonic()
p.run(tasks)
print(json.dumps({"results": results, "errors": errors, "seconds": time.monotonic() - t,
                  "restarts": p.restarts}))
'''


def test_a_first_grader_stuck_before_it_forks_does_not_hold_up_the_batch():
    """The others are replaced by graders started as commands once FORK_SECONDS have passed."""
    proc = subprocess.run([sys.executable, "-c", STUCK_FIRST, os.path.join(REPO, "solutions")], cwd=REPO,
                          capture_output=True, text=True, timeout=200)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["results"] == ["graded"] * 3 and out["errors"] == [] and out["restarts"] >= 1, out
    assert out["seconds"] < 60, out


SIBLING_ORPHANED = r'''
import os, sys, time
from types import SimpleNamespace
from grader import batch_worker

r, w = os.pipe()
ar, aw = os.pipe()
log = os.open(os.devnull, os.O_WRONLY)
zygote = SimpleNamespace(abandon=lambda: None)
channel = SimpleNamespace(close=lambda: None)
pid = os.fork()
if pid == 0:  # its parent is this process, neither the batch (pid 1 here) nor the middle process
    batch_worker.run_sibling((1, r, aw, log), [(1, r, aw, log)], 1, os.getppid() + 10**6, zygote, channel)
t = time.monotonic()
_, status = os.waitpid(pid, 0)
print(os.waitstatus_to_exitcode(status), round(time.monotonic() - t, 2))
'''


def test_a_sibling_whose_batch_is_gone_ends_at_once():
    """Forked while the batch was killed, it is adopted by another process: it must not wait."""
    proc = subprocess.run([sys.executable, "-c", SIBLING_ORPHANED], cwd=REPO, capture_output=True, text=True,
                          timeout=60)
    code, seconds = proc.stdout.split()
    assert code == "1" and float(seconds) < 2, proc.stdout + proc.stderr
