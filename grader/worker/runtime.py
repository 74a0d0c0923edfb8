"""The worker: the only process that runs student code.

Started as ``python -I runtime.py --zygote`` (inside bubblewrap when available), it
imports torch, numpy, scipy and sympy once and then waits on its control socket
(fd 0). For each exercise of each submission the trusted grader sends a ``spawn``
request carrying one end of a fresh socket pair; the zygote forks a child that
drops to its own unprivileged uid (when the zygote runs as root), sets resource
limits, writes the submission's files into a private directory and then answers
requests (``call``, ``get``, ``probe``) on that socket with plain data only.

Nothing here decides a score: the trusted side treats every answer as untrusted.
"""
from __future__ import annotations

import ctypes
import io
import os
import resource
import select
import shutil
import signal
import socket
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import protocol  # noqa: E402  (the worker directory is its own import root)
from protocol import FIRST_CHILD_UID, MAX_MESSAGE, MAX_REQUEST, OUTPUT_CAP, recv_msg, send_msg  # noqa: E402
IS_ROOT = os.geteuid() == 0
SANDBOXED = os.environ.get("GRADER_SANDBOX") == "bwrap"


# ----------------------------------------------------------------------------- zygote

def preload() -> None:
    """Import what every child needs, once, before any fork."""
    if SANDBOXED:  # the zygote's own scratch space (torch caches) is not the children's /tmp
        private = "/tmp/.zygote"
        os.makedirs(private, mode=0o700, exist_ok=True)
        os.environ["TMPDIR"] = private
        tempfile.tempdir = private
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("MPLBACKEND", "Agg")
    import numpy  # noqa: F401
    import torch

    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    for name in ("scipy.signal", "sympy", "probes", "notebook", "session"):
        try:
            __import__(name)
        except ImportError:
            pass
    warm_up(torch)
    import gc

    gc.collect()
    gc.freeze()  # children share these objects: keep the collector from touching (copying) their pages


def warm_up(torch) -> None:
    """Pay torch's first-use costs (autograd, conv2d backward, optimisers) once, before forking."""
    x = torch.rand(1, 1, 5, 6, requires_grad=True)
    w = torch.nn.Parameter(torch.rand(1, 1, 2, 3))
    out = torch.nn.functional.conv2d(x, w) + x[..., :4, :4].unfold(2, 2, 1).sum()
    out.sum().backward()
    torch.optim.SGD([w], lr=0.1).step()
    torch.einsum("ij,jk->ik", torch.rand(2, 3), torch.rand(3, 2))
    torch.manual_seed(0)


def kill_uid(uid: int) -> None:
    """Kill every process of ``uid``: a helper that becomes uid and signals -1."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setgid(uid)
            os.setuid(uid)
            os.kill(-1, signal.SIGKILL)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


class Reaper:
    """A small process, forked before torch is imported, that runs ``kill_uid`` on request.

    Forking the warm zygote (hundreds of MB mapped) for every cleanup would stall the
    next spawn; forking this small process is cheap, and the zygote does not wait.
    """

    def __init__(self):
        read, self.write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(self.write)
            with os.fdopen(read, "rb") as requests:
                for line in requests:
                    try:
                        uid = int(line)
                        if uid >= FIRST_CHILD_UID:  # never root, never a system user
                            kill_uid(uid)
                    except (ValueError, OSError):
                        pass
            os._exit(0)
        os.close(read)

    def kill(self, uid: int) -> None:
        os.write(self.write, b"%d\n" % uid)


def zygote() -> None:
    reaper = Reaper() if IS_ROOT and SANDBOXED else None
    preload()
    control = socket.socket(fileno=0)
    children: dict[int, dict] = {}  # id -> {"pid", "uid", "dir"}
    sys.stdout.flush()
    while True:
        # reap what has ended
        while True:
            try:
                pid, _status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
        ready, _, _ = select.select([control], [], [], 0.5)
        if not ready:
            continue
        try:
            msg, fds, _flags, _addr = socket.recv_fds(control, 65536, 4)
        except OSError:
            break
        if not msg:
            break  # the grader went away: end everything
        import json

        request = json.loads(msg.decode())
        op = request.get("op")
        if op == "spawn":
            child_id = int(request["id"])
            uid = int(request.get("uid", 0))
            workdir = tempfile.mkdtemp(prefix=f"w{child_id}-", dir="/tmp" if SANDBOXED else None)
            pid = os.fork()
            if pid == 0:
                control.close()
                if reaper is not None:  # student code must not be able to ask for kills
                    os.close(reaper.write)
                child_main(socket.socket(fileno=fds[0]), workdir, uid, request.get("limits", {}))
                os._exit(0)  # pragma: no cover - child_main never returns
            for fd in fds:
                os.close(fd)
            children[child_id] = {"pid": pid, "uid": uid, "dir": workdir}
            control.sendall(json.dumps({"op": "spawned", "id": child_id}).encode())
        elif op in ("kill", "done"):
            child = children.pop(int(request["id"]), None)
            if child is not None:
                if reaper is not None and child["uid"]:  # kill -1 reaches only our PID namespace
                    reaper.kill(child["uid"])
                else:
                    try:
                        os.killpg(child["pid"], signal.SIGKILL)
                    except OSError:
                        pass
                shutil.rmtree(child["dir"], ignore_errors=True)
        elif op == "ping":
            control.sendall(b'{"op": "pong"}')
        elif op == "exit":
            break
    for child in children.values():
        try:
            kill_uid(child["uid"]) if reaper is not None and child["uid"] else os.killpg(child["pid"], signal.SIGKILL)
        except OSError:
            pass
        shutil.rmtree(child["dir"], ignore_errors=True)


# ----------------------------------------------------------------------------- child

def set_limits(limits: dict) -> None:
    def vm_size() -> int:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * resource.getpagesize()

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an over-long write fails instead of killing
    cpu = int(limits.get("cpu_seconds", 120))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    memory = int(limits.get("memory_bytes", 1 << 30))
    if memory:
        try:
            total = vm_size() + memory
            resource.setrlimit(resource.RLIMIT_AS, (total, total))
        except (OSError, ValueError):
            pass
    fsize = int(limits.get("file_bytes", 4 << 20))
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    nproc = int(limits.get("processes", 16))
    if IS_ROOT:  # per-uid limit; only meaningful once we have our own uid
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
    nofile = 256
    resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))


def drop_privileges(uid: int, workdir: str) -> None:
    os.chown(workdir, uid, uid)
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(38, 1, 0, 0, 0)  # PR_SET_NO_NEW_PRIVS


class Output:
    """Captures fd 1 and 2 into a file that the student's uid cannot open by path."""

    def __init__(self, workdir: str):
        path = os.path.join(workdir, ".output")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o600)
        self.reader = os.open(path, os.O_RDONLY)
        os.unlink(path)
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
        sys.stdout = io.TextIOWrapper(os.fdopen(1, "wb", buffering=0), write_through=True)
        sys.stderr = io.TextIOWrapper(os.fdopen(2, "wb", buffering=0), write_through=True)

    def take(self) -> dict:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass
        data = b""
        total = 0
        while True:
            chunk = os.read(self.reader, 65536)
            if not chunk:
                break
            total += len(chunk)
            if len(data) < OUTPUT_CAP * 4:
                data += chunk
        text = data.decode("utf-8", "replace")
        truncated = total > len(data) or len(text) > OUTPUT_CAP
        return {"output": text[:OUTPUT_CAP], "output_truncated": truncated}


def child_main(sock: socket.socket, workdir: str, uid: int, limits: dict) -> None:
    os.setsid()
    try:
        os.chdir(workdir)
        output = Output(workdir)
        set_limits(limits)
        if IS_ROOT:  # never keep root, whatever uid was asked for
            drop_privileges(uid if uid >= FIRST_CHILD_UID else 65534, workdir)
        os.environ.update({"HOME": workdir, "TMPDIR": workdir, "MPLCONFIGDIR": workdir})
        tempfile.tempdir = workdir
        from session import Session

        session = Session(workdir, output)
        while True:
            try:
                request = recv_msg(sock, MAX_REQUEST)
            except (EOFError, OSError, protocol.ProtocolError):
                break
            response = session.handle(request)
            response.update(output.take())
            try:
                send_msg(sock, response, MAX_MESSAGE)
            except protocol.ProtocolError as exc:
                send_msg(sock, {"status": "worker_error", "message": str(exc)}, MAX_MESSAGE)
    except BaseException:  # noqa: BLE001 - report anything, then end this child only
        try:
            send_msg(sock, {"status": "worker_error", "message": traceback.format_exc(limit=3)})
        except BaseException:
            pass
    finally:
        os._exit(0)


if __name__ == "__main__":
    if "--zygote" in sys.argv:
        zygote()
