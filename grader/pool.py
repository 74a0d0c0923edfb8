"""The parent's side of ``grader batch``: parallel grader processes, fed one task at a time.

Each grader is ``python -m grader.batch_worker`` (see there), a trusted process that
keeps one warm zygote for all its submissions. The parent talks JSON lines to it
over pipes and never runs or unpickles anything. A grader that ends while grading
(a crash) or does not answer in time (a hang) is killed and replaced; its
submission is handed to ``on_error`` and the batch goes on.

The first graders of a batch share one import of torch and the checks: the first is
started as a command, and once it has imported them it forks the others ("siblings"),
each with the pipes this process made for it. A sibling is then adopted by this process
(PR_SET_CHILD_SUBREAPER; the first grader forks through a short-lived middle process),
so that it dies with this process and not with the first grader: the graders stay
independent, as if each had been started on its own. Graders started later, to replace
one that ended, are started as commands. Where a process cannot become a subreaper (not
Linux), every grader is started as a command.
"""
from __future__ import annotations

import collections
import ctypes
import itertools
import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time

import grader

REPO = os.path.dirname(os.path.dirname(os.path.abspath(grader.__file__)))
MAX_STARTUP_FAILURES = 3  # graders that die before they are ready, in a row: the machine cannot grade
MAX_CRASHES = 5           # submissions in a row that end their grader: a bug of ours, not of theirs
FORK_SECONDS = 60.0       # a sibling not forked by then (the first grader is stuck) is replaced by a command
PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> bool:
    """Adopt the orphans of our descendants (the forked graders); False where that is not possible."""
    if os.environ.get("GRADER_FORK_GRADERS") == "0" or not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


class Forked:
    """A sibling grader as the parent sees it: the calls of a ``subprocess.Popen`` the pool uses.

    Its pid is known once it says so (the "forked" message, sent after this process adopted
    it); before that it can only be let go by closing its pipes.
    """

    def __init__(self, task_fd: int, answer_fd: int):
        self.pid: int | None = None
        self.returncode: int | None = None
        self.stdin = os.fdopen(task_fd, "wb")
        self.stdout = os.fdopen(answer_fd, "rb", buffering=0)

    def poll(self) -> int | None:
        if self.returncode is None and self.pid is not None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                self.returncode = 255  # reaped elsewhere: its status is lost
            else:
                if pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.pid is None:
            return 255 if self.returncode is None else self.returncode  # never adopted: nothing to wait for
        end = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if end is not None and time.monotonic() > end:
                raise subprocess.TimeoutExpired(f"grader {self.pid}", timeout)
            time.sleep(0.005)
        return self.returncode

    def kill(self) -> None:
        if self.pid is not None and self.poll() is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass


class BatchAborted(Exception):
    """The graders cannot run at all; what was committed stays committed."""


class Grader:
    """One grader process, seen from the parent."""

    def __init__(self, slot: int, startup_timeout: float, siblings=(), forked: Forked | None = None,
                 log=None):
        """Started as a command, which forks ``siblings`` (slot, task, answer and log fds each)
        once it is warm; or ``forked``: the parent's ends of a sibling's pipes, and its ``log``."""
        self.slot = slot
        self.log = log if log is not None else tempfile.TemporaryFile()  # its stderr, shown when it ends
        if forked is not None:
            self.proc = forked
        else:
            env = dict(os.environ)
            env["PYTHONPATH"] = os.pathsep.join(p for p in (REPO, env.get("PYTHONPATH")) if p)
            spec = ";".join(",".join(map(str, sibling)) for sibling in siblings)
            self.proc = subprocess.Popen(
                [sys.executable, "-P", "-m", "grader.batch_worker", str(slot), str(os.getpid()),
                 *(["--siblings", spec] if spec else [])],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, close_fds=True, env=env,
                pass_fds=[fd for sibling in siblings for fd in sibling[1:]])
        self.buffer = b""
        self.ready = False
        self.task: dict | None = None
        self.deadline = time.monotonic() + (min(startup_timeout, FORK_SECONDS) if forked is not None
                                            else startup_timeout)

    def fileno(self) -> int:
        return self.proc.stdout.fileno()

    def assign(self, task: dict, timeout: float) -> None:
        self.task = task
        task["started"] = time.monotonic()
        self.deadline = task["started"] + timeout
        self.proc.stdin.write((json.dumps(task) + "\n").encode())
        self.proc.stdin.flush()

    def messages(self) -> list[dict] | None:
        """What arrived, or None when the grader is gone (or spoke something that is not our protocol)."""
        data = os.read(self.fileno(), 1 << 20)
        if not data:
            return None
        self.buffer += data
        *lines, self.buffer = self.buffer.split(b"\n")
        try:
            messages = [json.loads(line) for line in lines if line.strip()]
        except ValueError:
            return None
        return messages if all(isinstance(m, dict) for m in messages) else None

    def stop(self) -> None:
        """Close its task pipe: it finishes, closes its zygote and exits."""
        try:
            self.proc.stdin.close()
        except OSError:
            pass

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()
        self.stop()
        self.proc.stdout.close()

    def describe_end(self) -> str:
        code = self.proc.wait()
        how = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
        self.log.seek(0, os.SEEK_END)
        size = self.log.tell()
        self.log.seek(max(0, size - 2000))
        tail = self.log.read().decode("utf-8", "replace").strip()
        return f"the grader process {how}" + (f"; its last output:\n{tail}" if tail else "")


class Pool:
    """Run tasks on ``jobs`` graders; ``on_result(task, message)`` and ``on_error(task, reason)``."""

    def __init__(self, jobs: int, on_result, on_error, *, task_timeout: float = 300.0,
                 startup_timeout: float = 240.0):
        self.jobs = max(1, jobs)
        self.on_result = on_result
        self.on_error = on_error
        self.task_timeout = task_timeout
        self.startup_timeout = startup_timeout
        self.slots = itertools.count()
        self.selector = selectors.DefaultSelector()
        self.graders: list[Grader] = []
        self.startup_failures = 0
        self.crashes = 0
        self.restarts = 0

    def _start(self) -> Grader:
        return self._add(Grader(next(self.slots), self.startup_timeout))

    def _add(self, g: Grader) -> Grader:
        self.selector.register(g, selectors.EVENT_READ, g)
        self.graders.append(g)
        return g

    def _start_first(self, count: int) -> None:
        """``count`` graders: one started as a command, the others forked from it once it is warm."""
        if count < 2 or not become_subreaper():
            for _ in range(count):
                self._start()
            return
        slots = [next(self.slots) for _ in range(count)]
        theirs, ours = [], []
        for slot in slots[1:]:
            task_r, task_w = os.pipe()
            answer_r, answer_w = os.pipe()
            log = tempfile.TemporaryFile()
            theirs.append((slot, task_r, answer_w, log.fileno()))
            ours.append((slot, task_w, answer_r, log))
        try:
            self._add(Grader(slots[0], self.startup_timeout, siblings=theirs))
        finally:
            for _, task_r, answer_w, _ in theirs:
                os.close(task_r)
                os.close(answer_w)
        for slot, task_w, answer_r, log in ours:
            self._add(Grader(slot, self.startup_timeout, forked=Forked(task_w, answer_r), log=log))

    def reap_orphans(self) -> None:
        """Reap adopted processes that are not graders (what a grader that ended left behind)."""
        known = {g.proc.pid for g in self.graders if g.proc.pid is not None}
        while True:
            try:
                info = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            except (ChildProcessError, OSError, AttributeError):  # AttributeError: no waitid here
                return
            if info is None or info.si_pid in known:
                return  # a grader's end is read by its own handle
            try:
                os.waitpid(info.si_pid, 0)
            except ChildProcessError:
                return

    def _retire(self, g: Grader, reason: str, pending) -> None:
        """g ended or hung: record its submission as a grader error, replace it if work is left."""
        self.selector.unregister(g)
        self.graders.remove(g)
        g.kill()  # a no-op for one that already ended
        detail = g.describe_end()
        task, g.task = g.task, None
        if task is not None:
            self.crashes += 1
            self.on_error(task, reason, detail)
            if self.crashes >= MAX_CRASHES:
                raise BatchAborted(f"{MAX_CRASHES} submissions in a row ended their grader process; "
                                   f"the last one: {reason}; {detail}")
        elif not g.ready and not (isinstance(g.proc, Forked) and g.proc.pid is None):
            # (a sibling that never said it was adopted fails with the grader that forks it: counted once)
            self.startup_failures += 1
            if self.startup_failures >= MAX_STARTUP_FAILURES:
                raise BatchAborted(f"the grader processes cannot start ({reason}); {detail}")
        if pending:
            self.restarts += 1
            self._start()

    def _handle(self, g: Grader, message: dict, pending) -> None:
        op = message.get("op")
        if op == "forked" and isinstance(g.proc, Forked) and g.proc.pid is None and not g.ready \
                and type(message.get("pid")) is int and message["pid"] > 1:
            g.proc.pid = message["pid"]
            g.deadline = time.monotonic() + self.startup_timeout  # now it starts its zygote
        elif op == "ready":
            g.ready, g.deadline = True, float("inf")
            self.startup_failures = 0
        elif op == "result" and g.task is not None and message.get("id") == g.task["id"]:
            task, g.task, g.deadline = g.task, None, float("inf")
            self.crashes = 0
            self.on_result(task, message)
        else:
            self._retire(g, f"the grader process sent an unexpected message ({str(op)[:40]})", pending)

    def run(self, tasks) -> None:
        pending = collections.deque(tasks)
        self._start_first(min(self.jobs, len(pending)))
        try:
            while pending or any(g.task is not None for g in self.graders):
                for g in list(self.graders):
                    if g.ready and g.task is None and pending:
                        try:
                            g.assign(pending.popleft(), self.task_timeout)
                        except OSError:
                            self._retire(g, "the grader process ended before it took the submission", pending)
                for key, _ in self.selector.select(timeout=0.5):
                    g = key.data
                    if g not in self.graders:
                        continue
                    messages = g.messages()
                    if messages is None:
                        self._retire(g, "the grader process ended while grading this submission", pending)
                        continue
                    for message in messages:
                        if g in self.graders:
                            self._handle(g, message, pending)
                now = time.monotonic()
                for g in list(self.graders):
                    if now > g.deadline:
                        what = (f"grading took longer than {self.task_timeout:g} s" if g.task is not None
                                else f"the grader process did not start within {self.startup_timeout:g} s")
                        self._retire(g, what, pending)
                if not self.graders and pending:
                    self._start()
                self.reap_orphans()
        finally:
            self.close()

    def close(self) -> None:
        for g in self.graders:
            g.stop()
        deadline = time.monotonic() + 10
        for g in self.graders:
            try:
                g.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            g.kill()
            self.selector.unregister(g)
        self.graders.clear()
        self.reap_orphans()
