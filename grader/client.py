"""Trusted side of the worker: start the zygote, fork children, talk plain data to them."""
from __future__ import annotations

import contextlib
import itertools
import json
import os
import secrets
import select
import signal
import socket
import subprocess
import sys
import time

from grader import sandbox
from grader.worker.protocol import (CHARGE_HEADROOM, FIRST_CHILD_UID, ProtocolError, check_reply, decode, recv_msg,
                                    send_request)


class WorkerTimeout(Exception):
    """A request did not finish in time; the child was killed."""


class WorkerDied(Exception):
    """The child ended (os._exit, a signal, a resource limit) or answered garbage."""


class WorkerMalformed(WorkerDied):
    """The child answered something that is not a well-formed reply: the submission's doing
    (student code shares the child's process and can write to its socket)."""

    MESSAGE = "the worker sent a malformed answer"


class Zygote:
    """One warm worker process (torch imported once) that forks a child per exercise."""

    _ids = itertools.count(1)

    def __init__(self, slot: int = 0, start_timeout: float = 180.0, *, preload=()):
        """``preload``: heavy libraries ("scipy", "optim"; see ``submission.libraries_used``) to
        import at start, besides torch and sympy; ``ensure`` adds more later, when a
        submission needs them."""
        self.slot = slot
        self.start_timeout = start_timeout
        self.preload = tuple(preload)
        self._start()

    def _start(self) -> None:
        self.plan = sandbox.worker_command()
        self._mode = self.plan.mode  # "bwrap" or "none"; after the audit "users" when that is what protects
        self._sandbox = self.plan.mode
        self.audited: dict | None = None
        self.control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.proc = subprocess.Popen(
            self.plan.cmd, stdin=theirs, stdout=subprocess.DEVNULL,
            stderr=None if os.environ.get("GRADER_DEBUG") else subprocess.DEVNULL,
            env={**self.plan.env, "GRADER_PRELOAD": ",".join(self.preload)},
            start_new_session=True, close_fds=True,
        )
        theirs.close()
        self.ready = False
        self.spare: Child | None = None  # forked ahead for the next spawn (see prespawn)
        self.spare_limits: dict | None = None
        self.loaded = set(self.preload)  # heavy libraries this zygote has imported
        self.counter = 0
        # uids of their own: a random block, so that two graders on one machine never share one
        self.uid_base = FIRST_CHILD_UID + secrets.randbelow(4000) * 500_000 + (self.slot % 50) * 10_000
        self.owed: list[str] = []  # the replies due for messages sent without waiting, in order
        # the audit child, asked for now: the zygote forks it before its imports (it runs no student
        # code and needs none), so that the audit is done by the time the zygote is ready
        self.audit_child: Child | None = None
        try:
            self.audit_child = self._fork({"memory_bytes": 1 << 30}, audit=True, wait=False)
        except OSError:
            pass

    def audit(self, memory_bytes: int = 1 << 30) -> dict:
        """Before any student code: ask a child, with the uid and view student code will have,
        which secrets it can read and which isolation it got; name what protected (the report's
        sandbox line), loudly when a secret is readable. The child is the one asked for at the
        zygote's start, when there is one (it may not be forked yet: then the answer waits for
        the zygote's imports too), else a new one."""
        child, self.audit_child = self.audit_child, None
        if child is None or child.closed:
            self.wait_ready()
            child = self._fork({"memory_bytes": 1 << 30}, audit=True)
        try:
            reply = child.request({"op": "audit", "paths": sandbox.secret_paths()},
                                  60 if self.ready else self.start_timeout + 60)
            facts = decode(reply.get("value"))
            if not isinstance(facts, dict):
                raise WorkerDied("no audit")
        except (WorkerDied, WorkerTimeout, ProtocolError) as exc:
            facts = {"error": str(exc)}
        finally:
            child.close()
        self.audited = facts
        self._mode, self._sandbox = describe(self.plan, facts, memory_bytes)
        if self._mode == "none" and facts.get("readable"):
            print(f"grader: WARNING: sandbox: {self._sandbox}", file=sys.stderr)
        return facts

    @property
    def sandbox(self) -> str:
        """The report's sandbox line (after "sandbox: "), from the audit, made when first asked."""
        if self.audited is None:
            try:
                if not self.alive():
                    self.restart()
                self.audit()
            except (WorkerDied, WorkerTimeout, OSError) as exc:
                self.audited = {"error": str(exc)}
        return self._sandbox

    @property
    def mode(self) -> str:
        """"bwrap", "users" (user separation only) or "none", from the audit."""
        self.sandbox  # noqa: B018 - runs the audit when not done yet
        return self._mode

    def _reply(self, timeout: float) -> dict:
        """The zygote's next reply, after those due for messages sent without waiting."""
        while self.owed:
            expected = self.owed.pop(0)
            if self._read(timeout).get("op") != expected:
                raise WorkerDied("the worker answered out of order")
        return self._read(timeout)

    def _read(self, timeout: float) -> dict:
        self.control.settimeout(timeout)
        try:
            data = self.control.recv(65536)
        except socket.timeout:
            raise WorkerTimeout("the worker did not answer") from None
        if not data:
            raise WorkerDied("the worker process ended")
        try:
            reply = json.loads(data)
        except ValueError:
            raise WorkerDied("the worker sent a malformed control message") from None
        if not isinstance(reply, dict):
            raise WorkerDied("the worker sent a malformed control message")
        return reply

    def wait_ready(self) -> None:
        if self.ready:
            return
        self.control.sendall(b'{"op": "ping"}')
        self._reply(self.start_timeout)
        self.ready = True

    def preload_soon(self, libraries) -> None:
        """Ask the zygote, without waiting, to import these heavy libraries before its first fork
        for a submission (a cold grade: the zygote starts before the submission is read)."""
        missing = sorted(set(libraries) - self.loaded)
        if missing and self.alive():
            self.control.sendall(json.dumps({"op": "preload", "libraries": missing}).encode())
            self.owed.append("preloaded")
            self.loaded.update(missing)

    def ensure(self, libraries) -> None:
        """Have the zygote import these heavy libraries before the next fork (once each): the
        children of a class batch then share them instead of importing them one by one."""
        missing = sorted(set(libraries) - self.loaded)
        if not missing:
            return
        if not self.alive():
            self.restart()
        self.wait_ready()
        self.drop_spare()  # forked before these were imported: a child forked after them shares them
        self.control.sendall(json.dumps({"op": "preload", "libraries": missing}).encode())
        self._reply(self.start_timeout)
        self.loaded.update(missing)

    def uid(self) -> int:
        self.counter = (self.counter + 1) % 10_000
        return self.uid_base + self.counter

    def restart(self) -> None:
        self.drop_spare()
        self.close()
        self._start()

    def spawn(self, limits: dict, audit: bool = True) -> "Child":
        spare = self.take_spare(limits)
        if spare is not None:
            return spare
        if not self.alive():
            self.restart()
        if audit and self.audited is None:  # first: the audit child may be ready before the zygote
            self.audit(int(limits.get("memory_bytes", 1 << 30)))
        self.wait_ready()
        return self._fork(limits)

    def prespawn(self, limits: dict) -> None:
        """Fork the next child now, while the grader has other work (a class batch, between two
        submissions): joining its cgroups, dropping root and setting its limits take 10 to 20 ms
        that a submission then does not wait for. The child is the same as one forked later: it
        runs nothing until its first request, which ``spawn`` hands it. A spare that is not used
        (other limits, a library imported since, the end of the batch) is ended unused."""
        if self.spare is not None or self.audited is None or not self.alive() or not self.ready:
            return
        try:
            self.spare = self._fork(limits)
            self.spare_limits = dict(limits)
        except (WorkerDied, WorkerTimeout, OSError):
            self.spare = None

    def take_spare(self, limits: dict) -> "Child | None":
        spare, self.spare = self.spare, None
        if spare is None:
            return None
        if spare.closed or limits != self.spare_limits or not self.alive() or not spare.idle():
            spare.close()
            return None
        return spare

    def drop_spare(self) -> None:
        spare, self.spare = self.spare, None
        if spare is not None:
            spare.close()

    def _fork(self, limits: dict, *, audit: bool = False, wait: bool = True) -> "Child":
        """A new child. ``audit``: one that answers only the audit (the zygote may fork it before
        its imports); ``wait``: read the zygote's answer now, else later, before any other."""
        child_id = next(self._ids)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        request = {"op": "spawn", "id": child_id, "uid": self.uid(), "limits": limits}
        if audit:
            request["audit"] = True
        try:
            socket.send_fds(self.control, [json.dumps(request).encode()], [theirs.fileno()])
            if wait:
                self._reply(30)
            else:
                self.owed.append("spawned")
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        return Child(self, child_id, ours)

    def send(self, request: dict) -> None:
        try:
            self.control.sendall(json.dumps(request).encode())
        except OSError:
            pass

    def alive(self) -> bool:
        return self.proc.poll() is None

    def abandon(self) -> None:
        """In a process forked from the one that started this zygote: let go of our copy of its
        control socket, and never stop it from here (``close`` does nothing after this)."""
        self.abandoned = True
        self.control.close()
        if self.audit_child is not None:
            self.audit_child.closed = True
            self.audit_child.sock.close()

    def close(self) -> None:
        """End the zygote and every child: killing bubblewrap ends its PID namespace."""
        if getattr(self, "abandoned", False):
            return
        self.drop_spare()
        if self.audit_child is not None:
            self.audit_child.close()
            self.audit_child = None
        if self.plan.mode == "none" and self.alive():  # no namespace: the zygote kills its children
            self.send({"op": "exit"})
            try:
                self.proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        self.proc.wait()
        self.control.close()
        sandbox.remove_cgroups(self.plan.cgroups)


def describe(plan, facts: dict, memory_bytes: int) -> tuple[str, str]:
    """(mode, the report's sandbox line after "sandbox: ") from what the audit child found.

    Modes: "bwrap" (bubblewrap), "users" (no bubblewrap; student code as its own
    unprivileged uid that can read none of the secrets), "none" (neither).
    """
    readable = [str(p) for p in facts.get("readable") or []]
    separated = isinstance(facts.get("uid"), int) and facts["uid"] != 0 and facts["uid"] != os.geteuid()
    bounds = [plan.bounds(memory_bytes) if facts.get("cgroup") else
              f"memory: {sandbox._gib(memory_bytes)} per process (rlimit), "
              f"{sandbox._gib(memory_bytes + CHARGE_HEADROOM)} per submission (no cgroup here: summed by the "
              "worker four times a second)" if facts.get("sweep") else
              f"memory: {sandbox._gib(memory_bytes)} per process (rlimit; no cgroup here)"]
    if plan.mode == "bwrap" or facts.get("view"):
        bounds.append(f"/tmp: {sandbox._gib(sandbox.TMP_BYTES)}")
    bounds.append("IPC: own namespace" if facts.get("ipc") else
                  "IPC: objects removed after each submission" if facts.get("sweep") else
                  "IPC: shared (not root)")
    if facts.get("network"):
        bounds.append("network: not cut off")
    if plan.mode != "bwrap" and getattr(plan, "why_not_bwrap", ""):
        bounds.append(f"bubblewrap not used: {plan.why_not_bwrap}")
    detail = "; ".join(bounds)
    if "error" in facts:
        return plan.mode, f"{plan.mode}; not verified ({facts['error'][:100]}); {detail}"
    if readable:
        return "none", f"none, secrets readable ({', '.join(readable[:4])}); {detail}"
    if plan.mode == "bwrap":
        return "bwrap", f"bwrap; {detail}"
    if separated:
        view = "own file system view" if facts.get("view") else "file permissions"
        return "users", f"users; {view}; {detail}"
    return "none", f"none; {detail}"


class Child:
    """One forked worker child, serving requests for one exercise of one submission."""

    def __init__(self, zygote: Zygote, child_id: int, sock: socket.socket):
        self.zygote = zygote
        self.id = child_id
        self.sock = sock
        self.closed = False

    def request(self, message: dict, timeout: float) -> dict:
        """Send one request and read the whole reply before one absolute deadline.

        However the reply trickles in (student code can write to this socket), it must be
        complete ``timeout`` seconds after the request went out. Anything wrong with the
        reply, in any field, is WorkerMalformed: the submission's fault, never the grader's.
        """
        if self.closed:
            raise WorkerDied("the worker was already stopped")
        deadline = time.monotonic() + timeout
        nonce = secrets.token_hex(12)  # echoed by the worker: a reply forged in advance cannot know it
        with self._failures(timeout):
            self.sock.settimeout(max(0.05, timeout))
            send_request(self.sock, {**message, "nonce": nonce})
            reply = check_reply(recv_msg(self.sock, deadline=deadline), cells=len(message.get("cells") or ()))
            if reply.get("nonce") != nonce:
                raise ProtocolError("a reply that does not answer this request")
            return reply

    @contextlib.contextmanager
    def _failures(self, timeout: float):
        """Whatever goes wrong while talking to the child ends it, as a timeout, a death or a
        malformed reply (the submission's fault, never the grader's)."""
        try:
            yield
        except socket.timeout:
            self.kill()
            raise WorkerTimeout(f"no answer within {timeout:g} s") from None
        except (EOFError, ConnectionError, BrokenPipeError) as exc:
            self.kill()
            raise WorkerDied(f"the worker process ended ({exc})") from None
        except ProtocolError as exc:
            self.kill()
            raise WorkerMalformed(f"{WorkerMalformed.MESSAGE} ({exc})") from None
        except OSError as exc:
            self.kill()
            raise WorkerDied(f"the worker process ended ({exc})") from None
        except GeneratorExit:
            raise
        except Exception as exc:  # noqa: BLE001 - whatever a hostile reply provokes is the reply's fault
            self.kill()
            raise WorkerMalformed(f"{WorkerMalformed.MESSAGE} ({type(exc).__name__})") from None

    def start_batch(self, message: dict, count: int, timeout: float, total: float) -> "Batch":
        """Send one batch request; its ``count`` replies are then read one by one (``Batch``)."""
        if self.closed:
            raise WorkerDied("the worker was already stopped")
        nonce = secrets.token_hex(12)
        with self._failures(timeout):
            self.sock.settimeout(max(0.05, min(timeout, total)))
            send_request(self.sock, {**message, "nonce": nonce})
        return Batch(self, nonce, count, timeout, time.monotonic() + total)

    def kill(self) -> None:
        if not self.closed:
            self.closed = True
            self.zygote.send({"op": "kill", "id": self.id})
            self.sock.close()

    def idle(self) -> bool:
        """Whether this child, asked nothing yet, still waits: it has sent nothing and not ended."""
        if self.closed:
            return False
        try:
            ready, _, _ = select.select([self.sock], [], [], 0)
        except (OSError, ValueError):
            return False
        return not ready

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.sock.close()
            self.zygote.send({"op": "done", "id": self.id})


class Batch:
    """The replies of one batch request, in order, each read when the grader needs it.

    The worker runs the calls one after another and sends each reply as soon as its call
    returns, so it is usually ahead. Each reply must be complete ``timeout`` seconds after
    it is asked for, and all within the batch's total budget: every call keeps the time
    limit it would have had on its own. Whatever goes wrong ends the child as in
    ``Child.request``.
    """

    def __init__(self, child: Child, nonce: str, count: int, timeout: float, end: float):
        self.child, self.nonce, self.count = child, nonce, count
        self.timeout, self.end = timeout, end
        self.taken = 0

    @property
    def left(self) -> int:
        return self.count - self.taken

    def next(self, timeout: float | None = None) -> dict:
        timeout = self.timeout if timeout is None else timeout
        if self.child.closed:
            raise WorkerDied("the worker was already stopped")
        with self.child._failures(timeout):  # noqa: SLF001 - the same failures as a single request
            reply = check_reply(recv_msg(self.child.sock, deadline=min(time.monotonic() + timeout, self.end)))
            if reply.get("nonce") != self.nonce or reply.get("index") != self.taken:
                raise ProtocolError("a reply that does not answer this request")
            self.taken += 1
            return reply

    def drain(self, grace: float) -> tuple[list[dict], bool]:
        """The replies not taken, read within ``grace`` seconds in all: the calls nobody needs
        any more (their check has ended). Returns them and whether all came; if not, the child
        was ended (a slow or endless call must not hold up the next check)."""
        end = time.monotonic() + grace
        replies = []
        try:
            while self.left:
                replies.append(self.next(max(0.01, end - time.monotonic())))
        except (WorkerTimeout, WorkerDied):
            return replies, False
        return replies, True
