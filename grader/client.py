"""Trusted side of the worker: start the zygote, fork children, talk plain data to them."""
from __future__ import annotations

import itertools
import json
import os
import signal
import socket
import subprocess
import time

from grader import sandbox
from grader.worker.protocol import FIRST_CHILD_UID, ProtocolError, check_reply, recv_msg, send_msg


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

    def __init__(self, slot: int = 0, start_timeout: float = 180.0):
        self.slot = slot
        self.start_timeout = start_timeout
        self._start()

    def _start(self) -> None:
        cmd, env, self.sandbox = sandbox.worker_command()
        self.control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.proc = subprocess.Popen(
            cmd, stdin=theirs, stdout=subprocess.DEVNULL,
            stderr=None if os.environ.get("GRADER_DEBUG") else subprocess.DEVNULL,
            env=env, start_new_session=True, close_fds=True,
        )
        theirs.close()
        self.ready = False
        self.counter = 0

    def _reply(self, timeout: float) -> dict:
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

    def uid(self) -> int:
        self.counter = (self.counter + 1) % 10_000
        return FIRST_CHILD_UID + (self.slot % 50) * 10_000 + self.counter

    def restart(self) -> None:
        self.close()
        self._start()

    def spawn(self, limits: dict) -> "Child":
        if not self.alive():
            self.restart()
        self.wait_ready()
        child_id = next(self._ids)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        request = {"op": "spawn", "id": child_id, "uid": self.uid(), "limits": limits}
        try:
            socket.send_fds(self.control, [json.dumps(request).encode()], [theirs.fileno()])
            self._reply(30)
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

    def close(self) -> None:
        """End the zygote and every child: killing bubblewrap ends its PID namespace."""
        if self.sandbox == "none" and self.alive():  # no namespace: the zygote kills its children
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
        try:
            self.sock.settimeout(max(0.05, timeout))
            send_msg(self.sock, message)
            reply = recv_msg(self.sock, deadline=deadline)
            return check_reply(reply, cells=len(message.get("cells") or ()))
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
        except Exception as exc:  # noqa: BLE001 - whatever a hostile reply provokes is the reply's fault
            self.kill()
            raise WorkerMalformed(f"{WorkerMalformed.MESSAGE} ({type(exc).__name__})") from None

    def kill(self) -> None:
        if not self.closed:
            self.closed = True
            self.zygote.send({"op": "kill", "id": self.id})
            self.sock.close()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.sock.close()
            self.zygote.send({"op": "done", "id": self.id})
