"""The parent's side of ``grader batch``: parallel grader processes, fed one task at a time.

Each grader is ``python -m grader.batch_worker`` (see there), a trusted process that
keeps one warm zygote for all its submissions. The parent talks JSON lines to it
over pipes and never runs or unpickles anything. A grader that ends while grading
(a crash) or does not answer in time (a hang) is killed and replaced; its
submission is handed to ``on_error`` and the batch goes on.
"""
from __future__ import annotations

import collections
import itertools
import json
import os
import selectors
import subprocess
import sys
import tempfile
import time

import grader

REPO = os.path.dirname(os.path.dirname(os.path.abspath(grader.__file__)))
MAX_STARTUP_FAILURES = 3  # graders that die before they are ready, in a row: the machine cannot grade
MAX_CRASHES = 5           # submissions in a row that end their grader: a bug of ours, not of theirs


class BatchAborted(Exception):
    """The graders cannot run at all; what was committed stays committed."""


class Grader:
    """One grader process, seen from the parent."""

    def __init__(self, slot: int, startup_timeout: float):
        self.slot = slot
        self.log = tempfile.TemporaryFile()  # its stderr, shown when it ends unexpectedly
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (REPO, env.get("PYTHONPATH")) if p)
        self.proc = subprocess.Popen(
            [sys.executable, "-P", "-m", "grader.batch_worker", str(slot), str(os.getpid())],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, close_fds=True, env=env)
        self.buffer = b""
        self.ready = False
        self.task: dict | None = None
        self.deadline = time.monotonic() + startup_timeout

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
        g = Grader(next(self.slots), self.startup_timeout)
        self.selector.register(g, selectors.EVENT_READ, g)
        self.graders.append(g)
        return g

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
        elif not g.ready:
            self.startup_failures += 1
            if self.startup_failures >= MAX_STARTUP_FAILURES:
                raise BatchAborted(f"the grader processes cannot start ({reason}); {detail}")
        if pending:
            self.restarts += 1
            self._start()

    def _handle(self, g: Grader, message: dict, pending) -> None:
        op = message.get("op")
        if op == "ready":
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
        for _ in range(min(self.jobs, len(pending))):
            self._start()
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
